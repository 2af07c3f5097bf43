export { activeStateIds } from './chart/active.js';
export {
  CHART_FONT_SIZE,
  type ChartBox,
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
  renderStatechart,
  type StatechartDrawing,
  takenTransitions,
} from './chart/render.js';
