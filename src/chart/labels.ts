import type { StateNodeJSON, TransitionJSON } from '../chartExport.js';

/**
 * The words a drawn chart writes, as Stately's editor writes them: a trigger per transition
 * (`after 5 sec`, `done: work`, `always`), guards as ordered `IF` / `ELSE IF` / `ELSE` branches of
 * their event, and the actions a transition or state runs.
 */

/** One line of a transition's pill: its trigger, its guard branch, or one action it runs. */
export interface ChartLabelLine {
  readonly kind: 'event' | 'guard' | 'action';
  readonly text: string;
}

/** One line written inside a state's box. */
export interface ChartNote {
  /** `description` (the state's own words), `entry` / `exit` actions, `invoke`, or a targetless `transition`. */
  readonly kind: 'description' | 'entry' | 'exit' | 'invoke' | 'transition';
  readonly text: string;
}

const UNITS: readonly (readonly [number, string])[] = [
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 'sec'],
];

/**
 * A delay as a person says it: `500 ms`, `5 sec`, `1.5 sec`, `2 min`; a named delay by its name.
 *
 * @example
 * ```ts
 * import { delayText } from 'tooltask/chart';
 * delayText(5000); // '5 sec'
 * ```
 */
export function delayText(delay: number | string | undefined): string {
  if (typeof delay === 'string') return delay;
  if (delay === undefined || !Number.isFinite(delay)) return '?';
  for (const [size, unit] of UNITS) {
    if (delay >= size) return `${Number((delay / size).toFixed(2))} ${unit}`;
  }
  return `${delay} ms`;
}

/**
 * What fires a transition, as the chart writes it: the event, `after 5 sec` for a delayed one,
 * `always` for an eventless one, `done: work` / `error: work` when the invoked actor `work` ends.
 *
 * @example
 * ```ts
 * import { taskMachine, toJSON } from 'tooltask';
 * import { triggerText } from 'tooltask/chart';
 * const done = toJSON(taskMachine).states[1]?.states[0]?.states[1]?.transitions[1];
 * if (done !== undefined) triggerText(done); // 'done: work'
 * ```
 */
export function triggerText(transition: TransitionJSON): string {
  switch (transition.kind) {
    case 'always':
      return 'always';
    case 'delayed':
      return `after ${delayText(transition.delay)}`;
    case 'done':
      return `done: ${transition.event.slice('xstate.done.actor.'.length)}`;
    case 'error':
      return `error: ${transition.event.slice('xstate.error.actor.'.length)}`;
    default:
      return transition.event;
  }
}

/**
 * The guard branch of `node.transitions[index]` among the transitions of its state on the same
 * trigger, in XState's order (the first whose guard passes is taken): `IF hasWork` for the first
 * guarded one, `ELSE IF …` for the next ones, `ELSE` for an unguarded one after guarded ones, and
 * nothing for a lone unguarded transition.
 */
export function guardText(node: StateNodeJSON, index: number): string | undefined {
  const transition = node.transitions[index];
  if (transition === undefined) return undefined;
  const earlier = node.transitions
    .slice(0, index)
    .filter((other) => other.event === transition.event && other.kind === transition.kind);
  if (transition.guard === undefined) return earlier.length === 0 ? undefined : 'ELSE';
  return `${earlier.length === 0 ? 'IF' : 'ELSE IF'} ${transition.guard}`;
}

/** The lines of the pill of `node.transitions[index]`: trigger, guard branch, then each action. */
export function labelLines(node: StateNodeJSON, index: number): ChartLabelLine[] {
  const transition = node.transitions[index];
  if (transition === undefined) return [];
  const lines: ChartLabelLine[] = [{ kind: 'event', text: triggerText(transition) }];
  const guard = guardText(node, index);
  if (guard !== undefined) lines.push({ kind: 'guard', text: guard });
  for (const action of transition.actions) lines.push({ kind: 'action', text: `do ${action}` });
  return lines;
}

/**
 * The lines written inside a state's box: its description, entry and exit actions, invoked
 * actors, and the transitions that stay in it (they only run actions, so they get no arrow).
 */
export function stateNotes(node: StateNodeJSON): ChartNote[] {
  const notes: ChartNote[] = [];
  if (node.description !== undefined && node.description !== '') {
    notes.push({ kind: 'description', text: node.description });
  }
  // XState schedules each `after` with a raise on entry and cancels it on exit: the pill says it.
  const delays = node.transitions.filter((transition) => transition.kind === 'delayed').length;
  const entry = withoutFirst(node.entry, 'xstate.raise', delays);
  const exit = withoutFirst(node.exit, 'xstate.cancel', delays);
  if (entry.length > 0) notes.push({ kind: 'entry', text: `entry / ${entry.join(', ')}` });
  if (exit.length > 0) notes.push({ kind: 'exit', text: `exit / ${exit.join(', ')}` });
  for (const invoke of node.invoke) notes.push({ kind: 'invoke', text: `invoke ${invoke.src}` });
  node.transitions.forEach((transition, index) => {
    if (transition.targets.length > 0) return;
    const guard = guardText(node, index);
    const actions = transition.actions.length === 0 ? '' : ` / ${transition.actions.join(', ')}`;
    const text = `${triggerText(transition)}${guard === undefined ? '' : ` ${guard}`}${actions}`;
    notes.push({ kind: 'transition', text });
  });
  return notes;
}

/** `names` without the first `count` occurrences of `name`. */
function withoutFirst(names: readonly string[], name: string, count: number): string[] {
  let left = count;
  return names.filter((each) => {
    if (each !== name || left === 0) return true;
    left--;
    return false;
  });
}
