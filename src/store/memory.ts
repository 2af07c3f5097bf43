import { InvalidArgumentError } from '../errors.js';
import type { TaskSnapshot, TaskState } from '../task.js';
import { describe } from '../validate.js';
import { OrderedIndex } from './orderedIndex.js';
import type { Store, StorePageQuery, TaskPage } from './store.js';

interface Entry {
  readonly ordinal: number;
  snapshot: TaskSnapshot;
}

const CURSOR = /^c([0-9a-z]{1,11})$/;

/**
 * The embedded default store: every task's latest snapshot in memory, indexed by creation order
 * overall and per state, so `page()` costs O(log n + limit) whatever the filter.
 *
 * @example
 * ```ts
 * import { createTaskManager, MemoryStore } from 'tooltask';
 * const store = new MemoryStore();
 * const tasks = createTaskManager({ store });
 * await tasks.create('a');
 * store.load('a')?.state; // 'pending'
 * ```
 */
export class MemoryStore implements Store {
  readonly #entries = new Map<string, Entry>();
  readonly #all = new OrderedIndex();
  readonly #byState = new Map<TaskState, OrderedIndex>();
  #ordinal = 0;

  /** How many tasks it holds. */
  get size(): number {
    return this.#entries.size;
  }

  save(task: TaskSnapshot): void {
    const entry = this.#entries.get(task.id);
    if (entry === undefined) {
      const ordinal = ++this.#ordinal;
      this.#entries.set(task.id, { ordinal, snapshot: task });
      this.#all.add(ordinal, task.id);
      this.#index(task.state).add(ordinal, task.id);
      return;
    }
    if (entry.snapshot.state !== task.state) {
      this.#index(entry.snapshot.state).remove(entry.ordinal);
      this.#index(task.state).add(entry.ordinal, task.id);
    }
    entry.snapshot = task;
  }

  load(id: string): TaskSnapshot | undefined {
    return this.#entries.get(id)?.snapshot;
  }

  loadAll(state?: TaskState): TaskSnapshot[] {
    const ids = state === undefined ? this.#all : this.#index(state);
    const tasks: TaskSnapshot[] = [];
    for (const id of ids.values()) tasks.push((this.#entries.get(id) as Entry).snapshot);
    return tasks;
  }

  delete(id: string): boolean {
    const entry = this.#entries.get(id);
    if (entry === undefined) return false;
    this.#entries.delete(id);
    this.#all.remove(entry.ordinal);
    this.#index(entry.snapshot.state).remove(entry.ordinal);
    return true;
  }

  page({ cursor, limit, state }: StorePageQuery): TaskPage {
    const after = cursor === undefined ? 0 : decodeCursor(cursor);
    const index = state === undefined ? this.#all : this.#index(state);
    const { ids, last, more } = index.slice(after, limit);
    const tasks = ids.map((id) => (this.#entries.get(id) as Entry).snapshot);
    return more ? { tasks, nextCursor: `c${last.toString(36)}` } : { tasks };
  }

  #index(state: TaskState): OrderedIndex {
    let index = this.#byState.get(state);
    if (index === undefined) {
      index = new OrderedIndex();
      this.#byState.set(state, index);
    }
    return index;
  }
}

/**
 * Creates the embedded in-memory store, the manager's default.
 *
 * @example
 * ```ts
 * import { createMemoryStore, createTaskManager } from 'tooltask';
 * const tasks = createTaskManager({ store: createMemoryStore() });
 * ```
 */
export function createMemoryStore(): MemoryStore {
  return new MemoryStore();
}

function decodeCursor(cursor: string): number {
  const match = typeof cursor === 'string' ? CURSOR.exec(cursor) : null;
  const ordinal = match === null ? Number.NaN : Number.parseInt(match[1] as string, 36);
  if (!Number.isSafeInteger(ordinal)) {
    throw new InvalidArgumentError(`Expected \`cursor\` to be a cursor returned by page(), got ${describe(cursor)}`);
  }
  return ordinal;
}
