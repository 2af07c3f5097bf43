/**
 * Reads: what a task looks like now, from the freshest source that has it: a live task's record,
 * else a write the store has not acknowledged yet, else the store (read your writes, any store).
 * Also the one stream of store failures, `errors$`, which the writer's failures join.
 *
 * Owns only the bounded store read and that stream. It never writes, never changes a task and
 * never delivers a change: it asks the live tasks (`local`) and the writer what they hold.
 */
import { type Observable, Subject } from 'rxjs';
import { InvalidArgumentError, StoreError, type StoreOperation, TaskNotFoundError } from '../errors.js';
import { isPromise } from '../maybePromise.js';
import type { MaybePromise, Store } from '../store/store.js';
import { bounded, type StoreWriter } from '../store/writer.js';
import type { TaskSnapshot } from '../task.js';
import type { TimerQueue } from '../timers.js';

export interface ReadsOptions {
  readonly store: Store;
  readonly writer: StoreWriter;
  readonly timers: TimerQueue;
  readonly now: () => number;
  /** How long one store read may take, in ms. */
  readonly timeout: number;
  /** A live task's snapshot, if the task is live here. */
  readonly local: (id: string) => TaskSnapshot | undefined;
  /** Whether the manager is disposed (failures then reach `errors$` only while someone reads it). */
  readonly disposed: () => boolean;
}

export class Reads {
  readonly #options: ReadsOptions;
  readonly #errors = new Subject<StoreError>();
  /** Every store failure, as a `StoreError`. */
  readonly errors$: Observable<StoreError>;

  constructor(options: ReadsOptions) {
    this.#options = options;
    this.errors$ = this.#errors.asObservable();
  }

  /** Publishes a store failure on `errors$`. */
  report(error: StoreError): void {
    this.#errors.next(error);
  }

  /** The task's snapshot: live, else written but not yet confirmed by the store, else the store's. */
  async find(id: string): Promise<TaskSnapshot> {
    const { local, writer, store } = this.#options;
    const live = local(id);
    if (live !== undefined) return live;
    const pending = writer.latest(id);
    if (pending === null) throw new TaskNotFoundError(id);
    if (pending !== undefined) return pending;
    const stored = await this.read('load', id, () => store.load(id));
    // Looked again: the task may have been created, or written, while the store answered.
    const newer = local(id) ?? writer.latest(id);
    if (newer === null) throw new TaskNotFoundError(id);
    if (newer !== undefined && (stored === undefined || newer.seq >= stored.seq)) return newer;
    if (stored === undefined) throw new TaskNotFoundError(id);
    return stored;
  }

  /**
   * The task's snapshot synchronously, where one is at hand: live, unacknowledged, or from a store
   * that answers at once. Never throws: a failed read is published on `errors$`.
   */
  peek(id: string): TaskSnapshot | undefined {
    const live = this.#options.local(id);
    if (live !== undefined) return live;
    if (typeof id !== 'string') return undefined;
    const pending = this.#options.writer.latest(id);
    if (pending !== undefined) return pending ?? undefined;
    try {
      const stored = this.#options.store.load(id);
      if (!isPromise(stored)) return stored;
      stored.then(undefined, (error: unknown) => this.failed('load', id, error));
    } catch (error) {
      this.failed('load', id, error);
    }
    return undefined;
  }

  /** A store read: its answer, or a `StoreError` (published on `errors$`) when it throws, rejects or times out. */
  read<T>(operation: StoreOperation, id: string | undefined, call: () => MaybePromise<T>): MaybePromise<T> {
    let answer: MaybePromise<T>;
    try {
      answer = call();
    } catch (error) {
      throw this.failed(operation, id, error);
    }
    if (!isPromise(answer)) return answer;
    const { timers, now, timeout } = this.#options;
    return bounded(answer, { timers, now, timeout }, () => new Error(`no answer within ${timeout} ms`)).then(
      undefined,
      (error: unknown) => {
        throw this.failed(operation, id, error);
      },
    );
  }

  /** The `StoreError` for a failed store call, published on `errors$`. */
  failed(operation: StoreOperation, id: string | undefined, cause: unknown): StoreError {
    // A store's own typed errors (a cursor it did not issue) are the caller's mistake, not a failure.
    if (cause instanceof InvalidArgumentError) throw cause;
    const error = new StoreError(operation, { taskId: id }, cause);
    if (!this.#options.disposed() || this.#errors.observed) this.#errors.next(error);
    return error;
  }

  /** Store answers overlaid with what the store has not confirmed yet (read your writes). */
  fresh(tasks: readonly TaskSnapshot[], wanted: (task: TaskSnapshot) => boolean): TaskSnapshot[] {
    const writer = this.#options.writer;
    if (writer.pending === 0) return tasks as TaskSnapshot[];
    const fresh: TaskSnapshot[] = [];
    for (const task of tasks) {
      const pending = writer.latest(task.id);
      if (pending === null) continue;
      const newest = pending !== undefined && pending.seq > task.seq ? pending : task;
      if (wanted(newest)) fresh.push(newest);
    }
    return fresh;
  }

  /** Completes `errors$`. */
  complete(): void {
    this.#errors.complete();
  }
}
