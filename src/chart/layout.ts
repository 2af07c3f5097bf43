import type { ElkExtendedEdge, ElkLabel, ElkNode } from 'elkjs/lib/elk-api.js';
import { type StateNodeJSON, type StateNodeKind, transitionLabel } from '../chartExport.js';

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
  /** How deep it nests: the root's children are 1. */
  readonly depth: number;
  /** Whether it is a region of a parallel state (drawn without a border, split by dashed dividers). */
  readonly region: boolean;
  /** Lines written inside the box: invoked actors and the transitions that stay in this state. */
  readonly notes: readonly string[];
  /** For a parallel state: the x of each dashed divider between its regions. */
  readonly dividers: readonly number[];
}

/** One arrow of the laid-out chart: a transition to one of its targets, or from an initial marker. */
export interface ChartTransition {
  /** Unique in the chart: `<source>:<index of the transition>:<index of the target>`. */
  readonly id: string;
  /** The event that fires it (`task.start`); `''` for an initial marker's arrow and for `always`. */
  readonly event: string;
  readonly source: string;
  readonly target: string;
  /** The polyline to draw, from the source's border to the target's. */
  readonly points: readonly ChartPoint[];
  /** The label (`task.start [hasWork]`) and where it goes; absent for an initial marker's arrow. */
  readonly label?: ChartBox & { readonly text: string };
}

/** A statechart laid out by ELK: boxes for states, polylines for transitions. */
export interface ChartLayout {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** Every state, parents before their children. */
  readonly states: readonly ChartState[];
  readonly transitions: readonly ChartTransition[];
}

/** Options of `layoutStatechart`. */
export interface LayoutOptions {
  /**
   * The width in pixels of a text as drawn (`bold` for state names). By default a fixed width per
   * character, which suits the monospace font the chart draws in; pass a canvas measure for others.
   */
  readonly measure?: ((text: string, bold: boolean) => number) | undefined;
}

/** The size of the chart's text: 12 px monospace, each character about 7.3 px wide. */
export const CHART_FONT_SIZE = 12;
const CHAR_WIDTH = 7.3;
const LINE_HEIGHT = 16;
const INITIAL_SIZE = 12;
const PAD = 10;

function fixedWidth(text: string): number {
  return text.length * CHAR_WIDTH;
}

function notesOf(node: StateNodeJSON): string[] {
  const notes = node.invoke.map((invoke) => `invoke ${invoke.src}`);
  for (const transition of node.transitions) {
    if (transition.targets.length > 0) continue;
    const actions = transition.actions.length === 0 ? '' : ` / ${transition.actions.join(', ')}`;
    notes.push(`${transitionLabel(transition)}${actions}`);
  }
  return notes;
}

interface Info {
  readonly node: StateNodeJSON | undefined;
  readonly parent: StateNodeJSON | undefined;
  readonly depth: number;
  readonly notes: readonly string[];
}

const INITIAL = '.#initial';

/**
 * Lays a chart from `toJSON(machine)` out with ELK's layered algorithm: states as boxes nested in
 * their parents, parallel regions side by side, an initial marker in every compound state, and
 * every transition as an orthogonal polyline with its label placed clear of the boxes.
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
 * ```
 */
