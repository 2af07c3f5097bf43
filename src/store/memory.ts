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
  readonly #salt = (Math.random() * 0x7fffffff) | 0;

  /** How many tasks it holds. */
  get size(): number {
    return this.#entries.size;
  }

  insert(task: TaskSnapshot): boolean {
    if (this.#entries.has(task.id)) return false;
    this.save(task);
    return true;
  }

  save(task: TaskSnapshot): void {
    const entry = this.#entries.get(task.id);
    if (entry !== undefined && task.seq <= entry.snapshot.seq) return;
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
    const after = cursor === undefined ? 0 : this.#decode(cursor);
    const index = state === undefined ? this.#all : this.#index(state);
    const { items: tasks, last, more } = index.slice(after, limit, snapshotOf);
    return more ? { tasks, nextCursor: this.#encode(last) } : { tasks };
  }

  // A cursor is the last task's ordinal and a check that this store made it, so a cursor it never
  // issued (edited, or from another store) is refused rather than read as a position.
  #encode(ordinal: number): string {
    return `${ordinal.toString(36)}.${check(this.#salt, ordinal).toString(36)}`;
  }

  #decode(cursor: string): number {
    const [ordinalPart = '', checkPart, extra] = typeof cursor === 'string' ? cursor.split('.') : [];
    const ordinal = Number.parseInt(ordinalPart, 36);
    if (
      extra !== undefined ||
      !Number.isSafeInteger(ordinal) ||
      ordinal < 1 ||
      ordinal > this.#ordinal ||
      cursor !== this.#encode(ordinal) ||
      checkPart === undefined
    ) {
      throw new InvalidArgumentError(`Expected \`cursor\` to be a cursor returned by page(), got ${describe(cursor)}`);
    }
    return ordinal;
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

/** A 32-bit mix of the store's salt and an ordinal (not a secret: it catches cursors made by hand). */
function check(salt: number, ordinal: number): number {
  let hash = Math.imul(salt ^ ordinal, 0x9e3779b1) ^ Math.floor(ordinal / 0x100000000);
  hash = Math.imul(hash ^ (hash >>> 15), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}
