import {
  MemoryStore,
  type Store,
  type StorePageQuery,
  type TaskPage,
  type TaskSnapshot,
  type TaskState,
} from '../src/index.js';

/** A store operation the fault store can break. */
export type Operation = 'insert' | 'save' | 'load' | 'loadAll' | 'delete' | 'page';

/** What happens to one call: it answers (after `delay` ms, or at once when undefined), throws, rejects, or hangs. */
export type Fault = 'throw' | 'reject' | 'hang' | undefined;

export interface FaultOptions {
  /** Latency of each call in ms; `undefined` answers synchronously. Default: synchronous. */
  readonly latency?: (operation: Operation) => number | undefined;
  /** What goes wrong with a call, if anything. Default: nothing. */
  readonly fault?: (operation: Operation, id: string | undefined) => Fault;
}

/**
 * A store for tests that is slow, out of order, failing or silent on demand, over a real
 * `MemoryStore`. It records every write it took, so a test can check that each task's saves came
 * in `seq` order and that a delete came after its task's last save.
 */
export class FaultStore implements Store {
  readonly inner = new MemoryStore();
  /** Every write that reached the inner store, in order. */
  readonly writes: Array<{ readonly op: 'insert' | 'save' | 'delete'; readonly id: string; readonly seq?: number }> =
    [];
  options: FaultOptions;

  constructor(options: FaultOptions = {}) {
    this.options = options;
  }

  insert(task: TaskSnapshot) {
    return this.#call('insert', task.id, () => {
      const added = this.inner.insert(task);
      if (added) this.writes.push({ op: 'insert', id: task.id, seq: task.seq });
      return added;
    });
  }

  save(task: TaskSnapshot) {
    return this.#call('save', task.id, () => {
      this.writes.push({ op: 'save', id: task.id, seq: task.seq });
      this.inner.save(task);
    });
  }

  load(id: string) {
    return this.#call('load', id, () => this.inner.load(id));
  }

  loadAll(state?: TaskState) {
    return this.#call('loadAll', undefined, () => this.inner.loadAll(state));
  }

  delete(id: string) {
    return this.#call('delete', id, () => {
      this.writes.push({ op: 'delete', id });
      return this.inner.delete(id);
    });
  }

  page(query: StorePageQuery): TaskPage | Promise<TaskPage> {
    return this.#call('page', undefined, () => this.inner.page(query));
  }

  /** The seqs each task's saves carried, in the order the store took them. */
  savedSeqs(): Map<string, number[]> {
    const seqs = new Map<string, number[]>();
    for (const write of this.writes) {
      if (write.op === 'delete' || write.seq === undefined) continue;
      seqs.set(write.id, [...(seqs.get(write.id) ?? []), write.seq]);
    }
    return seqs;
  }

  #call<T>(operation: Operation, id: string | undefined, body: () => T): T | Promise<T> {
    const fault = this.options.fault?.(operation, id);
    if (fault === 'throw') throw new Error(`${operation} failed (injected)`);
    if (fault === 'hang') return new Promise<T>(() => {});
    const delay = this.options.latency?.(operation);
    if (fault === 'reject') {
      return new Promise<T>((_, reject) =>
        setTimeout(() => reject(new Error(`${operation} rejected (injected)`)), delay ?? 0),
      );
    }
    if (delay === undefined) return body();
    return new Promise<T>((resolve, reject) =>
      setTimeout(() => {
        try {
          resolve(body());
        } catch (error) {
          reject(error);
        }
      }, delay),
    );
  }
}

/** Random latency from 0 to `max` ms, so that writes of different tasks land out of order. */
export function randomLatency(max: number): () => number {
  return () => Math.floor(Math.random() * (max + 1));
}
