import { type AnyStateMachine, type AnyStateNode, type AnyTransitionDefinition, and, not, or } from 'xstate';

/** What kind of state a node is, as XState names it. */
export type StateNodeKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

/**
 * What makes a transition fire: a named event, a delay (`after`), nothing (`always`), or the end of
 * an invoked actor (`done`, `error`), which XState delivers as the events
 * `xstate.done.actor.<id>` / `xstate.error.actor.<id>`.
 */
export type TransitionKind = 'event' | 'delayed' | 'always' | 'done' | 'error';

/** One transition of a state node, as plain JSON. */
export interface TransitionJSON {
  /** The event that triggers it: `task.start`, `xstate.after.1000.m.a`, `xstate.done.actor.work`; `''` for `always`. */
  readonly event: string;
  readonly kind: TransitionKind;
  /** The id of the state that declares it. */
  readonly source: string;
  /** Ids of the states it enters; empty for a targetless transition, which only runs actions. */
  readonly targets: readonly string[];
  /** The guard, by name: `hasWork`, `!hasWork`, `(a && !b)`; absent when unguarded. */
  readonly guard?: string;
  /** The delay of an `after` transition, in ms or by name. */
  readonly delay?: number | string;
  /** The actions it runs, by name. */
  readonly actions: readonly string[];
  /** Whether it exits and re-enters its source (`reenter: true`). */
  readonly reenter: boolean;
}

/** One invoked actor of a state node. */
export interface InvokeJSON {
  readonly id: string;
  /** The actor's source, by name. */
  readonly src: string;
}

/** One state node and its descendants, as plain JSON: what `toJSON` returns for the root. */
export interface StateNodeJSON {
  /** The full id, dot-separated from the root: `task.running.work.working`. */
  readonly id: string;
  /** The name within its parent: `working`. The root's key is the machine id. */
  readonly key: string;
  readonly type: StateNodeKind;
  /** The id of the child entered by default, for compound states. */
  readonly initial?: string;
  /** For history states: which history they keep. */
  readonly history?: 'shallow' | 'deep';
  readonly description?: string;
  readonly tags: readonly string[];
  /** Entry and exit actions, by name. */
  readonly entry: readonly string[];
  readonly exit: readonly string[];
  readonly invoke: readonly InvokeJSON[];
  /** Outgoing transitions in XState's order: `on`, then `after`, then invoke done/error, then `always`. */
  readonly transitions: readonly TransitionJSON[];
  /** Child states in definition order. */
  readonly states: readonly StateNodeJSON[];
}

/**
 * Exports a machine's chart as plain JSON, from its definition: every state with its nesting,
 * initial child, type (final states included), entry/exit actions and invokes, and every
 * transition with its event, targets, guard and actions. Delayed (`after`) and eventless
 * (`always`) transitions, and an invoke's done/error events, are transitions of their own kind.
 *
 * The result holds no functions, so it can be stored, sent, diffed, or drawn (the stories render
 * the live task chart from it). Inline guards and actions appear by function name.
 *
 * @example
 * ```ts
 * import { taskMachine, toJSON } from 'tooltask';
 * const chart = toJSON(taskMachine);
 * chart.initial; // 'task.pending'
 * chart.states.map((state) => state.key); // ['pending', 'running', 'complete', 'failed', 'cancelled']
 * chart.states[0]?.transitions[0]; // { event: 'task.start', targets: ['task.running.work.working'], guard: 'hasWork', … }
 * ```
 */
export function toJSON(machine: AnyStateMachine): StateNodeJSON {
  return nodeToJSON(machine.root);
}

/**
 * Exports a machine's chart as a Mermaid `stateDiagram-v2`, from its definition (see `toJSON`):
 * compound states become composite states with their own `[*]` start, final states lead to
 * `[*]`, parallel regions are split with `--`, and each transition is labelled with its event
 * and `[guard]`. Delayed transitions read `after <delay>`, eventless ones `always`.
 *
 * GitHub renders the result in a ```` ```mermaid ```` block; the README's diagrams are made by it.
 *
 * @example
 * ```ts
 * import { taskMachine, toMermaid } from 'tooltask';
 * console.log(toMermaid(taskMachine));
 * // stateDiagram-v2
 * //   [*] --> pending
 * //   pending --> running_work_working : task.start [hasWork]
 * //   …
 * ```
 */
