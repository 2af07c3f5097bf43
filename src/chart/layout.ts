import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { StateNodeJSON, StateNodeKind } from '../chartExport.js';
import { type ChartLabelLine, type ChartNote, labelLines, stateNotes } from './labels.js';

/** A point of the laid-out chart, in pixels from its top left corner. */
export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

/** A box of the laid-out chart, in pixels from its top left corner. */
export interface ChartBox extends ChartPoint {
  readonly width: number;
  readonly height: number;
}

/** One state of the laid-out chart, or an initial marker (`kind: 'initial'`). */
export interface ChartState extends ChartBox {
  /** The state's id (`task.running.work`), or for an initial marker its parent's id plus `.#initial`. */
  readonly id: string;
  /** Its name within its parent (`work`). */
  readonly key: string;
  readonly kind: StateNodeKind | 'initial';
  /** The id of the state it is in; absent for the root's children drawn at the top. */
  readonly parent?: string;
  /** How deep it nests: the root's children are 1. */
  readonly depth: number;
  /** Whether it is a region of a parallel state (drawn in a dashed frame, its name in italics). */
  readonly region: boolean;
  /** For a history state: which history it keeps (drawn `H` or `H*`). */
  readonly history?: 'shallow' | 'deep';
  /** Lines written inside the box: description, entry / exit actions, invokes, targetless transitions. */
  readonly notes: readonly ChartNote[];
}

/**
 * One transition's pill: its trigger, guard branch and actions, drawn once on its own arrow
 * (a transition with two targets has one pill and two arrows out of it).
 */
export interface ChartLabel extends ChartBox {
  /** `<source>:<index of the transition>`, the prefix of its arrows' ids. */
  readonly id: string;
  /** The event that fires it (`task.start`, `xstate.done.actor.work`); `''` for `always`. */
  readonly event: string;
  readonly source: string;
  readonly targets: readonly string[];
  readonly lines: readonly ChartLabelLine[];
}

/** One arrow of the laid-out chart: a transition to one of its targets, or from an initial marker. */
export interface ChartTransition {
  /** Unique in the chart: `<source>:<index of the transition>:<index of the target>`. */
  readonly id: string;
  /** The id of its pill (`<source>:<index of the transition>`); absent for an initial marker's arrow. */
  readonly label?: string;
  /** The event that fires it (`task.start`); `''` for an initial marker's arrow and for `always`. */
  readonly event: string;
  readonly source: string;
  readonly target: string;
  /** Every target of the transition this arrow belongs to (XState enters them all). */
  readonly targets: readonly string[];
  /** The polyline to draw, from the source's border through its pill to the target's border. */
  readonly points: readonly ChartPoint[];
}

/** A statechart laid out by ELK: boxes for states, pills for transitions, polylines for arrows. */
export interface ChartLayout {
  readonly id: string;
  /** The root's kind: `parallel` for a chart whose top states are regions. */
  readonly kind: StateNodeKind;
  readonly width: number;
  readonly height: number;
  /** Every state, parents before their children. */
  readonly states: readonly ChartState[];
  readonly transitions: readonly ChartTransition[];
  readonly labels: readonly ChartLabel[];
}

/** Options of `layoutStatechart`. */
export interface LayoutOptions {
  /**
   * The width in pixels of a text as drawn (`bold` for state names and events). By default a fixed
   * width per character, which suits the monospace font the chart draws in; pass a canvas measure
   * for others.
   */
  readonly measure?: ((text: string, bold: boolean) => number) | undefined;
}

/** The size of the chart's text: 12 px monospace, each character about 7.3 px wide. */
export const CHART_FONT_SIZE = 12;
/** The height of one line of the chart's text. */
export const CHART_LINE_HEIGHT = 16;
const CHAR_WIDTH = 7.3;
const PAD = 10;
const PILL_PAD = 8;
/** Room to the left of an initial state for its dot and arrow. */
const INITIAL_ROOM = 26;
const HISTORY_SIZE = 30;
const INITIAL = '.#initial';

function fixedWidth(text: string): number {
  return text.length * CHAR_WIDTH;
}

interface Info {
  readonly node: StateNodeJSON;
  readonly parent: StateNodeJSON | undefined;
  readonly depth: number;
}

