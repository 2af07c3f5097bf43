import type { StateValue } from 'xstate';

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
