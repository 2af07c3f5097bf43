import { MemoryStore, type TaskSnapshot } from '../src/index.js';

const ENDS = ['complete', 'failed', 'cancelled'] as const;

/**
 * A store holding `count` finished tasks (`task-0`…, complete, failed and cancelled in turn), as a
 * manager finds it after a restart: many tasks for the inspector without running each through a
 * manager first (a quarter of a million creates take a minute on a busy machine).
 */
export function storeOfFinishedTasks(count: number, message?: string): MemoryStore {
  const store = new MemoryStore();
  const at = Date.now() - count;
  for (let i = 0; i < count; i++) {
    const state = ENDS[i % ENDS.length] as (typeof ENDS)[number];
    const snapshot: TaskSnapshot = {
      id: `task-${i}`,
      state,
      progress: state === 'complete' ? 1 : 0.5,
      message,
      result: undefined,
      error: state === 'failed' ? new Error(`task ${i} broke`) : undefined,
      createdAt: at + i,
      updatedAt: at + i,
      startedAt: at + i,
      completedAt: at + i,
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