/** The state ids from the root down to `id`'s parent. */
function ancestorsOf(infos: ReadonlyMap<string, Info>, id: string): string[] {
  const chain: string[] = [];
  for (let parent = infos.get(id)?.parent; parent !== undefined; parent = infos.get(parent.id)?.parent) {
    chain.unshift(parent.id);
  }
  return chain;
}

/** The deepest state that holds the source and every target: where their pill is laid out. */
function containerOf(infos: ReadonlyMap<string, Info>, rootId: string, source: string, targets: readonly string[]) {
  const chains = [source, ...targets].map((id) => ancestorsOf(infos, id));
  let deepest = rootId;
  for (let depth = 0; ; depth++) {
    const id = chains[0]?.[depth];
    if (id === undefined || !chains.every((chain) => chain[depth] === id)) return deepest;
    deepest = id;
  }
}

/**
 * Lays a chart from `toJSON(machine)` out with ELK's layered algorithm, as Stately's editor does:
 * states as boxes nested in their parents, parallel regions side by side in their own frames,
 * history states as circles, and each transition as a pill (its trigger, guard branch and actions)
 * on its own arrow: source → pill → each target. The pill is a node of the layout, so it can never
 * drift next to another arrow. Each initial dot sits just left of its state.
 *
 * Transitions without a target (they only run actions) are written inside their state instead of
 * drawn as loops. The result is plain data in absolute coordinates; `renderStatechart` draws it.
 *
 * @example
 * ```ts
 * import { taskMachine, toJSON } from 'tooltask';
 * import { layoutStatechart } from 'tooltask/chart';
 * const layout = await layoutStatechart(toJSON(taskMachine));
 * layout.states.find((state) => state.id === 'task.pending'); // { x, y, width, height, … }
 * layout.labels.find((label) => label.id === 'task.pending:0')?.lines; // task.start, IF hasWork, do recordStart
 * ```
 */