export async function layoutStatechart(chart: StateNodeJSON, options: LayoutOptions = {}): Promise<ChartLayout> {
  const measure = options.measure ?? fixedWidth;
  const infos = new Map<string, Info>();
  const edges: ElkExtendedEdge[] = [];
  const edgeEvents = new Map<string, string>();

  const build = (node: StateNodeJSON, parent: StateNodeJSON | undefined, depth: number): ElkNode => {
    const notes = notesOf(node);
    infos.set(node.id, { node, parent, depth, notes });
    const region = parent?.type === 'parallel';
    const textWidth = Math.max(measure(node.key, true), ...notes.map((note) => measure(note, false)));
    const header = LINE_HEIGHT + 8 + notes.length * LINE_HEIGHT;
    const children: ElkNode[] = node.states.map((child) => build(child, node, depth + 1));
    if (node.type !== 'parallel' && node.initial !== undefined) {
      const id = `${node.id}${INITIAL}`;
      infos.set(id, { node: undefined, parent: node, depth: depth + 1, notes: [] });
      children.unshift({ id, width: INITIAL_SIZE, height: INITIAL_SIZE });
      edges.push({ id: `${id}:0:0`, sources: [id], targets: [node.initial] });
      edgeEvents.set(`${id}:0:0`, '');
    }
    node.transitions.forEach((transition, index) => {
      const text = transitionLabel(transition);
      transition.targets.forEach((target, targetIndex) => {
        const id = `${node.id}:${index}:${targetIndex}`;
        const labels: ElkLabel[] = [{ id: `${id}:label`, text, width: measure(text, false) + 6, height: LINE_HEIGHT }];
        edges.push({ id, sources: [node.id], targets: [target], labels });
        edgeEvents.set(id, transition.event);
      });
    });
    if (children.length === 0) {
      return {
        id: node.id,
        width: Math.max(textWidth + 2 * PAD, 90),
        height: Math.max(header + PAD / 2, 40),
      };
    }
    return {
      id: node.id,
      children,
      layoutOptions: {
        'elk.padding': `[top=${region ? LINE_HEIGHT + 12 : header + 4},left=${PAD + 4},bottom=${PAD + 4},right=${PAD + 4}]`,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${textWidth + 2 * PAD}, ${header + PAD})`,
        ...(node.type === 'parallel' ? { 'elk.spacing.nodeNode': '48' } : {}),
      },
    };
  };

  const root = build(chart, undefined, 0);
  const graph: ElkNode = {
    ...root,
    edges,
    layoutOptions: {
      ...root.layoutOptions,
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.edgeLabels.inline': 'false',
      'elk.layered.spacing.nodeNodeBetweenLayers': '44',
      'elk.layered.spacing.edgeNodeBetweenLayers': '16',
      'elk.spacing.nodeNode': '28',
      'elk.spacing.edgeLabel': '4',
      'elk.spacing.edgeEdge': '12',
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

  const states: ChartState[] = [];
  const visit = (node: ElkNode) => {
    for (const child of node.children ?? []) {
      const info = infos.get(child.id);
      if (info === undefined) continue;
      const kind = info.node?.type ?? 'initial';
      const box = { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 };
      const dividers: number[] = [];
      if (kind === 'parallel') {
        const regions = (child.children ?? []).map((region) => region.x ?? 0).sort((a, b) => a - b);
        const rights = new Map(
          (child.children ?? []).map((region) => [region.x ?? 0, (region.x ?? 0) + (region.width ?? 0)]),
        );
        for (let i = 1; i < regions.length; i++) {
          const left = regions[i] ?? 0;
          const previousRight = rights.get(regions[i - 1] ?? 0) ?? left;
          dividers.push((previousRight + left) / 2);
        }
      }
      states.push({
        id: child.id,
        key: info.node?.key ?? '',
        kind,
        depth: info.depth,
        region: info.parent?.type === 'parallel',
        notes: info.notes,
        dividers,
        ...box,
      });
      visit(child);
    }
  };
  visit(laid);

  const transitions: ChartTransition[] = (laid.edges ?? []).map((edge: ElkExtendedEdge) => {
    const section = edge.sections?.[0];
    const points: ChartPoint[] =
      section === undefined ? [] : [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
    const label = edge.labels?.[0];
    return {
      id: edge.id,
      event: edgeEvents.get(edge.id) ?? '',
      source: edge.sources[0] ?? '',
      target: edge.targets[0] ?? '',
      points: points.map(({ x, y }) => ({ x, y })),
      ...(label === undefined
        ? {}
        : {
            label: {
              text: label.text ?? '',
              x: label.x ?? 0,
              y: label.y ?? 0,
              width: label.width ?? 0,
              height: label.height ?? 0,
            },
          }),
    };
  });
  return { id: chart.id, width: laid.width ?? 0, height: laid.height ?? 0, states, transitions };
}