export function toMermaid(machine: AnyStateMachine): string {
  const root = toJSON(machine);
  const names = new MermaidNames(root);
  const lines = ['stateDiagram-v2'];
  // Mermaid splits regions only inside a composite state, so a parallel root gets one.
  if (root.type === 'parallel') writeState(root, names, lines, '  ');
  else writeChildren(root, names, lines, '  ');
  const edges: string[] = [];
  collectEdges(root, names, edges);
  lines.push(...edges.map((edge) => `  ${edge}`));
  return `${lines.join('\n')}\n`;
}

function nodeToJSON(node: AnyStateNode): StateNodeJSON {
  const transitions: TransitionJSON[] = [];
  for (const definitions of node.transitions.values()) {
    for (const definition of definitions) transitions.push(transitionToJSON(definition, node));
  }
  for (const definition of node.always ?? []) transitions.push(transitionToJSON(definition, node, 'always'));
  const initial = node.type === 'compound' ? node.initial?.target[0]?.id : undefined;
  return {
    id: node.id,
    key: node.key,
    type: node.type,
    ...(initial === undefined ? {} : { initial }),
    ...(node.type === 'history' ? { history: node.history === 'deep' ? 'deep' : 'shallow' } : {}),
    ...(node.description === undefined ? {} : { description: node.description }),
    tags: [...node.tags],
    entry: node.entry.map(nameOf),
    exit: node.exit.map(nameOf),
    invoke: node.invoke.map((definition) => ({ id: definition.id, src: srcName(definition.src) })),
    transitions,
    states: Object.values(node.states).map(nodeToJSON),
  };
}

function transitionToJSON(
  definition: AnyTransitionDefinition,
  source: AnyStateNode,
  always?: 'always',
): TransitionJSON {
  const event = always === undefined ? definition.eventType : '';
  const kind = always ?? kindOf(event);
  const delay = (definition as { delay?: unknown }).delay;
  const guard = definition.guard === undefined ? undefined : guardName(definition.guard);
  return {
    event,
    kind,
    source: source.id,
    targets: (definition.target ?? []).map((target) => target.id),
    ...(guard === undefined ? {} : { guard }),
    ...(kind === 'delayed' && (typeof delay === 'number' || typeof delay === 'string') ? { delay } : {}),
    ...(kind === 'delayed' && typeof delay === 'function' ? { delay: nameOf(delay) } : {}),
    actions: (definition.actions ?? []).map(nameOf),
    reenter: definition.reenter === true,
  };
}

function kindOf(event: string): TransitionKind {
  if (event.startsWith('xstate.after.')) return 'delayed';
  if (event.startsWith('xstate.done.actor.')) return 'done';
  if (event.startsWith('xstate.error.actor.')) return 'error';
  return 'event';
}

// XState's guard combinators return a new function per use, but each kind shares one `check`.
const combinators = new Map<unknown, { readonly join: string; readonly prefix: string }>([
  [checkOf(not('a')), { join: '', prefix: '!' }],
  [checkOf(and(['a'])), { join: ' && ', prefix: '' }],
  [checkOf(or(['a'])), { join: ' || ', prefix: '' }],
]);

function checkOf(guard: unknown): unknown {
  return (guard as { check?: unknown }).check;
}

function guardName(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  const combinator = combinators.get(checkOf(guard));
  const parts = (guard as { guards?: unknown }).guards;
  if (combinator !== undefined && Array.isArray(parts)) {
    const names = parts.map(guardName);
    if (combinator.prefix !== '') return `${combinator.prefix}${names[0] ?? ''}`;
    return `(${names.join(combinator.join)})`;
  }
  return nameOf(guard);
}

