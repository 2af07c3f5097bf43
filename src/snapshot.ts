import type { TaskMachineSnapshot } from '../machines/taskMachine.js';
import type { TaskSnapshot, TaskState } from './task.js';

/**
 * The public, frozen snapshot of a task actor's XState snapshot. `running`'s regions are one
 * public state; whether it awaits its client is the `awaiting` field.
 */
export function toTaskSnapshot(snapshot: TaskMachineSnapshot): TaskSnapshot {
  const value = snapshot.value;
  const context = snapshot.context;
  return Object.freeze({
    id: context.id,
    state: (typeof value === 'string' ? value : 'running') as TaskState,
    progress: context.progress,
    message: context.message,
    result: context.result,
    error: context.error,
    createdAt: context.createdAt,
    updatedAt: context.updatedAt,
    startedAt: context.startedAt,
    completedAt: context.completedAt,
    seq: context.seq,
    metadata: context.metadata,
    ttl: context.ttl,
    awaiting: context.awaiting,
  });
}
