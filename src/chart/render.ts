import type { StateValue } from 'xstate';
import type { StateNodeJSON } from '../chartExport.js';
import { activeStateIds, availableLabels, takenTransitions } from './active.js';
import type { ChartLabelLine, ChartNote } from './labels.js';
import {
  CHART_FONT_SIZE,
  CHART_LINE_HEIGHT,
  type ChartLabel,
  type ChartLayout,
  type ChartState,
  type ChartTransition,
  layoutStatechart,
} from './layout.js';
import { type ChartColor, type ChartTheme, chartColor } from './theme.js';
import { type ChartView, createChartView } from './view.js';

/** What to light on a drawn chart: the state value (every region's active state) and the last event. */
export interface ChartHighlight {
  /** The chart's state value, as XState gives it (`snapshot.value`); nothing is lit when absent. */
  readonly value?: StateValue | undefined;
  /** The type of the event that led to `value`: the transitions it took are highlighted. */
  readonly event?: string | undefined;
  /**
   * The state value before `event`, to tell which of the transitions on that event was taken.
   * Optional: a drawing that was painted before remembers the value it showed (for the same
   * `subject`); with neither, only a transition that must have been taken is lit.
   */
  readonly previous?: StateValue | undefined;
  /**
   * Whose state this is, such as a task id. A drawing remembers the value it showed to tell the
   * transition the next event took; a new subject forgets it, so a view reused for another task
   * never compares with the old task's state.
   */
  readonly subject?: string | undefined;
}

/** Options of `renderStatechart` and `drawStatechart`. */
export interface RenderOptions {
  /** `light` or `dark`, or `auto` (the default) to follow the page's `color-scheme`. */
  readonly theme?: ChartTheme | undefined;
}

const SVG = 'http://www.w3.org/2000/svg';
const FONT = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';

type Attributes = Record<string, string | number>;

