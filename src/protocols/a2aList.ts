import { RequestMalformedError } from '@a2a-js/sdk/errors';
import type { TaskManager } from '../manager.js';
import type { TaskSnapshot } from '../task.js';

/*
 * ListTasks' order: newest update first (A2A v1.0 says MUST), ties by tooltask id, descending.
 *
 * A page token is the key of the last task given, and the next page is the tasks strictly older
 * than it (keyset paging). That keeps paging sound while tasks change: a task that changes gets a
 * newer `updatedAt`, so it moves ahead of the token and never comes twice (if it had not come yet,
 * it is skipped: it changed during the walk); a task that does not change keeps its key, and the
 * token passes every key once, so it comes exactly once. A token made of positions (offsets, or the
 * SDK store's "find the last task, take what follows") loses its place as soon as that task moves.
 *
 * The stores index tasks by creation (a sorted set per state in Redis), not by update, so each
 * page walks every task the manager holds, keeping the `limit + 1` newest below the token:
 * O(n log limit) time, O(limit) memory.
 */

/** Where a task stands in ListTasks' order. */
export interface UpdateKey {
  readonly updatedAt: number;
  readonly id: string;
}

/** Tasks per read while walking the manager: its largest page. */
const WALK = 1000;

/** One page of the visible tasks older than `after`, newest first; `more` when another follows. */
export async function pageByUpdate(
  manager: TaskManager,
  query: { readonly after: UpdateKey | undefined; readonly limit: number },
  visible: (task: TaskSnapshot) => boolean,
): Promise<{ readonly tasks: TaskSnapshot[]; readonly more: boolean }> {
  const keep = query.limit + 1;
  const newest: TaskSnapshot[] = [];
  let cursor: string | undefined;
  do {
    const page = await manager.page({ ...(cursor === undefined ? {} : { cursor }), limit: WALK });
    for (const task of page.tasks) {
      if (query.after !== undefined && !isOlder(task, query.after)) continue;
      if (newest.length === keep && isOlder(task, newest[keep - 1] as TaskSnapshot)) continue;
      if (!visible(task)) continue;
      newest.splice(placeOf(newest, task), 0, task);
      if (newest.length > keep) newest.pop();
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return { tasks: newest.slice(0, query.limit), more: newest.length > query.limit };
}

/** The page token that continues after `task`. */
export function tokenAfter(task: UpdateKey): string {
  return Buffer.from(JSON.stringify([task.updatedAt, task.id])).toString('base64url');
}

/** The key a page token continues after; a token `tokenAfter` did not make is `RequestMalformedError` (-32602). */
export function openToken(token: string): UpdateKey {
  const refuse = () => new RequestMalformedError(`Expected \`pageToken\` to be one ListTasks gave, got \`${token}\``);
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(token)) throw refuse();
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(key) || key.length !== 2) throw refuse();
  const [updatedAt, id] = key as [unknown, unknown];
  if (typeof updatedAt !== 'number' || !Number.isFinite(updatedAt) || typeof id !== 'string') throw refuse();
  return { updatedAt, id };
}

/** Whether `task` comes after `key` in newest-first order. */
function isOlder(task: UpdateKey, key: UpdateKey): boolean {
  return task.updatedAt < key.updatedAt || (task.updatedAt === key.updatedAt && task.id < key.id);
}

/** Where `task` goes in `sorted` (newest first): after every task newer than it. */
function placeOf(sorted: readonly TaskSnapshot[], task: TaskSnapshot): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isOlder(sorted[middle] as TaskSnapshot, task)) high = middle;
    else low = middle + 1;
  }
  return low;
}
