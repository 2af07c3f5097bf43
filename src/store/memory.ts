import { InvalidArgumentError } from '../errors.js';
import type { TaskSnapshot, TaskState } from '../task.js';
import { describe } from '../validate.js';
import { OrderedIndex } from './orderedIndex.js';
import type { Store, StorePageQuery, TaskPage } from './store.js';

interface Entry {
  readonly ordinal: number;
  snapshot: TaskSnapshot;
}

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
  readonly #all = new OrderedIndex<Entry>();
  readonly #byState = new Map<TaskState, OrderedIndex<Entry>>();
  #ordinal = 0;

  /** How many tasks it holds. */
  get size(): number {
    return this.#entries.size;
  }

  save(task: TaskSnapshot): void {
    const entry = this.#entries.get(task.id);
    if (entry === undefined) {
      const created: Entry = { ordinal: ++this.#ordinal, snapshot: task };
      this.#entries.set(task.id, created);
      this.#all.add(created.ordinal, created);
      this.#index(task.state).add(created.ordinal, created);
      return;
    }
    if (entry.snapshot.state !== task.state) {
      this.#index(entry.snapshot.state).remove(entry.ordinal);
      this.#index(task.state).add(entry.ordinal, entry);
    }
    entry.snapshot = task;
  }

  load(id: string): TaskSnapshot | undefined {
    return this.#entries.get(id)?.snapshot;
  }

  loadAll(state?: TaskState): TaskSnapshot[] {
    return (state === undefined ? this.#all : this.#index(state)).map(snapshotOf);
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
    const { items: tasks, last, more } = index.slice(after, limit, snapshotOf);
    return more ? { tasks, nextCursor: `c${last.toString(36)}` } : { tasks };
  }

  #index(state: TaskState): OrderedIndex<Entry> {
    let index = this.#byState.get(state);
    if (index === undefined) {
      index = new OrderedIndex<Entry>();
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

function snapshotOf(entry: Entry): TaskSnapshot {
  return entry.snapshot;
}

function decodeCursor(cursor: string): number {
  // `c` and an ordinal in base 36, exactly as page() wrote it: the round trip rejects anything else.
  const ordinal =
    typeof cursor === 'string' && cursor.startsWith('c') ? Number.parseInt(cursor.slice(1), 36) : Number.NaN;
  if (!Number.isSafeInteger(ordinal) || ordinal < 0 || cursor !== `c${ordinal.toString(36)}`) {
    throw new InvalidArgumentError(`Expected \`cursor\` to be a cursor returned by page(), got ${describe(cursor)}`);
  }
  return ordinal;
}