function element<K extends keyof SVGElementTagNameMap>(
  document: Document,
  tag: K,
  attributes: Attributes,
  text?: string,
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  // Text goes in as text, never as markup.
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Colours go through the CSSOM, never a `style` attribute: a page's CSP that forbids inline styles allows it. */
function paint(node: SVGElement, colors: Partial<Record<'fill' | 'stroke' | 'color', ChartColor | 'none'>>): void {
  for (const [property, role] of Object.entries(colors)) {
    node.style.setProperty(property, role === 'none' ? 'none' : chartColor(role));
  }
}

function text(document: Document, x: number, y: number, content: string, color: ChartColor, extra: Attributes = {}) {
  const node = element(
    document,
    'text',
    { x, y, 'font-family': FONT, 'font-size': CHART_FONT_SIZE, ...extra },
    content,
  );
  paint(node, { fill: color });
  return node;
}

const NOTE_COLORS: Readonly<Record<ChartNote['kind'], ChartColor>> = {
  description: 'muted',
  entry: 'action',
  exit: 'action',
  invoke: 'muted',
  transition: 'muted',
};

function drawState(document: Document, state: ChartState): SVGGElement {
  const group = element(document, 'g', { 'data-state-id': state.id, 'data-kind': state.kind, class: 'tt-state' });
  if (state.kind === 'initial') {
    const r = state.width / 2;
    const dot = element(document, 'circle', { cx: state.x + r, cy: state.y + r, r, class: 'tt-initial' });
    paint(dot, { fill: 'text' });
    group.append(dot);
    return group;
  }
  if (state.kind === 'history') {
    const r = state.width / 2;
    const circle = element(document, 'circle', {
      class: 'tt-box',
      cx: state.x + r,
      cy: state.y + r,
      r,
      'stroke-width': 1.5,
    });
    paint(circle, { fill: 'box', stroke: 'border' });
    const mark = text(document, state.x + r, state.y + r + 4, state.history === 'deep' ? 'H*' : 'H', 'text', {
      'text-anchor': 'middle',
      'font-weight': 'bold',
      class: 'tt-name',
    });
    const title = element(document, 'title', {}, `${state.key} (${state.history ?? 'shallow'} history)`);
    group.append(title, circle, mark);
    return group;
  }
  const box = element(document, 'rect', {
    class: state.region ? 'tt-box tt-region' : 'tt-box',
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    rx: state.region ? 6 : 8,
    'stroke-width': state.region ? 1 : 1.5,
    ...(state.region ? { 'stroke-dasharray': '5 4' } : {}),
  });
  paint(box, state.region ? { fill: 'none', stroke: 'region' } : { fill: 'box', stroke: 'border' });
  group.append(box);
  if (state.kind === 'final') {
    // A final state: a double border, as in Harel's and Stately's charts.
    const inner = element(document, 'rect', {
      x: state.x + 4,
      y: state.y + 4,
      width: state.width - 8,
      height: state.height - 8,
      rx: 5,
      'stroke-width': 1,
      class: 'tt-final',
    });
    paint(inner, { fill: 'none', stroke: 'border' });
    group.append(inner);
  }
  const nameY = state.y + (state.kind === 'final' ? 21 : 19);
  group.append(
    text(document, state.x + (state.kind === 'final' ? 12 : 10), nameY, state.key, 'text', {
      'font-weight': 'bold',
      'font-style': state.region ? 'italic' : 'normal',
      class: 'tt-name',
    }),
  );
  state.notes.forEach((note, index) => {
    group.append(
      text(document, state.x + 10, nameY + CHART_LINE_HEIGHT * (index + 1), note.text, NOTE_COLORS[note.kind], {
        'font-size': CHART_FONT_SIZE - 1,
        'font-style': note.kind === 'description' ? 'italic' : 'normal',
        class: `tt-note tt-note-${note.kind}`,
      }),
    );
  });
  return group;
}

function drawTransition(document: Document, transition: ChartTransition, markers: string): SVGGElement {
  const group = element(document, 'g', {
    class: 'tt-transition',
    'data-transition-id': transition.id,
    'data-event': transition.event,
    'data-source': transition.source,
    'data-target': transition.target,
  });
  const d = transition.points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x},${point.y}`).join(' ');
  const path = element(document, 'path', {
    d,
    fill: 'none',
    'stroke-width': 1.25,
    'marker-end': `url(#${markers}-arrow)`,
  });
  paint(path, { stroke: 'line' });
  group.append(path);
  return group;
}

const LINE_COLORS: Readonly<Record<ChartLabelLine['kind'], ChartColor>> = {
  event: 'text',
  guard: 'guard',
  action: 'action',
};

function drawLabel(document: Document, label: ChartLabel): SVGGElement {
  const group = element(document, 'g', {
    class: 'tt-label',
    'data-label-id': label.id,
    'data-event': label.event,
    'data-source': label.source,
  });
  const pill = element(document, 'rect', {
    x: label.x,
    y: label.y,
    width: label.width,
    height: label.height,
    rx: Math.min(label.height / 2, 10),
    'stroke-width': 1,
    class: 'tt-pill',
  });
  paint(pill, { fill: 'pill', stroke: 'border' });
  group.append(pill);
  label.lines.forEach((line, index) => {
    group.append(
      text(
        document,
        label.x + 8,
        label.y + 4 + CHART_LINE_HEIGHT * (index + 1) - 4,
        line.text,
        LINE_COLORS[line.kind],
        {
          'font-weight': line.kind === 'event' ? 'bold' : 'normal',
          'font-size': line.kind === 'event' ? CHART_FONT_SIZE : CHART_FONT_SIZE - 1,
          class: `tt-line tt-line-${line.kind}`,
        },
      ),
    );
  });
  return group;
}

