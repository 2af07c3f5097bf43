import type { TaskManager } from '../manager.js';
import type { TaskPage } from '../store/store.js';
import type { TaskSnapshot } from '../task.js';

/**
 * One page of the tasks a protocol caller may see, walked with the manager's own cursors.
 *
 * Each read asks the manager for exactly the tasks still missing, so a page boundary is always a
 * cursor the manager made and nothing is skipped or seen twice. Tasks hidden from this caller
 * (another session or tenant) are read and dropped; after `maxScan` of them the page ends early,
 * with a cursor, so one call costs O(limit + maxScan) whatever the registry holds.
 */
export async function scanPage(
  manager: TaskManager,
  query: {
    readonly cursor: string | undefined;
    readonly limit: number;
    readonly maxScan: number;
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
    if (tasks.length >= query.limit) return { tasks, nextCursor: cursor };
  }
}
