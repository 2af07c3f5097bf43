import type { StateValue } from 'xstate';
import type { StateNodeJSON } from '../chartExport.js';
import { activeStateIds } from './active.js';
import {
  CHART_FONT_SIZE,
  type ChartLayout,
  type ChartState,
  type ChartTransition,
  layoutStatechart,
} from './layout.js';

/** What to light on a drawn chart: the state value (every region's active state) and the last event. */
export interface ChartHighlight {
  /** The chart's state value, as XState gives it (`snapshot.value`); nothing is lit when absent. */
  readonly value?: StateValue | undefined;
  /** The type of the event that led to `value`: the transitions it took are highlighted. */
  readonly event?: string | undefined;
  /**
   * The state value before `event`, to tell which of the transitions on that event was taken.
   * Optional: a drawing that was painted before remembers the value it showed.
   */
  readonly previous?: StateValue | undefined;
}

const SVG = 'http://www.w3.org/2000/svg';
const FONT = 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace';
const COLORS = {
  line: '#64748b',
  box: '#ffffff',
  border: '#94a3b8',
  text: '#0f172a',
  note: '#475569',
  activeBox: '#dbeafe',
  activeBorder: '#2563eb',
  taken: '#d97706',
};

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

/**
 * The ids of the transitions `event` took to reach `active` from `previous` (when known): those
 * on that event whose target is active now and, when `previous` is given, whose source was active.
 *
 * @example
 * ```ts
 * import { taskMachine, toJSON } from 'tooltask';
 * import { activeStateIds, layoutStatechart, takenTransitions } from 'tooltask/chart';
 * const layout = await layoutStatechart(toJSON(taskMachine));
 * const now = activeStateIds('task', { running: { work: 'working', client: 'free' } });
 * takenTransitions(layout, now, 'task.start', activeStateIds('task', 'pending')); // Set { 'task.pending:0:0' }
 * ```
 */
export function takenTransitions(
  layout: ChartLayout,
  active: ReadonlySet<string>,
  event: string | undefined,
  previous: ReadonlySet<string> | undefined,
): Set<string> {
  const taken = new Set<string>();
  if (event === undefined || event === '') return taken;
  if (event === 'xstate.init') {
    taken.add(`${layout.id}.#initial:0:0`);
    return taken;
  }
  for (const transition of layout.transitions) {
    if (transition.event !== event || !active.has(transition.target)) continue;
    if (previous !== undefined && !previous.has(transition.source)) continue;
    taken.add(transition.id);
  }
  return taken;
}

function drawState(document: Document, state: ChartState): SVGGElement {
  const group = element(document, 'g', { 'data-state-id': state.id, 'data-kind': state.kind, class: 'tt-state' });
  if (state.kind === 'initial') {
    const r = state.width / 2;
    group.append(element(document, 'circle', { cx: state.x + r, cy: state.y + r, r, fill: COLORS.text }));
    return group;
  }
  if (!state.region) {
    group.append(
      element(document, 'rect', {
        class: 'tt-box',
        x: state.x,
        y: state.y,
        width: state.width,
        height: state.height,
        rx: 8,
        fill: COLORS.box,
        stroke: COLORS.border,
        'stroke-width': 1.5,
      }),
    );
  }
  if (state.kind === 'final') {
    // A final state: a double border, as in Harel's and Stately's charts.
    group.append(
      element(document, 'rect', {
        x: state.x + 4,
        y: state.y + 4,
        width: state.width - 8,
        height: state.height - 8,
        rx: 5,
        fill: 'none',
        stroke: COLORS.border,
        'stroke-width': 1,
        class: 'tt-final',
      }),
    );
  }
  const nameY = state.y + (state.kind === 'final' ? 23 : 19);
  group.append(
    element(
      document,
      'text',
      {
        x: state.x + (state.kind === 'final' ? 12 : 10),
        y: nameY,
        'font-family': FONT,
        'font-size': CHART_FONT_SIZE,
        'font-weight': 'bold',
        'font-style': state.region ? 'italic' : 'normal',
        fill: COLORS.text,
        class: 'tt-name',
      },
      state.key,
    ),
  );
  state.notes.forEach((note, index) => {
    group.append(
      element(
        document,
        'text',
        {
          x: state.x + 10,
          y: nameY + 16 * (index + 1),
          'font-family': FONT,
          'font-size': CHART_FONT_SIZE - 1,
          fill: COLORS.note,
        },
        note,
      ),
    );
  });
  for (const x of state.dividers) {
    group.append(
      element(document, 'line', {
        x1: x,
        x2: x,
        y1: state.y + 28,
        y2: state.y + state.height - 8,
        stroke: COLORS.border,
        'stroke-width': 1.5,
        'stroke-dasharray': '6 5',
        class: 'tt-divider',
      }),
    );
  }
  return group;
}