function arrowhead(document: Document, id: string, color: ChartColor): SVGMarkerElement {
  const marker = element(document, 'marker', {
    id,
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto-start-reverse',
  });
  const head = element(document, 'path', { d: 'M0,0 L10,5 L0,10 z' });
  paint(head, { fill: color });
  marker.append(head);
  return marker;
}

// Marker ids are document-wide: each SVG gets its own prefix, so charts on one page (or two copies
// of this module) never point at each other's arrowheads.
const instance = Math.random().toString(36).slice(2, 8);
let drawn = 0;
const markerPrefix = new WeakMap<SVGSVGElement, string>();

/**
 * Draws a laid-out chart (see `layoutStatechart`) as an SVG element: states as rounded boxes with
 * their description, entry / exit actions and invokes (final states with a double border,
 * parallel regions in dashed frames, history states as `H` / `H*` circles, a dot and arrow beside
 * each initial state), and each transition as a pill on its own arrow with its trigger, guard
 * branch and actions. Then lights `highlight` (see `paintStatechart`). Every text is set as text,
 * so no chart content is read as markup; colours are CSS variables (`--tt-chart-*`) with light
 * and dark defaults (see `chartColor`).
 *
 * @example
 * ```ts
 * import { taskMachine, toJSON } from 'tooltask';
 * import { layoutStatechart, renderStatechart } from 'tooltask/chart';
 * const layout = await layoutStatechart(toJSON(taskMachine));
 * const svg = renderStatechart(document, layout, { value: 'pending', event: 'xstate.init' }, { theme: 'dark' });
 * document.body.append(svg);
 * ```
 */
export function renderStatechart(
  document: Document,
  layout: ChartLayout,
  highlight?: ChartHighlight,
  options: RenderOptions = {},
): SVGSVGElement {
  const svg = element(document, 'svg', {
    viewBox: `0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`,
    width: Math.ceil(layout.width),
    height: Math.ceil(layout.height),
    role: 'img',
    class: 'tt-chart',
    'aria-label': `${layout.id} statechart`,
  });
  if (options.theme !== undefined && options.theme !== 'auto') svg.style.setProperty('color-scheme', options.theme);
  svg.style.setProperty('background', chartColor('background'));
  const prefix = `tt-${instance}-${++drawn}`;
  markerPrefix.set(svg, prefix);
  const defs = element(document, 'defs', {});
  defs.append(arrowhead(document, `${prefix}-arrow`, 'line'), arrowhead(document, `${prefix}-arrow-taken`, 'taken'));
  svg.append(defs);
  const states = element(document, 'g', { class: 'tt-states' });
  for (const state of layout.states) states.append(drawState(document, state));
  const transitions = element(document, 'g', { class: 'tt-transitions' });
  for (const transition of layout.transitions) transitions.append(drawTransition(document, transition, prefix));
  const labels = element(document, 'g', { class: 'tt-labels' });
  for (const label of layout.labels) labels.append(drawLabel(document, label));
  svg.append(states, transitions, labels);
  paintStatechart(svg, layout, highlight);
  return svg;
}

/** What a drawing showed last: to tell the transition the next event took. */
interface Painted {
  readonly subject: string | undefined;
  readonly value: string;
  readonly event: string | undefined;
  readonly active: ReadonlySet<string>;
  readonly previous: ReadonlySet<string> | undefined;
}

const painted = new WeakMap<SVGSVGElement, Painted>();

/** The state ids before `highlight.event`: given, or remembered from the last paint of the same subject. */
function previousOf(svg: SVGSVGElement, layout: ChartLayout, highlight: ChartHighlight, value: string) {
  if (highlight.previous !== undefined) return activeStateIds(layout.id, highlight.previous);
  const last = painted.get(svg);
  if (last === undefined || last.subject !== highlight.subject) return undefined;
  // The same moment painted again (a re-render): compare with what came before it, not with itself.
  if (last.value === value && last.event === highlight.event) return last.previous;
  return last.active;
}

