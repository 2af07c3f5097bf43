import type { TaskManager } from '../manager.js';
import type { TaskPage } from '../store/store.js';
import type { TaskSnapshot } from '../task.js';

/**
 * One page of the tasks a protocol caller may see, walked with the manager's own cursors.
 *
 * Each read asks the manager for exactly the tasks still missing, so a page boundary is always a
 * cursor the manager made and nothing is skipped or seen twice. Tasks hidden from this caller
 * (another session or tenant) are read and dropped; after `maxScan` of them the page ends early,
 * with a cursor, so one call costs O(limit + maxScan) whatever the registry holds. With `lookahead`,
 * a full page reads on (within the same `maxScan`) until one more visible task exists, and carries
 * no cursor when none does: a protocol whose empty token means "no more results" needs that.
 */
export async function scanPage(
  manager: TaskManager,
  query: {
    readonly cursor: string | undefined;
    readonly limit: number;
    readonly maxScan: number;
    readonly lookahead?: boolean | undefined;
  },
  visible: (task: TaskSnapshot) => boolean,
): Promise<TaskPage> {
  const tasks: TaskSnapshot[] = [];
  let cursor = query.cursor;
  let scanned = 0;
  for (;;) {
    const page = await manager.page({
      ...(cursor === undefined ? {} : { cursor }),
      limit: query.limit - tasks.length,
    });
    scanned += page.tasks.length;
    for (const task of page.tasks) if (visible(task)) tasks.push(task);
    cursor = page.nextCursor;
    if (cursor === undefined) return { tasks };
    if (scanned >= query.maxScan) return { tasks, nextCursor: cursor };
    if (tasks.length >= query.limit) {
      if (query.lookahead !== true) return { tasks, nextCursor: cursor };
      return (await anyVisible(manager, cursor, query.maxScan - scanned, visible))
        ? { tasks, nextCursor: cursor }
        : { tasks };
    }
  }
}

/** Whether a visible task follows `cursor`; `true` when `budget` runs out first (it may). */
async function anyVisible(
  manager: TaskManager,
  from: string,
  budget: number,
  visible: (task: TaskSnapshot) => boolean,
): Promise<boolean> {
  let cursor: string | undefined = from;
  let left = budget;
  while (cursor !== undefined) {
    if (left <= 0) return true;
    const page = await manager.page({ cursor, limit: Math.min(100, left) });
    if (page.tasks.some(visible)) return true;
    left -= page.tasks.length;
    cursor = page.nextCursor;
  }
  return false;
}