function drawTransition(document: Document, transition: ChartTransition): SVGGElement {
  const group = element(document, 'g', {
    class: 'tt-transition',
    'data-transition-id': transition.id,
    'data-event': transition.event,
    'data-source': transition.source,
    'data-target': transition.target,
  });
  const d = transition.points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x},${point.y}`).join(' ');
  group.append(
    element(document, 'path', {
      d,
      fill: 'none',
      stroke: COLORS.line,
      'stroke-width': 1.25,
      'marker-end': 'url(#tt-arrow)',
    }),
  );
  const label = transition.label;
  if (label !== undefined) {
    group.append(
      element(document, 'rect', {
        x: label.x,
        y: label.y,
        width: label.width,
        height: label.height,
        rx: 3,
        fill: '#f8fafc',
        'fill-opacity': 0.92,
      }),
      element(
        document,
        'text',
        {
          x: label.x + 3,
          y: label.y + label.height - 4,
          'font-family': FONT,
          'font-size': CHART_FONT_SIZE - 1,
          fill: COLORS.note,
        },
        label.text,
      ),
    );
  }
  return group;
}

function arrowhead(document: Document, id: string, color: string): SVGMarkerElement {
  const marker = element(document, 'marker', {
    id,
    viewBox: '0 0 10 10',
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: 'auto-start-reverse',
  });
  marker.append(element(document, 'path', { d: 'M0,0 L10,5 L0,10 z', fill: color }));
  return marker;
}

/**
 * Draws a laid-out chart (see `layoutStatechart`) as an SVG element: states as rounded boxes
 * (final states with a double border, parallel regions split by dashed dividers, a dot with an
 * arrow for each initial state) and transitions as labelled arrows. Then lights `highlight`
 * (see `paintStatechart`). Every text is set as text, so no chart content is read as markup.
 *
 * @example
 * ```ts
 * import { taskMachine, toJSON } from 'tooltask';
 * import { layoutStatechart, renderStatechart } from 'tooltask/chart';
 * const layout = await layoutStatechart(toJSON(taskMachine));
 * const svg = renderStatechart(document, layout, { value: 'pending', event: 'xstate.init' });
 * document.body.append(svg);
 * ```
 */
export function renderStatechart(document: Document, layout: ChartLayout, highlight?: ChartHighlight): SVGSVGElement {
  const svg = element(document, 'svg', {
    viewBox: `0 0 ${Math.ceil(layout.width)} ${Math.ceil(layout.height)}`,
    width: Math.ceil(layout.width),
    height: Math.ceil(layout.height),
    role: 'img',
    class: 'tt-chart',
    'aria-label': `${layout.id} statechart`,
  });
  const defs = element(document, 'defs', {});
  defs.append(arrowhead(document, 'tt-arrow', COLORS.line), arrowhead(document, 'tt-arrow-taken', COLORS.taken));
  svg.append(defs);
  const states = element(document, 'g', { class: 'tt-states' });
  for (const state of layout.states) states.append(drawState(document, state));
  const transitions = element(document, 'g', { class: 'tt-transitions' });
  for (const transition of layout.transitions) transitions.append(drawTransition(document, transition));
  svg.append(states, transitions);
  paintStatechart(svg, layout, highlight);
  return svg;
}

const previousActive = new WeakMap<SVGSVGElement, ReadonlySet<string>>();

/**
 * Lights a drawn chart: the active state of every region (and their ancestors) filled and marked
 * `data-active="true"`, and the transitions the last event took drawn in amber and marked
 * `data-taken="true"`. Called again on the same SVG, it compares with the previous value to tell
 * which transition was taken.
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
  const previous =
    highlight.previous === undefined ? previousActive.get(svg) : activeStateIds(layout.id, highlight.previous);
  const taken = takenTransitions(layout, active, highlight.event, previous);
  previousActive.set(svg, active);
  svg.querySelectorAll<SVGGElement>('g.tt-state').forEach((group) => {
    const id = group.getAttribute('data-state-id') ?? '';
    const kind = group.getAttribute('data-kind');
    const lit = active.has(id);
    group.setAttribute('data-active', String(lit));
    if (lit) group.setAttribute('aria-current', 'step');
    else group.removeAttribute('aria-current');
    const box = group.querySelector('rect.tt-box');
    if (box !== null) {
      box.setAttribute('fill', lit && kind !== 'parallel' ? COLORS.activeBox : COLORS.box);
      box.setAttribute('stroke', lit ? COLORS.activeBorder : COLORS.border);
      box.setAttribute('stroke-width', lit ? '2.5' : '1.5');
    }
    group.querySelector('rect.tt-final')?.setAttribute('stroke', lit ? COLORS.activeBorder : COLORS.border);
    group.querySelector('text.tt-name')?.setAttribute('fill', lit ? COLORS.activeBorder : COLORS.text);
  });
  svg.querySelectorAll<SVGGElement>('g.tt-transition').forEach((group) => {
    const isTaken = taken.has(group.getAttribute('data-transition-id') ?? '');
    group.setAttribute('data-taken', String(isTaken));
    const path = group.querySelector('path');
    path?.setAttribute('stroke', isTaken ? COLORS.taken : COLORS.line);
    path?.setAttribute('stroke-width', isTaken ? '2.5' : '1.25');
    path?.setAttribute('marker-end', isTaken ? 'url(#tt-arrow-taken)' : 'url(#tt-arrow)');
    const text = group.querySelector('text');
    text?.setAttribute('fill', isTaken ? COLORS.taken : COLORS.note);
    text?.setAttribute('font-weight', isTaken ? 'bold' : 'normal');
    // Taken arrows go on top, so no other arrow hides them.
    if (isTaken) group.parentNode?.append(group);
  });
}

/** A chart drawn into a container by `drawStatechart`. */
export interface StatechartDrawing {
  /** Settles once the layout is done and the SVG is in the container. */
  readonly ready: Promise<void>;
  /** Lights another state value and last event (before `ready` too: the latest wins). */
  update(highlight: ChartHighlight): void;
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
 * @example
 * ```ts
 * import { taskMachine, toJSON } from 'tooltask';
 * import { drawStatechart } from 'tooltask/chart';
 * const chart = toJSON(taskMachine);
 * const drawing = drawStatechart(document.body, chart, { value: 'pending', event: 'xstate.init' });
 * drawing.update({ value: { running: { work: 'working', client: 'free' } }, event: 'task.start' });
 * await drawing.ready;
 * ```
 */
export function drawStatechart(
  container: Element,
  chart: StateNodeJSON,
  highlight: ChartHighlight = {},
): StatechartDrawing {
  let latest = highlight;
  let svg: SVGSVGElement | undefined;
  let layout: ChartLayout | undefined;
  let destroyed = false;
  const ready = cachedLayout(chart).then((laid) => {
    if (destroyed) return;
    layout = laid;
    svg = renderStatechart(container.ownerDocument, laid, latest);
    container.append(svg);
  });
  return {
    ready,
    update(next) {
      latest = next;
      if (svg !== undefined && layout !== undefined && !destroyed) paintStatechart(svg, layout, next);
    },
    destroy() {
      destroyed = true;
      svg?.remove();
    },
  };
}
