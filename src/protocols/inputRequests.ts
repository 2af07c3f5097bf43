import type { TaskManager } from '../manager.js';
import type { TaskSnapshot } from '../task.js';

/** One outstanding request of a task to its client (the lead's keyed input requests). */
export interface OutstandingRequest {
  readonly key: string;
  readonly need: 'input' | 'auth';
  readonly message?: string | undefined;
  readonly request?: unknown;
}

/** The task's outstanding requests by key; undefined when none. */
export function inputRequestsOf(snapshot: TaskSnapshot): Readonly<Record<string, OutstandingRequest>> | undefined {
  return (snapshot as TaskSnapshot & { inputRequests?: Readonly<Record<string, OutstandingRequest>> }).inputRequests;
}

/** Answers a subset of the outstanding requests; unknown or answered keys are ignored. */
export async function respond(manager: TaskManager, id: string, answers: Record<string, unknown>): Promise<void> {
  const keyed = manager as TaskManager & {
    respond?: (id: string, answers: Record<string, unknown>) => Promise<unknown>;
  };
  if (keyed.respond !== undefined) {
    await keyed.respond(id, answers);
    return;
  }
  const snapshot = await manager.get(id);
  if (snapshot.awaiting !== undefined && Object.keys(answers).length > 0) await manager.resume(id);
}
