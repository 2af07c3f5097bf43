import { StoreError, type StoreOperation, TaskLostError } from '../errors.js';
import { isPromise } from '../maybePromise.js';
import type { TaskSnapshot } from '../task.js';
import type { TimerHandle, TimerQueue } from '../timers.js';
import type { ClusterStore } from './cluster.js';
import type { MaybePromise, Store } from './store.js';

/** What the writer needs from its manager. */
export interface WriterOptions {
  readonly store: Store;
  readonly timers: TimerQueue;
  /** Now, on the manager's clock. */
  readonly now: () => number;
  /** How long one store call may take before it counts as failed, in ms. */
  readonly timeout: number;
  /** Every failure, of a first try or a retry. */
  readonly onError: (error: StoreError) => void;
  /** A task's delete was acknowledged (it was there). */
  readonly onDeleted: (id: string) => void;
  /**
   * Write every snapshot, not only the latest: for a store that publishes each write to other
   * processes (a cluster store), whose followers must see every change. Default: false.
   */
  readonly everySnapshot?: boolean;
}

/** A call waiting until the store holds `seq` or newer. */
interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: StoreError) => void;
  /** A reader (`wait`): waits through failed attempts for the retry, up to the store timeout. */
  readonly patient: boolean;
}

/** One task whose writes the store has not all acknowledged. */
interface Chain {
  readonly id: string;
  /** The newest snapshot handed to the writer: what reads answer until the store has it. */
  latest: TaskSnapshot | undefined;
  /** With `everySnapshot`: the snapshots not yet written, oldest first. */
  readonly queue: TaskSnapshot[];
  /** The highest `seq` the store acknowledged, or -1. */
  acked: number;
  /** The `seq` of the write under way, if one is. */
  writing: number | undefined;
  /** The highest `seq` whose write failed with no success since, or -1. */
  failedThrough: number;
  lastError: StoreError | undefined;
  /** Whether the store refused a write because it ended the task itself (lost). */
  refused?: boolean;
  /** Whether the task is to be deleted once its last save is in. */
  deleting: boolean;
  waiters: Waiter[] | undefined;
  attempt: number;
  retry: TimerHandle | undefined;
  /** Calls waiting for the delete. */
  deleted: Array<(existed: boolean) => void> | undefined;
}

const BACKOFF_FIRST = 50;
/** Most snapshots of one task handed to `saveAll` in one call: a script of bounded length. */
const BATCH_MAX = 64;
const BACKOFF_MAX = 5_000;

/**
 * Writes every task's snapshots to the store: one write at a time per task, in `seq` order, a
 * task's delete last, failures retried with backoff (only the latest snapshot: the store keeps the
 * highest `seq`, so the ones in between may be skipped).
 *
 * A store that answers at once and never fails (the in-memory default) costs one `Map` lookup per
 * write: a chain exists only while a task has a write under way or failing.
 */
export class StoreWriter {
  readonly #options: WriterOptions;
  readonly #chains = new Map<string, Chain>();
  #closed = false;
  #drained: (() => void) | undefined;

  constructor(options: WriterOptions) {
    this.#options = options;
  }

  /** How many tasks have writes the store has not acknowledged. */
  get pending(): number {
    return this.#chains.size;
  }

  /**
   * The newest snapshot of a task whose writes are not all in the store, `null` when its delete is
   * under way, or `undefined` when the store is up to date for it (read the store).
   */
  latest(id: string): TaskSnapshot | null | undefined {
    const chain = this.#chains.get(id);
    if (chain === undefined) return undefined;
    return chain.deleting ? null : chain.latest;
  }

