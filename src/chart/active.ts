import type { StateValue } from 'xstate';
import type { ChartLayout } from './layout.js';

/**
 * The ids of the states a state value is in, from the root down: with root `task`,
 * `{ running: { work: 'working' } }` gives `task`, `task.running`, `task.running.work`,
 * `task.running.work.working`. Every region of a parallel state is in the value, so each is lit.
 *
 * @example
 * ```ts
 * import { activeStateIds } from 'tooltask/chart';
 * activeStateIds('task', { running: { work: 'working', client: 'free' } }).has('task.running.client.free'); // true
 * ```
 */
export function activeStateIds(rootId: string, value: StateValue | undefined): Set<string> {
  const ids = new Set<string>([rootId]);
  const visit = (prefix: string, node: unknown) => {
    if (typeof node === 'string') ids.add(`${prefix}.${node}`);
    else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        ids.add(`${prefix}.${key}`);
        visit(`${prefix}.${key}`, child);
      }
    }
  };
  visit(rootId, value);
  return ids;
}

/** For each state of the layout, its parent (the root's children have none). */
function parentsOf(layout: ChartLayout): Map<string, string | undefined> {
  return new Map(layout.states.map((state) => [state.id, state.parent ?? layout.id]));
}

function isAncestorOrSelf(parents: ReadonlyMap<string, string | undefined>, ancestor: string, id: string): boolean {
  for (let at: string | undefined = id; at !== undefined; at = parents.get(at)) if (at === ancestor) return true;
  return false;
}

/** Whether two states can be active together: they lie in different regions of a parallel state. */
function orthogonal(layout: ChartLayout, parents: ReadonlyMap<string, string | undefined>, a: string, b: string) {
  if (isAncestorOrSelf(parents, a, b) || isAncestorOrSelf(parents, b, a)) return false;
  const kinds = new Map<string, string>(layout.states.map((state) => [state.id, state.kind]));
  kinds.set(layout.id, layout.kind);
  let common: string | undefined = parents.get(a);
  while (common !== undefined && !isAncestorOrSelf(parents, common, b)) common = parents.get(common);
  return common !== undefined && kinds.get(common) === 'parallel';
}

/**
 * The ids of the arrows `event` took to reach `active`. A transition was taken only if every one
 * of its targets is active now and its source, unless it holds a target, was left; with
 * `previous` (the state ids before `event`), its source must have been active then. Without
 * `previous`, transitions that could not have fired together (their sources are not in
 * different regions of a parallel state) leave it unknown which one did: none of them is lit.
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
  const parents = parentsOf(layout);
  const candidates = layout.labels.filter(
    (label) =>
      label.event === event &&
      label.targets.every((target) => active.has(target)) &&
      (previous === undefined
        ? !active.has(label.source) || label.targets.some((target) => isAncestorOrSelf(parents, label.source, target))
        : previous.has(label.source)),
  );
  const sure =
    previous !== undefined
      ? candidates
      : candidates.filter((label) =>
          candidates.every((other) => other === label || orthogonal(layout, parents, label.source, other.source)),
        );
  const labels = new Set(sure.map((label) => label.id));
  for (const transition of layout.transitions) {
    if (transition.label !== undefined && labels.has(transition.label)) taken.add(transition.id);
  }
  return taken;
}

/**
 * The ids of the pills whose event the chart can take now: those leaving an active state (their
 * guards, which need the actor's context, are not evaluated), as Stately's editor lights them.
 *
 * @example
 * ```ts
 * import { taskMachine, toJSON } from 'tooltask';
 * import { activeStateIds, availableLabels, layoutStatechart } from 'tooltask/chart';
 * const layout = await layoutStatechart(toJSON(taskMachine));
 * availableLabels(layout, activeStateIds('task', 'pending')).has('task.pending:0'); // true
 * ```
 */
export function availableLabels(layout: ChartLayout, active: ReadonlySet<string>): Set<string> {
  return new Set(layout.labels.filter((label) => active.has(label.source)).map((label) => label.id));
}