/** The name of an action, guard or delay as the chart knows it: its string, `type`, or function name. */
function nameOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
    return (value as { type: string }).type;
  }
  if (typeof value === 'function') {
    const type = (value as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    return value.name === '' ? 'anonymous' : value.name;
  }
  return String(value);
}

function srcName(src: unknown): string {
  if (typeof src === 'string') return src;
  const id = (src as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : 'inline';
}

/** Mermaid ids: word characters only, unique, and short (the root's id is left off). */
class MermaidNames {
  readonly #ids = new Map<string, string>();

  constructor(root: StateNodeJSON) {
    const taken = new Set<string>();
    const visit = (node: StateNodeJSON) => {
      for (const child of node.states) {
        const base = child.id.slice(root.id.length + 1).replace(/\W/g, '_') || 'state';
        let id = base;
        for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
        taken.add(id);
        this.#ids.set(child.id, id);
        visit(child);
      }
    };
    visit(root);
  }

  get(stateId: string): string {
    return this.#ids.get(stateId) ?? stateId.replace(/\W/g, '_');
  }
}

function writeChildren(node: StateNodeJSON, names: MermaidNames, lines: string[], indent: string): void {
  if (node.type === 'parallel') {
    node.states.forEach((region, index) => {
      if (index > 0) lines.push(`${indent}--`);
      writeState(region, names, lines, indent);
    });
    return;
  }
  if (node.initial !== undefined) lines.push(`${indent}[*] --> ${names.get(node.initial)}`);
  for (const child of node.states) writeState(child, names, lines, indent);
}

function writeState(node: StateNodeJSON, names: MermaidNames, lines: string[], indent: string): void {
  const id = names.get(node.id);
  const label = node.type === 'history' ? (node.history === 'deep' ? 'H*' : 'H') : node.key;
  if (node.states.length > 0) {
    lines.push(`${indent}state "${label}" as ${id} {`);
    writeChildren(node, names, lines, `${indent}  `);
    lines.push(`${indent}}`);
  } else {
    lines.push(id === label ? `${indent}${id}` : `${indent}state "${label}" as ${id}`);
    for (const invoke of node.invoke) lines.push(`${indent}${id} : invoke ${clean(invoke.src)}`);
  }
  if (node.type === 'final') lines.push(`${indent}${id} --> [*]`);
}

function collectEdges(node: StateNodeJSON, names: MermaidNames, edges: string[]): void {
  for (const transition of node.transitions) {
    const from = names.get(transition.source);
    const label = edgeLabel(transition);
    const targets = transition.targets.length === 0 ? [transition.source] : transition.targets;
    for (const target of targets) edges.push(`${from} --> ${names.get(target)} : ${label}`);
  }
  for (const child of node.states) collectEdges(child, names, edges);
}

function edgeLabel(transition: TransitionJSON): string {
  return clean(transitionLabel(transition));
}

/**
 * How a transition is labelled on a drawn chart: its event (`after 500 ms` for a delayed one,
 * `always` for an eventless one) and its `[guard]`.
 *
 * @example
 * ```ts
 * import { taskMachine, toJSON, transitionLabel } from 'tooltask';
 * const start = toJSON(taskMachine).states[0]?.transitions[0];
 * if (start !== undefined) transitionLabel(start); // 'task.start [hasWork]'
 * ```
 */
export function transitionLabel(transition: TransitionJSON): string {
  const trigger =
    transition.kind === 'always'
      ? 'always'
      : transition.kind === 'delayed'
        ? `after ${typeof transition.delay === 'number' ? `${transition.delay} ms` : (transition.delay ?? '?')}`
        : transition.event;
  return transition.guard === undefined ? trigger : `${trigger} [${transition.guard}]`;
}

/** Mermaid ends a label at `;` and reads `#…;` as an entity, so neither may appear. */
function clean(text: string): string {
  return text.replace(/[;#]/g, ' ').replace(/\s+/g, ' ').trim();
}
