import { MemoryStore, type TaskSnapshot } from '../src/index.js';

type Final = 'complete' | 'failed' | 'cancelled';

export interface FinishedTasksOptions {
  /** Ids are `${prefix}${i}`, `i` padded to `pad` digits. Default `task-`, no padding. */
  readonly prefix?: string;
  readonly pad?: number;
  /** Each task's last message; a failed one's error says why it failed. Default none. */
  readonly message?: string;
  /** The final states, in turn. Default complete, failed, cancelled. */
  readonly states?: readonly Final[];
  /** When the first was made, and the ms between two. Default `count` ms ago, 1 ms. */
  readonly from?: number;
  readonly every?: number;
}

/**
 * A store holding `count` finished tasks, as a manager finds it after a restart: many tasks for
 * the inspector (its tests, bench and screenshots) without running each through a manager first
 * (a quarter of a million creates take a minute on a busy machine).
 */
export function storeOfFinishedTasks(count: number, options: FinishedTasksOptions = {}): MemoryStore {
  const { prefix = 'task-', pad = 0, message, states = ['complete', 'failed', 'cancelled'], every = 1 } = options;
  const from = options.from ?? Date.now() - count * every;
  const store = new MemoryStore();
  for (let i = 0; i < count; i++) {
    const state = states[i % states.length] as Final;
    const at = from + i * every;
    const snapshot: TaskSnapshot = {
      id: `${prefix}${String(i).padStart(pad, '0')}`,
      state,
      progress: state === 'complete' ? 1 : 0.5,
      message: state === 'cancelled' ? 'cancelled by user' : message,
      result: undefined,
      error: state === 'failed' ? new Error(`task ${i} broke`) : undefined,
      createdAt: at,
      updatedAt: at,
      startedAt: at,
      completedAt: at,
      seq: 2,
      metadata: undefined,
      ttl: undefined,
      awaiting: undefined,
      inputRequests: undefined,
      value: state,
      event: state === 'complete' ? 'task.complete' : state === 'failed' ? 'task.fail' : 'task.cancel',
    };
    store.save(Object.freeze(snapshot));
  }
  return store;
}
