import type { TaskMachineSnapshot } from '../machines/taskMachine.js';
import type { TaskSnapshot, TaskState, TaskStateValue } from './task.js';

type Work = 'manual' | 'working';
type Client = 'free' | 'awaiting';

function running(work: Work, client: Client): TaskStateValue {
  return Object.freeze({ running: Object.freeze({ work, client }) });
}

// The chart has nine state values: every snapshot shares one frozen object per value, found by
// two property reads (this runs once per change).
const RUNNING: Readonly<Record<Work, Readonly<Record<Client, TaskStateValue>>>> = {
  manual: { free: running('manual', 'free'), awaiting: running('manual', 'awaiting') },
  working: { free: running('working', 'free'), awaiting: running('working', 'awaiting') },
};

function stateValue(value: TaskMachineSnapshot['value']): TaskStateValue {
  if (typeof value === 'string') return value as TaskStateValue;
  const regions = (value as { running: { work: Work; client: Client } }).running;
  return RUNNING[regions.work][regions.client];
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