/**
 * Lights a drawn chart: the active state of every region (and their ancestors) filled and marked
 * `data-active="true"`, the pills of the events it can take now marked `data-available="true"`,
 * and the arrows the last event took drawn in orange and marked `data-taken="true"` (their pill
 * `data-pill-taken="true"`). Called
 * again on the same SVG, it compares with the value it showed before (for the same `subject`) to
 * tell which transition was taken.
 *
 * @example
 * ```ts
 * import { taskMachine, toJSON } from 'tooltask';
 * import { layoutStatechart, paintStatechart, renderStatechart } from 'tooltask/chart';
 * const layout = await layoutStatechart(toJSON(taskMachine));
 * const svg = renderStatechart(document, layout, { value: 'pending' });
 * paintStatechart(svg, layout, { value: { running: { work: 'working', client: 'free' } }, event: 'task.start' });
 * ```
 */
export function paintStatechart(svg: SVGSVGElement, layout: ChartLayout, highlight: ChartHighlight = {}): void {
  const active = highlight.value === undefined ? new Set<string>() : activeStateIds(layout.id, highlight.value);
  const value = JSON.stringify(highlight.value) ?? '';
  const previous = previousOf(svg, layout, highlight, value);
  const taken = takenTransitions(layout, active, highlight.event, previous);
  const available = availableLabels(layout, active);
  painted.set(svg, { subject: highlight.subject, value, event: highlight.event, active, previous });
  const markers = markerPrefix.get(svg) ?? 'tt';
  svg.querySelectorAll<SVGGElement>('g.tt-state').forEach((group) => {
    const id = group.getAttribute('data-state-id') ?? '';
    const kind = group.getAttribute('data-kind');
    const lit = active.has(id);
    group.setAttribute('data-active', String(lit));
    if (lit) group.setAttribute('aria-current', 'step');
    else group.removeAttribute('aria-current');
    const box = group.querySelector<SVGElement>('.tt-box');
    if (box !== null) {
      const region = box.classList.contains('tt-region');
      if (!region) paint(box, { fill: lit && kind !== 'parallel' ? 'active-box' : 'box' });
      paint(box, { stroke: lit ? 'active-border' : region ? 'region' : 'border' });
      box.setAttribute('stroke-width', lit && !region ? '2.5' : region ? '1' : '1.5');
    }
    const final = group.querySelector<SVGElement>('.tt-final');
    if (final !== null) paint(final, { stroke: lit ? 'active-border' : 'border' });
    const name = group.querySelector<SVGElement>('.tt-name');
    if (name !== null) paint(name, { fill: lit ? 'active-border' : 'text' });
  });
  const takenLabels = new Set<string>();
  svg.querySelectorAll<SVGGElement>('g.tt-transition').forEach((group) => {
    const id = group.getAttribute('data-transition-id') ?? '';
    const isTaken = taken.has(id);
    if (isTaken) takenLabels.add(id.slice(0, id.lastIndexOf(':')));
    group.setAttribute('data-taken', String(isTaken));
    const path = group.querySelector('path');
    if (path !== null) {
      paint(path, { stroke: isTaken ? 'taken' : 'line' });
      path.setAttribute('stroke-width', isTaken ? '2.5' : '1.25');
      path.setAttribute('marker-end', `url(#${markers}-${isTaken ? 'arrow-taken' : 'arrow'})`);
    }
    // Taken arrows go on top, so no other arrow hides them.
    if (isTaken) group.parentNode?.append(group);
  });
  svg.querySelectorAll<SVGGElement>('g.tt-label').forEach((group) => {
    const id = group.getAttribute('data-label-id') ?? '';
    const isTaken = takenLabels.has(id);
    const isAvailable = available.has(id);
    // Not `data-taken`, which marks arrows: a page counting taken arrows never counts a pill.
    group.setAttribute('data-pill-taken', String(isTaken));
    group.setAttribute('data-available', String(isAvailable));
    const pill = group.querySelector<SVGElement>('.tt-pill');
    if (pill !== null) {
      paint(pill, {
        fill: isTaken ? 'taken-pill' : isAvailable ? 'available-pill' : 'pill',
        stroke: isTaken ? 'taken' : isAvailable ? 'available' : 'border',
      });
      pill.setAttribute('stroke-width', isTaken || isAvailable ? '2' : '1');
    }
    const event = group.querySelector<SVGElement>('.tt-line-event');
    if (event !== null) paint(event, { fill: isTaken ? 'taken' : isAvailable ? 'available' : 'text' });
  });
}

