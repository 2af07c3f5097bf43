import type { TaskMachineSnapshot } from '../machines/taskMachine.js';
import type { TaskSnapshot, TaskState, TaskStateValue } from './task.js';

// The chart has nine state values; each snapshot shares one frozen object per value.
const RUNNING = new Map<string, TaskStateValue>();

function stateValue(value: TaskMachineSnapshot['value']): TaskStateValue {
  if (typeof value === 'string') return value as TaskStateValue;
  const regions = (value as { running: { work: 'manual' | 'working'; client: 'free' | 'awaiting' } }).running;
  const key = `${regions.work}.${regions.client}`;
  let shared = RUNNING.get(key);
  if (shared === undefined) {
    shared = Object.freeze({ running: Object.freeze({ work: regions.work, client: regions.client }) });
    RUNNING.set(key, shared);
  }
  return shared;
}

/**
 * The public, frozen snapshot of a task actor's XState snapshot. `running`'s regions are one
 * public state; `value` keeps them, and whether it awaits its client is the `awaiting` field.
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
    inputRequests: context.inputRequests,
    value: stateValue(value),
    event: context.event,
  });
}
