/**
 * The facade: `TaskManager`, the public API. Each call's arguments are checked once here
 * (src/manager/arguments.ts), then handed to the room that owns the work:
 *
 * - live.ts: the registry and task actors, spawn, dispatch, timeouts (work.ts: the work runner);
 * - delivery.ts: ordered fan-out to subscribers, waiters, `changes$` and `deletions$`;
 * - reads.ts: reads over the store and unacknowledged writes, and `errors$`;
 * - retention.ts: deleting finished tasks once their ttl passed;
 * - remote.ts: tasks not live here (being created, finished, or owned by another process).
 *
 * Data flows one way: facade → rooms → delivery → readers. The facade holds no task state.
 */
import { Observable } from 'rxjs';
import type { RegistryActorRef } from '../machines/registryMachine.js';
import type { TaskActorRef, TaskEvent } from '../machines/taskMachine.js';
import type { Clock } from './clock.js';
import { InvalidTransitionError, ManagerDisposedError, type StoreError, TaskNotFoundError } from './errors.js';
import { randomId } from './id.js';
import { abortable, type Settle } from './manager/abortable.js';
import {
  answersOf,
  createSettings,
  failureOf,
  listSettings,
  managerSettings,
  pageSettings,
  runSettings,
  signalOption,
} from './manager/arguments.js';
import { Delivery, type Listener } from './manager/delivery.js';
import { LiveTasks } from './manager/live.js';
import type {
  CreateOptions,
  InputRequest,
  ListFilter,
  PageOptions,
  RunOptions,
  TaskManagerOptions,
  TaskWork,
  WaitOptions,
} from './manager/options.js';
import { Reads } from './manager/reads.js';
import { type LiveTask, requestEvent } from './manager/record.js';
import { RemoteTasks } from './manager/remote.js';
import { Retention } from './manager/retention.js';
import { isPromise } from './maybePromise.js';
import { SignalFanout } from './signals.js';
import { isClusterStore } from './store/cluster.js';
import type { MaybePromise, Store, TaskPage } from './store/store.js';
import { StoreWriter } from './store/writer.js';
import { isTerminal, type TaskSnapshot } from './task.js';
import { TimerQueue } from './timers.js';
import { assertOptionalString, assertProgress, assertTaskId, toData } from './validate.js';

export type {
  CreateOptions,
  InputRequest,
  InspectOption,
  ListFilter,
  PageOptions,
  RunOptions,
  TaskManagerOptions,
  TaskWork,
  WaitOptions,
  WorkContext,
} from './manager/options.js';

/**
 * The task manager: creates, tracks, runs and cancels tasks, one XState actor each, owned by one
 * registry actor. Make one with `createTaskManager`.
 */
export class TaskManager {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #retention: number;
  readonly #timers: TimerQueue;
  readonly #signals = new SignalFanout();
  readonly #writer: StoreWriter;
  readonly #delivery: Delivery<LiveTask>;
  readonly #reads: Reads;
  readonly #live: LiveTasks;
  readonly #remote: RemoteTasks;
  #disposed = false;
  #disposing: Promise<void> | undefined;

  /**
   * Every change of every task, in causal order (a change made by a listener of change X comes
   * after X), from now on: no replay of the past. Completes on `dispose()`.
   */
  readonly changes$: Observable<TaskSnapshot>;

  /**
   * The id of every task the manager deletes (its retention ended, or `remove`), once the store
   * confirmed it, after that task's last change. Completes on `dispose()`.
   *
   * @example
   * ```ts
   * const tasks = createTaskManager({ retention: 0 });
   * tasks.deletions$.subscribe((id) => console.log('gone', id));
   * ```
   */
  readonly deletions$: Observable<string>;

  /**
   * Every store failure, as a `StoreError`: of a call's write, of a retry, of a read, of a
   * retention delete. A write that failed is retried with backoff (50 ms doubling to 5 s) until the
   * store takes it. Completes on `dispose()`.
   *
   * @example
   * ```ts
   * const tasks = createTaskManager();
   * tasks.errors$.subscribe((error) => console.error(error.operation, error.taskId, error.attempt, error.cause));
   * ```
   */
  readonly errors$: Observable<StoreError>;