/** A chart drawn into a container by `drawStatechart`. */
export interface StatechartDrawing {
  /** Settles once the layout is done and the SVG is in the container. */
  readonly ready: Promise<void>;
  /** Lights another state value and last event (before `ready` too: the latest wins). */
  update(highlight: ChartHighlight): void;
  /** Shows the whole chart in the view, however small its text gets (the `Fit` button). */
  fit(): void;
  /** Zooms by `factor` (above 1 nearer) about the view's centre, as the `+` and `−` buttons do. */
  zoom(factor: number): void;
  /** The current zoom: 1 draws the chart's 12 px text at 12 px; `undefined` before `ready`. */
  readonly scale: number | undefined;
  /** Removes the SVG; later updates do nothing. */
  destroy(): void;
}

const layouts = new WeakMap<StateNodeJSON, Promise<ChartLayout>>();

/** One layout per chart object: every task of a machine shares its chart's layout. */
export function cachedLayout(chart: StateNodeJSON): Promise<ChartLayout> {
  let layout = layouts.get(chart);
  if (layout === undefined) {
    layout = layoutStatechart(chart);
    layouts.set(chart, layout);
  }
  return layout;
}

/**
 * Draws a statechart from `toJSON(machine)` into a DOM element, laid out by ELK, and keeps it lit:
 * framework-free, for any page (React apps have `StatechartView` in `tooltask/react`). The layout
 * runs once per chart object and is shared by every drawing of it.
 *
 * The chart sits in a view of the container's width that opens at a readable size (text at least
 * 11 px; a wider chart is panned) with buttons to zoom out, zoom in, fit the whole chart and go
 * back to actual size; drag to pan, Ctrl or ⌘ + wheel (or a pinch) to zoom, and on the focused
 * view `+` `−` `0` (fit) `1` (actual size) and the arrow keys.
 *
 * @example
 * ```ts
 * import { taskMachine, toJSON } from 'tooltask';
 * import { drawStatechart } from 'tooltask/chart';
 * const chart = toJSON(taskMachine);
 * const drawing = drawStatechart(document.body, chart, { value: 'pending', event: 'xstate.init', subject: 'fetch' });
 * drawing.update({ value: { running: { work: 'working', client: 'free' } }, event: 'task.start', subject: 'fetch' });
 * await drawing.ready;
 * drawing.fit();
 * ```
 */
export function drawStatechart(
  container: Element,
  chart: StateNodeJSON,
  highlight: ChartHighlight = {},
  options: RenderOptions = {},
): StatechartDrawing {
  let latest = highlight;
  let svg: SVGSVGElement | undefined;
  let layout: ChartLayout | undefined;
  let view: ChartView | undefined;
  let destroyed = false;
  const ready = cachedLayout(chart).then((laid) => {
    if (destroyed) return;
    layout = laid;
    svg = renderStatechart(container.ownerDocument, laid, latest, options);
    view = createChartView(container, svg, laid);
  });
  return {
    ready,
    update(next) {
      latest = next;
      if (svg !== undefined && layout !== undefined && !destroyed) paintStatechart(svg, layout, next);
    },
    fit() {
      view?.fit();
    },
    zoom(factor) {
      view?.zoom(factor);
    },
    get scale() {
      return view?.scale;
    },
    destroy() {
      destroyed = true;
      view?.destroy();
    },
  };
}
