import { TaskNotFoundError } from '../errors.js';
import type { TaskManager } from '../manager.js';
import type { TaskSnapshot } from '../task.js';

/**
 * What a protocol adapter remembers about a task (its session, context, poll interval), frozen in
 * the task's metadata under the adapter's key, so nothing outside the task grows with it.
 */
export function bindingOf<T extends object>(snapshot: TaskSnapshot, key: string): T | undefined {
  const binding = snapshot.metadata?.[key];
  return typeof binding === 'object' && binding !== null ? (binding as T) : undefined;
}

/** The task, or `undefined` when there is none: an adapter answers "not found" in its own protocol's words. */
export async function findTask(manager: TaskManager, id: string): Promise<TaskSnapshot | undefined> {
  try {
    return await manager.get(id);
  } catch (error) {
    if (error instanceof TaskNotFoundError) return undefined;
    throw error;
  }
}

/** Whether a live task runs a `run()` work (its progress comes from that work, not the protocol). */
export function isRunTask(manager: TaskManager, id: string): boolean {
  return manager.actor(id)?.getSnapshot().context.work !== undefined;
}