  /** @internal Use `createTaskManager`. */
  constructor(options: TaskManagerOptions = {}) {
    const settings = managerSettings(options);
    const { store, clock } = settings;
    this.#store = store;
    this.#clock = clock;
    this.#retention = settings.retention;
    this.#timers = new TimerQueue(clock);
    const cluster = isClusterStore(store) ? store.cluster : undefined;
    const now = () => clock.now();
    this.#writer = new StoreWriter({
      store,
      timers: this.#timers,
      now,
      timeout: settings.storeTimeout,
      // A shared store publishes each write to the other processes: they must see every change.
      everySnapshot: cluster !== undefined,
      onError: (error) => this.#reads.report(error),
      // A shared store announces every deletion to every process, this one included.
      onDeleted: (id) => {
        if (cluster === undefined) this.#delivery.deletion(id);
      },
    });
    const retention = new Retention({
      store,
      writer: this.#writer,
      timers: this.#timers,
      busy: (id) => this.#live.busy(id),
    });
    this.#delivery = new Delivery<LiveTask>((_, snapshot) => {
      this.#remote.ended(snapshot);
      retention.ended(snapshot);
      this.#live.ended();
    });
    this.#reads = new Reads({
      store,
      writer: this.#writer,
      timers: this.#timers,
      now,
      timeout: settings.storeTimeout,
      local: (id) => this.#live.snapshot(id),
      disposed: () => this.#disposed,
    });
    this.#live = new LiveTasks({
      clock,
      timers: this.#timers,
      writer: this.#writer,
      delivery: this.#delivery,
      signals: this.#signals,
      concurrency: settings.concurrency,
      inspect: settings.inspect,
      state: (id) => this.#reads.peek(id)?.state,
      disposed: () => this.#disposed,
    });
    this.#remote = new RemoteTasks({
      cluster,
      live: this.#live,
      reads: this.#reads,
      writer: this.#writer,
      delivery: this.#delivery,
      now,
    });
    this.changes$ = this.#delivery.changes$;
    this.deletions$ = this.#delivery.deletions$;
    this.errors$ = this.#reads.errors$;
    stores.set(this, (snapshot) => this.#storedSnapshot(snapshot));
  }

  /** The registry actor, which owns every live task actor: for inspection and `@xstate/react`. */
  get registry(): RegistryActorRef {
    return this.#live.registry;
  }

  /**
   * A live task's XState actor, or `undefined` once the task has ended (its actor is stopped) or
   * was never created. Read it, subscribe to it, or use it with `@xstate/react`'s `useSelector`.
   */
  actor(id: string): TaskActorRef | undefined {
    return this.#live.record(id)?.actor;
  }

  /**
   * Creates a task in `pending`. You drive it with `update`, `complete`, `fail` and `cancel`.
   * Resolves once the store holds the task: a `get` from any process sharing the store finds it.
   * A store failure rejects with `StoreError` and leaves nothing behind (the id is free again).
   *
   * @example
   * ```ts
   * const tasks = createTaskManager();
   * const task = await tasks.create('report-7', { metadata: { user: 'ada' } });
   * task.state; // 'pending'
   * ```
   */
  async create(id: string, options?: CreateOptions): Promise<TaskSnapshot> {
    this.#assertLive('create');
    return this.#live.spawn(id, createSettings(id, options, this.#retention));
  }

  /**
   * Creates a task and runs `work` as the invoked actor of its `running` state. Resolves with the
   * task's first snapshot once the store holds it: `running`, or `pending` while it waits for a
   * concurrency slot.
   *
   * The work's value completes the task (it must be JSON data, copied and frozen); a throw or
   * rejection fails it. Cancel, timeout, an outside `signal` and `dispose()` abort `signal` at
   * once, with a `TaskCancelledError` or `TaskTimeoutError` as its reason; whatever the work does
   * after that changes nothing.
   *
   * @example
   * ```ts
   * const tasks = createTaskManager();
   * const { id } = await tasks.run(async ({ signal, progress }) => {
   *   for (let step = 1; step <= 4; step++) {
   *     signal.throwIfAborted();
   *     await new Promise((resolve) => setTimeout(resolve, 10));
   *     progress(step / 4, `step ${step} of 4`);
   *   }
   *   return 'done';
   * });
   * (await tasks.wait(id)).result; // 'done'
   * ```
   */
  async run<T>(work: TaskWork<T>, options?: RunOptions): Promise<TaskSnapshot> {
    this.#assertLive('run');
    const settings = runSettings(work, options, this.#retention, randomId);
    return this.#live.spawn(settings.id, settings);
  }

  /** The task's latest snapshot; `TaskNotFoundError` if there is none, `StoreError` if the store failed. */
  async get(id: string): Promise<TaskSnapshot> {
    assertTaskId(id);
    return this.#reads.find(id);
  }

  /**
   * The task's latest snapshot, synchronously: a live task's always, a finished one's when the
   * store answers at once (the in-memory default does) or has not yet confirmed its last write,
   * else `undefined`. Never throws. For render loops and `useSyncExternalStore`, where a Promise
   * will not do.
   *
   * @example
   * ```ts
   * await tasks.create('a');
   * tasks.peek('a')?.state; // 'pending'
   * tasks.peek('nope'); // undefined
   * ```
   */
  peek(id: string): TaskSnapshot | undefined {
    return this.#reads.peek(id);
  }

  /**
   * Every task, in creation order, or those in the given state(s). For large registries prefer `page`.
   *
   * @example
   * ```ts
   * const running = await tasks.list({ state: 'running' });
   * const live = await tasks.list({ state: ['pending', 'running'] });
   * ```
   */
  async list(filter?: ListFilter): Promise<TaskSnapshot[]> {
    const { one, wanted } = listSettings(filter);
    const tasks = await this.#reads.read('loadAll', undefined, () => this.#store.loadAll(one));
    if (wanted === undefined) return this.#reads.fresh(tasks, () => true);
    return this.#reads.fresh(one === undefined ? tasks.filter(wanted) : tasks, wanted);
  }

  /**
   * One page of tasks in creation order, in time proportional to `limit`. Walk with `nextCursor`
   * until it is absent; tasks added during the walk come at its end, none is seen twice. Cursors
   * are opaque: one `page()` did not issue is refused with `InvalidArgumentError`.
   *
   * @example
   * ```ts
   * let cursor: string | undefined;
   * do {
   *   const page = await tasks.page({ cursor, limit: 100 });
   *   for (const task of page.tasks) console.log(task.id, task.state);
   *   cursor = page.nextCursor;
   * } while (cursor);
   * ```
   */
  async page(options?: PageOptions): Promise<TaskPage> {
    const query = pageSettings(options);
    const page = await this.#reads.read('page', undefined, () => this.#store.page(query));
    if (this.#writer.pending === 0) return page;
    const { state } = query;
    const tasks = this.#reads.fresh(page.tasks, (task) => state === undefined || task.state === state);
    return page.nextCursor === undefined ? { tasks } : { tasks, nextCursor: page.nextCursor };
  }

  /**
   * Reports progress: `pending` moves to `running`, `running` stays. Progress is from 0 to 1.
   *
   * @example
   * ```ts
   * await tasks.create('import');
   * await tasks.update('import', 0.25, 'read 250 of 1000 rows');
   * ```
   */
  async update(id: string, progress: number, message?: string): Promise<TaskSnapshot> {
    this.#assertLive('update');
    assertTaskId(id);
    assertProgress(progress);
    assertOptionalString('message', message);
    return this.#dispatch(id, { type: 'task.progress', progress, message, at: this.#clock.now() });
  }

  /** Completes the task with `result` (JSON data, copied and frozen): progress becomes 1 and `completedAt` is set. */
  async complete(id: string, result?: unknown): Promise<TaskSnapshot> {
    this.#assertLive('complete');
    assertTaskId(id);
    return this.#dispatch(id, { type: 'task.complete', result: toData('result', result), at: this.#clock.now() });
  }

  /** Fails the task with `error` (an Error, or a message string that becomes one); a running work is aborted. */
  async fail(id: string, error: Error | string): Promise<TaskSnapshot> {
    this.#assertLive('fail');
    assertTaskId(id);
    return this.#dispatch(id, { type: 'task.fail', error: failureOf(error), at: this.#clock.now() });
  }

  /** Cancels the task; a running work's signal is aborted, a waiting one never starts. */
  async cancel(id: string, reason?: string): Promise<TaskSnapshot> {
    this.#assertLive('cancel');
    assertTaskId(id);
    assertOptionalString('reason', reason);
    return this.#dispatch(id, { type: 'task.cancel', reason, at: this.#clock.now() });
  }

  /**
   * Opens an input request on a running (or pending, manually driven) task: it shows in
   * `inputRequests` under a fresh key, and `awaiting` becomes `input` or `auth` until every open
   * request is answered (`respond`, `resume`). The task stays `running`; MCP shows it as
   * `input_required`, A2A as `input-required` / `auth-required`.
   *
   * @example
   * ```ts
   * await tasks.create('deploy');
   * await tasks.requestInput('deploy', { message: 'Deploy to production?' });
   * (await tasks.get('deploy')).awaiting; // 'input'
   * await tasks.resume('deploy', 'approved');
   * ```
   */
  async requestInput(id: string, options?: InputRequest): Promise<TaskSnapshot> {
    this.#assertLive('requestInput');
    assertTaskId(id);
    return this.#dispatch(id, requestEvent(this.#live.record(id), options, this.#clock.now()));
  }

  /**
   * Answers some of a task's open input requests, by key: the work's `ask()` for each resolves
   * with its answer. Keys that are not open (unknown, or answered already) are ignored; when none
   * is, nothing changes and the call resolves with the current snapshot. The task awaits its
   * client while any request stays open.
   *
   * @example
   * ```ts
   * await tasks.create('form');
   * const asked = await tasks.requestInput('form', { message: 'Name?' });
   * const key = Object.keys(asked.inputRequests ?? {})[0] ?? '';
   * (await tasks.respond('form', { [key]: 'Ada', nope: 1 })).awaiting; // undefined
   * ```
   */
  async respond(id: string, answers: Readonly<Record<string, unknown>>): Promise<TaskSnapshot> {
    this.#assertLive('respond');
    assertTaskId(id);
    return this.#dispatch(id, { type: 'task.respond', answers: answersOf(answers), at: this.#clock.now() });
  }

  /** Answers every open input request of a task with `message`, which becomes its message. */
  async resume(id: string, message?: string): Promise<TaskSnapshot> {
    this.#assertLive('resume');
    assertTaskId(id);
    assertOptionalString('message', message);
    return this.#dispatch(id, { type: 'task.resume', message, at: this.#clock.now() });
  }

  /**
   * Deletes a finished task now, before its retention ends, and resolves with its last snapshot;
   * `deletions$` announces it. A live task is refused with `InvalidTransitionError`.
   *
   * @example
   * ```ts
   * await tasks.create('old');
   * await tasks.cancel('old');
   * await tasks.remove('old');
   * await tasks.get('old').catch((error: TaskNotFoundError) => error.code); // 'TASK_NOT_FOUND'
   * ```
   */
  async remove(id: string): Promise<TaskSnapshot> {
    this.#assertLive('remove');
    assertTaskId(id);
    if (this.#live.busy(id)) {
      throw new InvalidTransitionError(id, this.#live.snapshot(id)?.state ?? 'pending', 'remove');
    }
    const last = await this.#reads.find(id);
    // Live in another process (a shared store): only a finished task may be removed, wherever it runs.
    if (!isTerminal(last.state)) throw new InvalidTransitionError(id, last.state, 'remove');
    const existed = await this.#writer.delete(id);
    if (!existed) throw new TaskNotFoundError(id);
    return last;
  }

  /**
   * Resolves with the task's final snapshot once it ends and the store holds that snapshot:
   * complete, failed or cancelled alike (failure is data). So what you hand on is what any process
   * sharing the store reads (the store's own, when it refused the write: it ended the task as lost
   * while this process was cut off). Rejects for an unknown id, when `signal` aborts, or with
   * `StoreError` when the store did not take the final snapshot within `storeTimeout` or before
   * `dispose()` ended (the task ended all the same; the write is retried, and a later `wait`
   * resolves once it lands).
   *
   * @example
   * ```ts
   * const { id } = await tasks.run(async () => 42);
   * const done = await tasks.wait(id);
   * done.state; // 'complete'
   * ```
   */
  async wait(id: string, options?: WaitOptions): Promise<TaskSnapshot> {
    assertTaskId(id);
    const signal = signalOption(options);
    signal?.throwIfAborted();
    return abortable<TaskSnapshot>(this.#signals, signal, (done) => {
      const ended: Settle<TaskSnapshot> = {
        ...done,
        resolve: (snapshot) => {
          const stored = this.#storedSnapshot(snapshot);
          if (isPromise(stored)) stored.then(done.resolve, done.reject);
          else done.resolve(stored);
        },
      };
      const task = this.#live.record(id);
      if (task === undefined) return this.#remote.waitFor(id, ended);
      const listener: Listener = (snapshot) => {
        if (isTerminal(snapshot.state)) ended.resolve(snapshot);
      };
      this.#delivery.listen(task, listener);
      return () => task.listeners?.delete(listener);
    });
  }

  /**
   * `snapshot` once the store holds it (at once when it does: a store that answers at once); the
   * store's own final snapshot when it refused the write, having ended the task as lost while this
   * process was cut off. Rejects with `StoreError` as `wait` says.
   */
  #storedSnapshot(snapshot: TaskSnapshot): MaybePromise<TaskSnapshot> {
    const written = this.#writer.stored(snapshot.id, snapshot.seq);
    if (written === undefined) return snapshot;
    return written.then((outcome) => (outcome === 'stored' ? snapshot : this.#reads.find(snapshot.id)));
  }

  /**
   * The task's snapshots as an Observable: first the current one, then every change in order, none
   * dropped (`seq` contiguous from the first), completing right after the final one. A finished
   * task gives its final snapshot and completes; an unknown id errors with `TaskNotFoundError`.
   * Nothing runs until you subscribe. A change the subscriber itself makes while handling a
   * snapshot reaches it after that snapshot, never inside it.
   *
   * @example
   * ```ts
   * tasks.subscribe('import').subscribe({
   *   next: (task) => console.log(task.state, task.progress),
   *   complete: () => console.log('ended'),
   * });
   * ```
   */
  subscribe(id: string): Observable<TaskSnapshot> {
    return new Observable<TaskSnapshot>((subscriber) => {
      try {
        assertTaskId(id);
      } catch (error) {
        subscriber.error(error);
        return;
      }
      const task = this.#live.record(id);
      if (task === undefined) {
        let follow: { unsubscribe(): void } | undefined;
        this.#reads.find(id).then(
          (snapshot) => {
            if (subscriber.closed) return;
            subscriber.next(snapshot);
            // A live task another process owns: its changes, in order, from the next seq on.
            follow = this.#remote.follow(snapshot).subscribe(subscriber);
          },
          (error: unknown) => subscriber.error(error),
        );
        return () => follow?.unsubscribe();
      }
      return this.#delivery.subscribe(task, subscriber);
    });
  }

  /**
   * Ends every live task as `cancelled` (reason `disposed`, works aborted, subscribers completed,
   * waiters settled), waits for the store's writes under way, stops the registry and the timer,
   * and completes `changes$`, `deletions$` and `errors$`. Safe from anywhere, a subscriber or a
   * work included: it finishes once the callback that called it returns. Finished tasks stay
   * readable; every call that would change a task rejects with `ManagerDisposedError`.
   */
  dispose(): Promise<void> {
    if (this.#disposing === undefined) {
      this.#disposed = true;
      this.#disposing = this.#shutdown();
    }
    return this.#disposing;
  }

  /** `Symbol.asyncDispose`, for `await using tasks = createTaskManager()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  async #shutdown(): Promise<void> {
    await this.#live.cancelAll('disposed', this.#clock.now());
    await this.#writer.close();
    this.#remote.close();
    // A shared store's connections and lease are the manager's to end: the call site never holds it.
    const closable = this.#store as Store & { close?: () => Promise<void> };
    if (this.#remote.shared && typeof closable.close === 'function') await closable.close().catch(() => {});
    this.#timers.clear();
    this.#delivery.complete();
    this.#reads.complete();
  }

  #assertLive(method: string): void {
    if (this.#disposed) throw new ManagerDisposedError(method);
  }

  /** A call's event: through a live task's chart here, else through the remote room. */
  #dispatch(id: string, event: TaskEvent): MaybePromise<TaskSnapshot> {
    return this.#live.dispatch(id, event) ?? this.#remote.dispatch(id, event);
  }
}