export async function layoutStatechart(chart: StateNodeJSON, options: LayoutOptions = {}): Promise<ChartLayout> {
  const measure = options.measure ?? fixedWidth;
  const infos = new Map<string, Info>();
  const index = (node: StateNodeJSON, parent: StateNodeJSON | undefined, depth: number) => {
    infos.set(node.id, { node, parent, depth });
    for (const child of node.states) index(child, node, depth + 1);
  };
  index(chart, undefined, 0);

  const edges: ElkExtendedEdge[] = [];
  const labelNodes = new Map<string, ElkNode[]>();
  const labels = new Map<string, Omit<ChartLabel, keyof ChartBox>>();
  const initialTargets = new Set<string>();
  for (const { node } of infos.values()) {
    if (node.type !== 'parallel' && node.initial !== undefined) initialTargets.add(node.initial);
    node.transitions.forEach((transition, position) => {
      const targets = transition.targets.filter((target) => infos.has(target));
      if (targets.length === 0) return;
      const id = `${node.id}:${position}`;
      const lines = labelLines(node, position);
      const width = Math.max(...lines.map((line) => measure(line.text, line.kind === 'event'))) + 2 * PILL_PAD;
      const container = containerOf(infos, chart.id, node.id, targets);
      const siblings = labelNodes.get(container) ?? [];
      siblings.push({ id, width, height: lines.length * CHART_LINE_HEIGHT + 8 });
      labelNodes.set(container, siblings);
      labels.set(id, { id, event: transition.event, source: node.id, targets, lines });
      // A transition of the root (or of a state into its own descendants) starts at its pill.
      if (node.id !== chart.id) edges.push({ id: `${id}:in`, sources: [node.id], targets: [id] });
      targets.forEach((target, targetIndex) => {
        if (target !== chart.id) edges.push({ id: `${id}:${targetIndex}`, sources: [id], targets: [target] });
      });
    });
  }

  const build = (node: StateNodeJSON): ElkNode => {
    const notes = stateNotes(node);
    const textWidth = Math.max(measure(node.key, true), ...notes.map((note) => measure(note.text, false)));
    const header = CHART_LINE_HEIGHT + 10 + notes.length * CHART_LINE_HEIGHT;
    // An initial state opens its parent's first layer, as a reader starts there, with room for its dot.
    const margins = initialTargets.has(node.id)
      ? {
          'elk.margins': `[top=0,left=${INITIAL_ROOM},bottom=0,right=0]`,
          'elk.layered.layering.layerConstraint': 'FIRST',
        }
      : {};
    const children: ElkNode[] = [...node.states.map(build), ...(labelNodes.get(node.id) ?? [])];
    if (node.type === 'history')
      return { id: node.id, width: HISTORY_SIZE, height: HISTORY_SIZE, layoutOptions: margins };
    if (children.length === 0) {
      return {
        id: node.id,
        width: Math.max(textWidth + 2 * PAD, 90),
        height: Math.max(header + PAD / 2, 40),
        layoutOptions: margins,
      };
    }
    return {
      id: node.id,
      children,
      layoutOptions: {
        ...margins,
        'elk.padding': `[top=${header + 6},left=${PAD + 6},bottom=${PAD + 6},right=${PAD + 6}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${textWidth + 2 * PAD}, ${header + PAD})`,
        ...(node.type === 'parallel' ? { 'elk.spacing.nodeNode': '24' } : {}),
      },
    };
  };

  const root = build(chart);
  const graph: ElkNode = {
    ...root,
    edges,
    layoutOptions: {
      ...root.layoutOptions,
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '28',
      'elk.layered.spacing.edgeNodeBetweenLayers': '12',
      'elk.spacing.nodeNode': '20',
      'elk.spacing.edgeEdge': '10',
      'elk.spacing.edgeNode': '12',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.json.edgeCoords': 'ROOT',
      'elk.json.shapeCoords': 'ROOT',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
    },
  };
  // Loaded on the first layout: a page that never draws a chart never runs ELK's 1.4 MB. The
  // CommonJS build is its own `default` too, which every loader (Node, esbuild, Vite) agrees on.
  const elk = await import('elkjs/lib/elk.bundled.js');
  const laid = await new elk.default.default().layout(graph);

  const boxes = new Map<string, ChartBox>();
  const states: ChartState[] = [];
  const placed: ChartLabel[] = [];
  const visit = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      const box = { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 };
      boxes.set(child.id, box);
      const info = infos.get(child.id);
      const label = labels.get(child.id);
      if (label !== undefined) placed.push({ ...label, ...box });
      if (info === undefined) continue;
      const { node: state, parent, depth } = info;
      states.push({
        id: state.id,
        key: state.key,
        kind: state.type,
        ...(parent === undefined || parent.id === chart.id ? {} : { parent: parent.id }),
        depth,
        region: parent?.type === 'parallel',
        ...(state.history === undefined ? {} : { history: state.history }),
        notes: stateNotes(state),
        ...box,
      });
      visit(child);
    }
  };
  visit(laid);

  const sections = new Map<string, ChartPoint[]>();
  for (const edge of laid.edges ?? []) {
    const section = edge.sections?.[0];
    if (section === undefined) continue;
    sections.set(
      edge.id,
      [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map(({ x, y }) => ({ x, y })),
    );
  }
  const transitions: ChartTransition[] = [];
  const initials: ChartState[] = [];
  for (const { node, depth } of infos.values()) {
    const target = node.initial === undefined || node.type === 'parallel' ? undefined : boxes.get(node.initial);
    if (node.initial !== undefined && target !== undefined) {
      // The dot goes in the room kept left of its state, level with the state's name.
      const y = target.y + 14;
      const id = `${node.id}${INITIAL}`;
      initials.push({
        id,
        key: '',
        kind: 'initial',
        ...(node.id === chart.id ? {} : { parent: node.id }),
        depth: depth + 1,
        region: false,
        notes: [],
        x: target.x - INITIAL_ROOM + 2,
        y: y - 5,
        width: 10,
        height: 10,
      });
      const points = [
        { x: target.x - INITIAL_ROOM + 12, y },
        { x: target.x, y },
      ];
      transitions.push({
        id: `${id}:0:0`,
        event: '',
        source: id,
        target: node.initial,
        targets: [node.initial],
        points,
      });
    }
  }
  for (const label of placed) {
    const into = sections.get(`${label.id}:in`) ?? [];
    label.targets.forEach((target, targetIndex) => {
      const out = sections.get(`${label.id}:${targetIndex}`);
      if (out === undefined) return;
      transitions.push({
        id: `${label.id}:${targetIndex}`,
        label: label.id,
        event: label.event,
        source: label.source,
        target,
        targets: label.targets,
        points: [...into, ...out],
      });
    });
  }
  return {
    id: chart.id,
    kind: chart.type,
    width: laid.width ?? 0,
    height: laid.height ?? 0,
    states: [...states, ...initials],
    transitions,
    labels: placed,
  };
}