  /** Adds a task: its first snapshot, atomically, so of two racing creates of one id one wins. */
  insert(task: TaskSnapshot): MaybePromise<boolean> {
    const { store } = this.#options;
    const failed = (error: unknown): never => {
      throw this.#report('insert', task.id, task.seq, 1, error);
    };
    try {
      const answer = store.insert === undefined ? this.#insertBySave(task) : store.insert(task);
      if (!isPromise(answer)) return answer;
      let gaveUp = false;
      // An insert that lands after its call timed out would leave a task nobody runs: undo it.
      answer.then(
        (added) => {
          if (gaveUp && added) this.delete(task.id);
        },
        () => {},
      );
      return this.#bounded(answer, 'insert', task).catch((error: unknown) => {
        gaveUp = true;
        return failed(error);
      });
    } catch (error) {
      return failed(error);
    }
  }

  /** Queues a task's snapshot for the store, behind its earlier ones. */
  save(task: TaskSnapshot): void {
    if (this.#chains.has(task.id)) {
      const chain = this.#chain(task);
      if (chain.writing === undefined && chain.retry === undefined && !chain.deleting) this.#write(chain);
      return;
    }
    // The fast path: no chain, a store that answers at once.
    let answer: MaybePromise<void>;
    try {
      answer = this.#options.store.save(task);
    } catch (error) {
      this.#failed(this.#chain(task), task.seq, error);
      return;
    }
    if (!isPromise(answer)) return;
    const fresh = this.#chain(task);
    fresh.writing = task.seq;
    this.#settle(fresh, task, answer);
  }

  /**
   * Settles once the store holds the task at `seq` or newer: at once (`undefined`) when it already
   * does; rejects with `StoreError` when the write that carried `seq` failed (it is retried).
   */
  durable(id: string, seq: number): Promise<void> | undefined {
    const chain = this.#chains.get(id);
    if (chain === undefined || chain.acked >= seq) return undefined;
    if (chain.failedThrough >= seq && chain.writing === undefined && chain.lastError !== undefined) {
      return Promise.reject(chain.lastError);
    }
    // A store that never answers must not hold the call forever.
    return this.#wait(chain, seq, false).then(() => {});
  }

  /**
   * Settles once the store holds the task at `seq` or newer, through the writer's retries: for a
   * reader that hands the snapshot on (`wait`). Resolves with `'refused'` when the store refused the
   * write because it ended the task itself (lost: its final snapshot is the truth, read it there).
   * Rejects with `StoreError` once the store timeout passes without it (the last failure, else the
   * timeout), or when the writer closes (`dispose()`) before it.
   */
  stored(id: string, seq: number): Promise<'stored' | 'refused'> | undefined {
    const chain = this.#chains.get(id);
    if (chain === undefined || chain.acked >= seq) return undefined;
    return this.#wait(chain, seq, true);
  }

  /** A waiter on `chain` for `seq`, dropped from it when its time limit passes. */
  #wait(chain: Chain, seq: number, patient: boolean): Promise<'stored' | 'refused'> {
    let waiter: Waiter | undefined;
    const acked = new Promise<'stored' | 'refused'>((resolve, reject) => {
      waiter = { seq, resolve: () => resolve(chain.refused ? 'refused' : 'stored'), reject, patient };
      if (chain.waiters === undefined) chain.waiters = [];
      chain.waiters.push(waiter);
    });
    return bounded(acked, this.#options, () => {
      if (chain.waiters !== undefined) chain.waiters = chain.waiters.filter((other) => other !== waiter);
      const attempt = chain.attempt + (patient ? 0 : 1);
      return (
        (patient ? chain.lastError : undefined) ??
        new StoreError('save', { taskId: chain.id, seq, attempt }, this.#timeoutError())
      );
    });
  }

  /** Deletes a task once its last save is in; resolves with whether the store had it. */
  delete(id: string): MaybePromise<boolean> {
    let chain = this.#chains.get(id);
    if (chain === undefined) {
      let answer: MaybePromise<boolean>;
      try {
        answer = this.#options.store.delete(id);
      } catch (error) {
        return this.#deleteLater(id, error);
      }
      if (!isPromise(answer)) {
        if (answer) this.#options.onDeleted(id);
        return answer;
      }
      chain = this.#chainFor(id);
      chain.deleting = true;
      return this.#awaitDelete(chain, () => this.#settleDelete(chain as Chain, answer));
    }
    chain.deleting = true;
    const current = chain;
    return this.#awaitDelete(chain, () => {
      if (current.writing === undefined && current.retry === undefined) this.#remove(current);
    });
  }

  /**
   * Waits for the writes under way (each at most the store timeout), tries each failing task once
   * more, then stops retrying: what is still unsaved was reported on the error stream.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    for (const chain of this.#chains.values()) {
      if (chain.retry === undefined) continue;
      this.#options.timers.cancel(chain.retry);
      chain.retry = undefined;
      if (chain.latest !== undefined && chain.latest.seq > chain.acked) this.#write(chain);
      else if (chain.deleting) this.#remove(chain);
    }
    this.#closed = true;
    if ([...this.#chains.values()].some((chain) => chain.writing !== undefined)) {
      // Each write is awaited at most the store timeout: a store that never answers cannot hold dispose.
      const drained = new Promise<void>((resolve) => {
        this.#drained = resolve;
      });
      await bounded(drained, this.#options, () => this.#timeoutError()).catch(() => {
        this.#drained = undefined;
      });
    }
    // The manager's timers stop after this: nobody waits on a write that has not landed by now.
    for (const chain of this.#chains.values()) this.#rejectWaiters(chain);
  }

  #insertBySave(task: TaskSnapshot): MaybePromise<boolean> {
    const { store } = this.#options;
    const existing = store.load(task.id);
    const then = (found: TaskSnapshot | undefined): MaybePromise<boolean> => {
      if (found !== undefined) return false;
      const saved = store.save(task);
      return isPromise(saved) ? saved.then(() => true) : true;
    };
    return isPromise(existing) ? existing.then(then) : then(existing);
  }

  /** The task's chain, with `task` as its newest snapshot (and queued, with `everySnapshot`). */
  #chain(task: TaskSnapshot): Chain {
    const chain = this.#chainFor(task.id);
    chain.latest = task;
    if (this.#options.everySnapshot === true) chain.queue.push(task);
    return chain;
  }

  #chainFor(id: string): Chain {
    let chain = this.#chains.get(id);
    if (chain === undefined) {
      chain = {
        id,
        latest: undefined,
        queue: [],
        acked: -1,
        writing: undefined,
        failedThrough: -1,
        lastError: undefined,
        deleting: false,
        waiters: undefined,
        attempt: 0,
        retry: undefined,
        deleted: undefined,
      };
      this.#chains.set(id, chain);
    }
    return chain;
  }

  #write(chain: Chain): void {
    const { store } = this.#options;
    const saveAll = (store as Partial<ClusterStore>).saveAll;
    const unwritten = this.#options.everySnapshot === true ? this.#unwritten(chain) : [];
    // Every snapshot queued behind the last write in one call, where the store takes several.
    const batch = unwritten.length > 1 && saveAll !== undefined ? unwritten : undefined;
    const task = batch?.at(-1) ?? unwritten[0] ?? chain.latest;
    if (task === undefined || chain.acked >= task.seq) {
      this.#next(chain);
      return;
    }
    chain.writing = task.seq;
    let answer: MaybePromise<void>;
    try {
      answer = batch !== undefined && saveAll !== undefined ? saveAll.call(store, batch) : store.save(task);
    } catch (error) {
      chain.writing = undefined;
      this.#failed(chain, task.seq, error);
      return;
    }
    if (isPromise(answer)) this.#settle(chain, task, answer);
    else this.#acked(chain, task.seq);
  }

  /** The snapshots the store does not have yet, oldest first (`everySnapshot`). */
  #unwritten(chain: Chain): TaskSnapshot[] {
    const queue = chain.queue;
    while (queue.length > 0 && (queue[0] as TaskSnapshot).seq <= chain.acked) queue.shift();
    return queue.slice(0, BATCH_MAX);
  }

  #settle(chain: Chain, task: TaskSnapshot, answer: Promise<void>): void {
    // A write that does not answer in time is reported (its callers time out on their own), but
    // still awaited: a task never has two writes under way, so the store sees them in order.
    const timer = this.#options.timers.schedule(
      this.#options.now() + this.#options.timeout,
      () => this.#report('save', task.id, task.seq, chain.attempt + 1, this.#timeoutError()),
      true,
    );
    answer.then(
      () => {
        this.#options.timers.cancel(timer);
        chain.writing = undefined;
        this.#acked(chain, task.seq);
      },
      (error: unknown) => {
        this.#options.timers.cancel(timer);
        chain.writing = undefined;
        this.#failed(chain, task.seq, error);
      },
    );
  }

  #acked(chain: Chain, seq: number): void {
    chain.acked = Math.max(chain.acked, seq);
    chain.attempt = 0;
    chain.lastError = undefined;
    const waiters = chain.waiters;
    if (waiters !== undefined) {
      chain.waiters = waiters.filter((waiter) => waiter.seq > chain.acked);
      for (const waiter of waiters) if (waiter.seq <= chain.acked) waiter.resolve();
    }
    this.#next(chain);
  }

  /** After a write settled: the newer snapshot, else the delete, else the chain is done. */
  #next(chain: Chain): void {
    if (chain.latest !== undefined && chain.latest.seq > chain.acked) {
      this.#write(chain);
      return;
    }
    if (chain.deleting) {
      this.#remove(chain);
      return;
    }
    this.#forget(chain);
  }

  #failed(chain: Chain, seq: number, cause: unknown): void {
    chain.attempt++;
    const error = this.#report('save', chain.id, seq, chain.attempt, cause);
    chain.failedThrough = Math.max(chain.failedThrough, seq);
    chain.lastError = error;
    // The store ended the task as lost (its owner's lease lapsed): no write of it will ever land,
    // and the store's final snapshot is the truth: waiting reads go on and read it.
    const refused = cause instanceof TaskLostError;
    if (refused) chain.refused = true;
    const waiters = chain.waiters;
    if (waiters !== undefined) {
      const fails = (waiter: Waiter) => waiter.seq <= seq && !waiter.patient;
      chain.waiters = refused ? undefined : waiters.filter((waiter) => !fails(waiter));
      for (const waiter of waiters) {
        if (refused) waiter.resolve();
        else if (fails(waiter)) waiter.reject(error);
      }
    }
    if (refused) {
      chain.acked = Math.max(seq, chain.latest?.seq ?? seq);
      chain.queue.length = 0;
      this.#next(chain);
      return;
    }
    if (this.#closed) this.#forget(chain);
    else this.#retryLater(chain, () => this.#next(chain));
  }

  /** Tries again after a backoff that doubles with each failed attempt: 50 ms up to 5 s. */
  #retryLater(chain: Chain, again: () => void): void {
    const delay = Math.min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** Math.min(chain.attempt - 1, 16));
    chain.retry = this.#options.timers.schedule(
      this.#options.now() + delay,
      () => {
        chain.retry = undefined;
        again();
      },
      true,
    );
  }

  #deleteLater(id: string, cause: unknown): Promise<boolean> {
    const chain = this.#chainFor(id);
    chain.deleting = true;
    return this.#awaitDelete(chain, () => this.#deleteFailed(chain, cause));
  }

  #awaitDelete(chain: Chain, start: () => void): Promise<boolean> {
    const done = new Promise<boolean>((resolve) => {
      if (chain.deleted === undefined) chain.deleted = [];
      chain.deleted.push(resolve);
    });
    start();
    return done;
  }

  #remove(chain: Chain): void {
    if (chain.writing !== undefined) return;
    let answer: MaybePromise<boolean>;
    try {
      answer = this.#options.store.delete(chain.id);
    } catch (error) {
      this.#deleteFailed(chain, error);
      return;
    }
    if (isPromise(answer)) this.#settleDelete(chain, answer);
    else this.#deletedNow(chain, answer);
  }

  #settleDelete(chain: Chain, answer: Promise<boolean>): void {
    chain.writing = Number.NaN;
    answer.then(
      (existed) => {
        chain.writing = undefined;
        this.#deletedNow(chain, existed);
      },
      (error: unknown) => {
        chain.writing = undefined;
        this.#deleteFailed(chain, error);
      },
    );
  }

  #deletedNow(chain: Chain, existed: boolean): void {
    this.#forget(chain);
    if (existed) this.#options.onDeleted(chain.id);
    for (const resolve of chain.deleted ?? []) resolve(existed);
  }

  #deleteFailed(chain: Chain, cause: unknown): void {
    chain.attempt++;
    this.#options.onError(new StoreError('delete', { taskId: chain.id, attempt: chain.attempt }, cause));
    if (this.#closed) {
      this.#forget(chain);
      for (const resolve of chain.deleted ?? []) resolve(false);
      return;
    }
    this.#retryLater(chain, () => this.#remove(chain));
  }

  #forget(chain: Chain): void {
    if (this.#chains.get(chain.id) === chain) this.#chains.delete(chain.id);
    // Closed with the write still failing: nothing will land any more.
    this.#rejectWaiters(chain);
    if (this.#drained !== undefined && ![...this.#chains.values()].some((other) => other.writing !== undefined)) {
      const drained = this.#drained;
      this.#drained = undefined;
      drained();
    }
  }

  #report(operation: StoreOperation, taskId: string, seq: number, attempt: number, cause: unknown): StoreError {
    const error = cause instanceof StoreError ? cause : new StoreError(operation, { taskId, seq, attempt }, cause);
    this.#options.onError(error);
    return error;
  }

  #rejectWaiters(chain: Chain): void {
    const waiters = chain.waiters;
    chain.waiters = undefined;
    for (const waiter of waiters ?? []) {
      waiter.reject(
        chain.lastError ?? new StoreError('save', { taskId: chain.id, seq: waiter.seq }, this.#closedError()),
      );
    }
  }

  #closedError(): Error {
    return new Error('the manager was disposed before the store took it');
  }

  #timeoutError(): Error {
    return new Error(`no answer within ${this.#options.timeout} ms`);
  }

  /** A store call's answer, or a `StoreError` once the store timeout passes without one. */
  #bounded<T>(answer: Promise<T>, operation: StoreOperation, task: TaskSnapshot): Promise<T> {
    return bounded(
      answer,
      this.#options,
      () => new StoreError(operation, { taskId: task.id, seq: task.seq }, this.#timeoutError()),
    );
  }
}

/** `answer`, or a rejection with `timedOut()` once `timeout` ms pass on the manager's timer. */
export function bounded<T>(
  answer: Promise<T>,
  options: Pick<WriterOptions, 'timers' | 'now' | 'timeout'>,
  timedOut: () => Error,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = options.timers.schedule(options.now() + options.timeout, () => reject(timedOut()), true);
    answer.then(
      (value) => {
        options.timers.cancel(timer);
        resolve(value);
      },
      (error: unknown) => {
        options.timers.cancel(timer);
        reject(error);
      },
    );
  });
}