/** Each manager's `#storedSnapshot`: for this package's protocol adapters, not exported from it. */
const stores = new WeakMap<TaskManager, (snapshot: TaskSnapshot) => MaybePromise<TaskSnapshot>>();

/**
 * `snapshot` as the store holds it, to answer a client with, as `wait` answers: `snapshot` itself
 * once the store has it (through the writer's retries; at once for a manager this package did not
 * make), or the store's own, another object, when it refused the write (the task was ended as lost
 * meanwhile). Rejects with `StoreError` once `storeTimeout` passes without it.
 */
export async function storedSnapshot(manager: TaskManager, snapshot: TaskSnapshot): Promise<TaskSnapshot> {
  return (await stores.get(manager)?.(snapshot)) ?? snapshot;
}

/**
 * Creates a task manager over the embedded in-memory store (or the `store` you pass).
 *
 * @example
 * ```ts
 * import { createTaskManager } from 'tooltask';
 *
 * const tasks = createTaskManager({ concurrency: 4 });
 * const { id } = await tasks.run(async ({ progress }) => {
 *   progress(0.5, 'halfway');
 *   return 'result';
 * });
 * tasks.subscribe(id).subscribe((task) => console.log(task.state, task.progress));
 * console.log((await tasks.wait(id)).result); // 'result'
 * await tasks.dispose();
 * ```
 */
export function createTaskManager(options?: TaskManagerOptions): TaskManager {
  return new TaskManager(options);
}
