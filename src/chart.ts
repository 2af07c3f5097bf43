export { activeStateIds, availableLabels, takenTransitions } from './chart/active.js';
export { type ChartLabelLine, type ChartNote, delayText, triggerText } from './chart/labels.js';
export {
  CHART_FONT_SIZE,
  CHART_LINE_HEIGHT,
  type ChartBox,
  type ChartLabel,
  type ChartLayout,
  type ChartPoint,
  type ChartState,
  type ChartTransition,
  type LayoutOptions,
  layoutStatechart,
} from './chart/layout.js';
export {
  type ChartHighlight,
  drawStatechart,
  paintStatechart,
  type RenderOptions,
  renderStatechart,
  type StatechartDrawing,
} from './chart/render.js';
export { type ChartColor, type ChartTheme, chartColor } from './chart/theme.js';
