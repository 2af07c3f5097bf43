import { Observable, Subject, type Subscription } from 'rxjs';
import { type Actor, createActor, type InspectionEvent, type Observer } from 'xstate';
import { type RegistryActorRef, registryMachine, TASK_ACTOR_ID } from '../machines/registryMachine.js';
import {
  type TaskActorRef,
  type TaskEvent,
  type TaskMachineSnapshot,
  type TaskWorkRunner,
  taskMachine,
  type WorkOutcome,
} from '../machines/taskMachine.js';
import { type Clock, systemClock } from './clock.js';
import { fromCommand, requestInputEvent, toCommand } from './commands.js';
import {
  InvalidArgumentError,
  InvalidTransitionError,
  ManagerDisposedError,
  StoreError,
  type StoreOperation,
  TaskCancelledError,
  TaskExistsError,
  TaskNotFoundError,
  TaskUnreachableError,
  TooltaskError,
} from './errors.js';
import { randomId } from './id.js';
import { isPromise } from './maybePromise.js';
import { SignalFanout } from './signals.js';
import { toTaskSnapshot } from './snapshot.js';
import { type ClusterEvent, isClusterStore, type TaskCluster, type TaskCommand } from './store/cluster.js';
import { MemoryStore } from './store/memory.js';
import type { MaybePromise, Store, TaskPage } from './store/store.js';
import { bounded, StoreWriter } from './store/writer.js';
import { isTerminal, type TaskAwaiting, type TaskMetadata, type TaskSnapshot, type TaskState } from './task.js';
import { type TimerHandle, TimerQueue } from './timers.js';
import {
  assertDuration,
  assertOptionalString,
  assertOptions,
  assertProgress,
  assertState,
  assertTaskId,
  describe,
  toData,
  toError,
  toMetadata,
} from './validate.js';

/** An XState inspection observer, as `createActor(…, { inspect })` takes it. */
export type InspectOption = Observer<InspectionEvent> | ((event: InspectionEvent) => void);

/** Options of `createTaskManager`. */
export interface TaskManagerOptions {
  /** Where every task's latest snapshot is written through. Default: a new `MemoryStore`. */
  readonly store?: Store | undefined;
  /** Time and the one timer. Default: the system clock. XState's `SimulatedClock` fits. */
  readonly clock?: Clock | undefined;
  /** How many works `run()` runs at once; the rest wait in `pending`, first in first out. Default: `Infinity`. */
  readonly concurrency?: number | undefined;
  /** How long a finished task stays readable, in ms. Default: `Infinity` (kept until deleted by you). */
  readonly retention?: number | undefined;
  /** An XState inspection observer: it sees the registry and every task actor (`@statelyai/inspect`). */
  readonly inspect?: InspectOption | undefined;
  /**
   * How long one store call may take, in ms, before it counts as failed (`StoreError`): a call
   * waiting for its write rejects, a read rejects, and the write is retried. Default: 10,000.
   */
  readonly storeTimeout?: number | undefined;
}

/** Options of `create`. */
export interface CreateOptions {
  /** Free-form data kept with the task, copied and frozen. */
  readonly metadata?: TaskMetadata | undefined;
  /** This task's retention after it ends, in ms; overrides the manager's `retention`. */
  readonly ttl?: number | undefined;
}

/** What a work gets when `run()` starts it. */
export interface WorkContext {
  /** The task's id. */
  readonly id: string;
  /** Aborted when the task is cancelled, times out, fails from outside, or the manager is disposed. */
  readonly signal: AbortSignal;
  /** Reports progress from 0 to 1; ignored once the task has ended. */
  progress(value: number, message?: string): void;
  /**
   * Asks the task's client something and resolves with the answer: the task shows the request
   * (`inputRequests`, `awaiting`) until `respond()` (MCP `tasks/update`, an A2A follow-up message)
   * or `resume()` answers it. Rejects with the signal's reason when the task ends first.
   *
   * @example
   * ```ts
   * const tasks = createTaskManager();
   * const { id } = await tasks.run(async ({ ask }) => {
   *   const answer = await ask<{ action: string }>({
   *     message: 'Deploy to production?',
   *     request: { method: 'elicitation/create', params: { message: 'Deploy to production?' } },
   *   });
   *   return answer.action;
   * });
   * const [key] = Object.keys((await tasks.get(id)).inputRequests ?? {});
   * if (key !== undefined) await tasks.respond(id, { [key]: { action: 'accept' } });
   * (await tasks.wait(id)).result; // 'accept'
   * ```
   */
  ask<T = unknown>(options?: InputRequest): Promise<T>;
  /** Opens an input request nobody awaits here (answered by `respond` or `resume`). Ignored once ended. */
  requestInput(options?: InputRequest): void;
  /** Answers every open input request with `message`. Ignored when none is open, or once ended. */
  resume(message?: string): void;
}

/** What a task waits for from its client. */
export interface InputRequest {
  /** `input` (default) or `auth`. */
  readonly need?: TaskAwaiting | undefined;
  /** Shown to the client, e.g. the question; becomes the task's `message`. */
  readonly message?: string | undefined;
  /** The protocol's payload for the client, e.g. MCP `{ method: 'elicitation/create', params }`. JSON data. */
  readonly request?: unknown;
}

/** The work `run()` runs: its value completes the task, its rejection fails it. */
export type TaskWork<T = unknown> = (context: WorkContext) => T | PromiseLike<T>;

/** Options of `run`. */
export interface RunOptions extends CreateOptions {
  /** The task's id. Default: a random UUID (also where `crypto.randomUUID` is missing: plain-HTTP pages). */
  readonly id?: string | undefined;
  /** Cancels the task when it aborts. */
  readonly signal?: AbortSignal | undefined;
  /** Fails the task with `TaskTimeoutError` this many ms after its work starts (not while it waits for a slot). */
  readonly timeout?: number | undefined;
}

/** Which tasks `list` returns. */
export interface ListFilter {
  readonly state?: TaskState | readonly TaskState[] | undefined;
}

/** Options of `page`. */
export interface PageOptions {
  /** `nextCursor` of the previous page; absent for the first page. */
  readonly cursor?: string | undefined;
  /** Tasks per page, from 1 to 1000. Default: 100. */
  readonly limit?: number | undefined;
  /** Only tasks in this state. */
  readonly state?: TaskState | undefined;
}

/** Options of `wait`. */
export interface WaitOptions {
  /** Stops waiting (the promise rejects with the signal's reason); the task itself goes on. */
  readonly signal?: AbortSignal | undefined;
}

type Listener = (snapshot: TaskSnapshot) => void;

/** A live task: its actor and the manager's view of it. Removed once the task ends. */
interface Live {
  readonly actor: TaskActorRef;
  snapshot: TaskSnapshot;
  listeners: Set<Listener> | undefined;
  /** Stops listening to the outside `signal` of `run()`. */
  detach: (() => void) | undefined;
  /** How many input requests it has opened: the next key is `r` and one more. */
  asked: number;
  /** The work's `ask()`s waiting for their answers, by request key. */
  asks: Map<string, Ask> | undefined;
}

interface Ask {
  resolve(answer: unknown): void;
  reject(reason: unknown): void;
}

/** A dispatched event waiting for the snapshot it makes (found by the event's `ref`). */
interface Capture {
  readonly ref: number;
  snapshot: TaskSnapshot | undefined;
  /** Set when the event was queued behind the one its actor is processing. */
  settle: ((snapshot: TaskSnapshot) => void) | undefined;
}

/** What the delivery queue hands out, in order: a task's change, or a task's deletion. */
/** One shape for all three, so the delivery loop stays monomorphic (it runs once per change). */
interface Delivery {
  /** The local task that changed, for its listeners; undefined for another process's change. */
  readonly live: Live | undefined;
  /** The change, for `changes$`; undefined for a deletion. */
  readonly snapshot: TaskSnapshot | undefined;
  /** The id of a deleted task. */
  readonly deleted: string | undefined;
}

const CREATE_OPTIONS = ['metadata', 'ttl'] as const;
const RUN_OPTIONS = ['id', 'signal', 'timeout', 'metadata', 'ttl'] as const;
const MANAGER_OPTIONS = ['store', 'clock', 'concurrency', 'retention', 'inspect', 'storeTimeout'] as const;
const PAGE_OPTIONS = ['cursor', 'limit', 'state'] as const;
const MAX_PAGE = 1000;
const DEFAULT_STORE_TIMEOUT = 10_000;

/**
 * The task manager: creates, tracks, runs and cancels tasks, one XState actor each, owned by one
 * registry actor. Make one with `createTaskManager`.
 */
export class TaskManager {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #timers: TimerQueue;
  readonly #writer: StoreWriter;
  readonly #signals = new SignalFanout();
  readonly #retention: number;
  readonly #storeTimeout: number;
  readonly #registry: Actor<typeof registryMachine>;
  readonly #machine: typeof taskMachine;
  readonly #live = new Map<string, Live>();
  /** Ids whose first write is under way: taken, not yet live. */
  readonly #creating = new Map<string, Promise<unknown>>();
  readonly #timeouts = new Map<string, TimerHandle>();
  readonly #changes = new Subject<TaskSnapshot>();
  readonly #deletions = new Subject<string>();
  readonly #errors = new Subject<StoreError>();
  #disposed = false;
  #disposing: Promise<void> | undefined;
  #idle: (() => void) | undefined;
  #ref = 0;
  #capture: Capture | undefined;
  readonly #queued = new Map<number, Capture>();
  readonly #deliveries: Delivery[] = [];
  #delivering = false;
  /** Processes sharing the store (Redis): commands to other owners, their changes, their deletions. */
  readonly #cluster: TaskCluster | undefined;
  readonly #clusterLinks: Array<() => void> = [];
  /** Local tasks that ended, until the store's echo of their final snapshot came back (not news here). */
  readonly #echoes = new Map<string, { readonly seq: number; readonly at: number }>();

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
    assertOptions('options', options, MANAGER_OPTIONS);
    const store = options.store === undefined ? new MemoryStore() : options.store;
    const clock = options.clock === undefined ? systemClock : options.clock;
    const concurrency = options.concurrency === undefined ? Number.POSITIVE_INFINITY : options.concurrency;
    const retention = options.retention === undefined ? Number.POSITIVE_INFINITY : options.retention;
    const storeTimeout = options.storeTimeout === undefined ? DEFAULT_STORE_TIMEOUT : options.storeTimeout;
    assertStore(store);
    assertClock(clock);
    if (!(concurrency === Number.POSITIVE_INFINITY || (Number.isInteger(concurrency) && concurrency >= 1))) {
      throw new InvalidArgumentError(
        `Expected \`concurrency\` to be a whole number from 1 and up, or Infinity, got ${describe(concurrency)}`,
      );
    }
    assertDuration('retention', retention, true);
    assertDuration('storeTimeout', storeTimeout);
    const inspect = options.inspect;
    if (inspect !== undefined && typeof inspect !== 'function' && (typeof inspect !== 'object' || inspect === null)) {
      throw new InvalidArgumentError(
        `Expected \`inspect\` to be an XState inspection observer, got ${describe(inspect)}`,
      );
    }
    this.#store = store;
    this.#clock = clock;
    this.#retention = retention;
    this.#storeTimeout = storeTimeout;
    this.#timers = new TimerQueue(clock);
    this.#writer = new StoreWriter({
      store,
      timers: this.#timers,
      now: () => this.#clock.now(),
      timeout: storeTimeout,
      // A shared store publishes each write to the other processes: they must see every change.
      everySnapshot: isClusterStore(store),
      onError: (error) => this.#errors.next(error),
      // A shared store announces every deletion to every process, this one included.
      onDeleted: (id) => {
        if (this.#cluster === undefined) this.#deliver({ live: undefined, snapshot: undefined, deleted: id });
      },
    });
    this.#machine = taskMachine.provide({
      actions: {
        armTimeout: ({ context, self }) => {
          if (context.timeout === undefined) return;
          const at = (context.startedAt ?? this.#clock.now()) + context.timeout;
          const handle = this.#timers.schedule(at, () => self.send({ type: 'task.timeout', at }), true);
          this.#timeouts.set(context.id, handle);
        },
        disarmTimeout: ({ context }) => {
          const handle = this.#timeouts.get(context.id);
          if (handle === undefined) return;
          this.#timeouts.delete(context.id);
          this.#timers.cancel(handle);
        },
      },
    });
    this.#registry = createActor(registryMachine, {
      input: { concurrency },
      ...(inspect === undefined ? {} : { inspect }),
    });
    this.#registry.start();
    this.changes$ = this.#changes.asObservable();
    this.deletions$ = this.#deletions.asObservable();
    this.errors$ = this.#errors.asObservable();
    this.#cluster = isClusterStore(store) ? store.cluster : undefined;
    if (this.#cluster !== undefined) this.#join(this.#cluster);
  }

  /** Runs the commands other processes send to this one's tasks, and follows their changes. */
  #join(cluster: TaskCluster): void {
    this.#clusterLinks.push(cluster.onCommand((command) => this.#runCommand(command)));
    const events: Subscription = cluster.followAll().subscribe((event) => this.#clusterEvent(event));
    this.#clusterLinks.push(() => events.unsubscribe());
  }

  /** A command from another process for a task this one owns: through the chart, like a local call. */
  async #runCommand(command: TaskCommand): Promise<TaskSnapshot> {
    const { id } = command;
    await this.#creating.get(id);
    const live = this.#live.get(id);
    if (live === undefined) {
      const found = await this.#find(id);
      throw new InvalidTransitionError(id, found.state, `task.${command.method}`);
    }
    return this.#dispatch(
      id,
      fromCommand(command, this.#clock.now(), () => `r${++live.asked}`),
    );
  }

  /** Another process's change or deletion; the echo of this process's own changes is dropped. */
  #clusterEvent(event: ClusterEvent): void {
    if (event.kind === 'deleted') {
      this.#deliver({ live: undefined, snapshot: undefined, deleted: event.id });
      return;
    }
    const { snapshot } = event;
    if (this.#live.has(snapshot.id) || this.#creating.has(snapshot.id)) return;
    const echo = this.#echoes.get(snapshot.id);
    if (echo !== undefined && snapshot.seq <= echo.seq) {
      if (snapshot.seq === echo.seq) this.#echoes.delete(snapshot.id);
      return;
    }
    this.#deliver({ live: undefined, snapshot, deleted: undefined });
  }

  /** The registry actor, which owns every live task actor: for inspection and `@xstate/react`. */
  get registry(): RegistryActorRef {
    return this.#registry;
  }

  /**
   * A live task's XState actor, or `undefined` once the task has ended (its actor is stopped) or
   * was never created. Read it, subscribe to it, or use it with `@xstate/react`'s `useSelector`.
   */
  actor(id: string): TaskActorRef | undefined {
    return this.#live.get(id)?.actor;
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
    assertTaskId(id);
    assertOptions('options', options, CREATE_OPTIONS);
    const metadata = toMetadata(options?.metadata);
    const ttl = this.#ttl(options?.ttl);
    return this.#spawn(id, { metadata, ttl, work: undefined, timeout: undefined, signal: undefined });
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
    if (typeof work !== 'function') {
      throw new InvalidArgumentError(`Expected \`work\` to be a function, got ${describe(work)}`);
    }
    assertOptions('options', options, RUN_OPTIONS);
    const id = options?.id === undefined ? randomId() : options.id;
    assertTaskId(id);
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new InvalidArgumentError(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
    }
    const timeout = options?.timeout;
    if (timeout !== undefined) assertDuration('timeout', timeout);
    const metadata = toMetadata(options?.metadata);
    const ttl = this.#ttl(options?.ttl);
    return this.#spawn(id, {
      metadata,
      ttl,
      work: work as TaskWork,
      timeout,
      signal,
    });
  }

  /** The task's latest snapshot; `TaskNotFoundError` if there is none, `StoreError` if the store failed. */
  async get(id: string): Promise<TaskSnapshot> {
    assertTaskId(id);
    return this.#find(id);
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
    const live = this.#live.get(id);
    if (live !== undefined) return live.snapshot;
    if (typeof id !== 'string') return undefined;
    const pending = this.#writer.latest(id);
    if (pending !== undefined) return pending ?? undefined;
    try {
      const stored = this.#store.load(id);
      if (!isPromise(stored)) return stored;
      stored.then(undefined, (error: unknown) => this.#readFailed('load', id, error));
    } catch (error) {
      this.#readFailed('load', id, error);
    }
    return undefined;
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
    assertOptions('filter', filter, ['state']);
    const state = filter?.state;
    let wanted: (task: TaskSnapshot) => boolean = () => true;
    let one: TaskState | undefined;
    if (typeof state === 'string' || (state !== undefined && !Array.isArray(state))) {
      assertState('state', state);
      one = state;
      wanted = (task) => task.state === one;
    } else if (Array.isArray(state)) {
      for (const each of state) assertState('state', each);
      const states = new Set<TaskState>(state);
      wanted = (task) => states.has(task.state);
    }
    const tasks = await this.#read('loadAll', undefined, () => this.#store.loadAll(one));
    return this.#fresh(one === undefined && state !== undefined ? tasks.filter(wanted) : tasks, wanted);
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
    assertOptions('options', options, PAGE_OPTIONS);
    const limit = options?.limit === undefined ? 100 : options.limit;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new InvalidArgumentError(
        `Expected \`limit\` to be a whole number from 1 to ${MAX_PAGE}, got ${describe(limit)}`,
      );
    }
    const cursor = options?.cursor;
    if (cursor !== undefined && typeof cursor !== 'string') {
      throw new InvalidArgumentError(`Expected \`cursor\` to be a cursor returned by page(), got ${describe(cursor)}`);
    }
    const state = options?.state;
    if (state !== undefined) assertState('state', state);
    const page = await this.#read('page', undefined, () => this.#store.page({ cursor, limit, state }));
    if (this.#writer.pending === 0) return page;
    const tasks = this.#fresh(page.tasks, (task) => state === undefined || task.state === state);
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
    return this.#dispatch(id, { type: 'task.progress', progress, message, at: this.#clock.now(), ref: ++this.#ref });
  }

  /** Completes the task with `result` (JSON data, copied and frozen): progress becomes 1 and `completedAt` is set. */
  async complete(id: string, result?: unknown): Promise<TaskSnapshot> {
    this.#assertLive('complete');
    assertTaskId(id);
    const data = toData('result', result);
    return this.#dispatch(id, { type: 'task.complete', result: data, at: this.#clock.now(), ref: ++this.#ref });
  }

  /** Fails the task with `error` (an Error, or a message string that becomes one); a running work is aborted. */
  async fail(id: string, error: Error | string): Promise<TaskSnapshot> {
    this.#assertLive('fail');
    assertTaskId(id);
    if (!(error instanceof Error) && typeof error !== 'string') {
      throw new InvalidArgumentError(`Expected \`error\` to be an Error or a message string, got ${describe(error)}`);
    }
    return this.#dispatch(id, { type: 'task.fail', error: toError(error), at: this.#clock.now(), ref: ++this.#ref });
  }

  /** Cancels the task; a running work's signal is aborted, a waiting one never starts. */
  async cancel(id: string, reason?: string): Promise<TaskSnapshot> {
    this.#assertLive('cancel');
    assertTaskId(id);
    assertOptionalString('reason', reason);
    return this.#dispatch(id, { type: 'task.cancel', reason, at: this.#clock.now(), ref: ++this.#ref });
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
    return this.#dispatch(id, this.#requestEvent(this.#live.get(id), options));
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
    if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) {
      throw new InvalidArgumentError(
        `Expected \`answers\` to be an object of answers by request key, got ${describe(answers)}`,
      );
    }
    return this.#dispatch(id, { type: 'task.respond', answers: { ...answers }, at: this.#clock.now() });
  }

  /** Answers every open input request of a task with `message`, which becomes its message. */
  async resume(id: string, message?: string): Promise<TaskSnapshot> {
    this.#assertLive('resume');
    assertTaskId(id);
    assertOptionalString('message', message);
    return this.#dispatch(id, { type: 'task.resume', message, at: this.#clock.now(), ref: ++this.#ref });
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
    const live = this.#live.get(id);
    if (live !== undefined || this.#creating.has(id)) {
      throw new InvalidTransitionError(id, live?.snapshot.state ?? 'pending', 'remove');
    }
    const last = await this.#find(id);
    const existed = await this.#writer.delete(id);
    if (!existed) throw new TaskNotFoundError(id);
    return last;
  }

  /**
   * Resolves with the task's final snapshot once it ends: complete, failed or cancelled alike
   * (failure is data). Rejects only for an unknown id, or when `signal` aborts.
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
    assertOptions('options', options, ['signal']);
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new InvalidArgumentError(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
    }
    signal?.throwIfAborted();
    const live = this.#live.get(id);
    if (live === undefined) {
      const found = await this.#find(id);
      if (isTerminal(found.state) || this.#cluster === undefined) return found;
      return this.#waitElsewhere(found, signal);
    }
    return new Promise<TaskSnapshot>((resolve, reject) => {
      const onAbort = () => {
        live.listeners?.delete(listener);
        reject(signal?.reason);
      };
      const listener: Listener = (snapshot) => {
        if (!isTerminal(snapshot.state)) return;
        signal?.removeEventListener('abort', onAbort);
        resolve(snapshot);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#listen(live, listener);
    });
  }

  /** Waits for a task another process owns to end, following its changes. */
  #waitElsewhere(found: TaskSnapshot, signal: AbortSignal | undefined): Promise<TaskSnapshot> {
    const cluster = this.#cluster as TaskCluster;
    return new Promise<TaskSnapshot>((resolve, reject) => {
      const onAbort = () => {
        follow.unsubscribe();
        reject(signal?.reason);
      };
      const follow = cluster.follow(found.id, found.seq + 1).subscribe({
        next: (snapshot) => {
          if (!isTerminal(snapshot.state)) return;
          signal?.removeEventListener('abort', onAbort);
          resolve(snapshot);
        },
        // Deleted before it ended (its retention cannot end first), or the store closed.
        complete: () => {
          signal?.removeEventListener('abort', onAbort);
          this.#find(found.id).then(resolve, reject);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
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
      const live = this.#live.get(id);
      if (live === undefined) {
        let follow: Subscription | undefined;
        this.#find(id).then(
          (snapshot) => {
            if (subscriber.closed) return;
            subscriber.next(snapshot);
            // A live task another process owns: its changes, in order, from the next seq on.
            if (isTerminal(snapshot.state) || this.#cluster === undefined) subscriber.complete();
            else follow = this.#cluster.follow(id, snapshot.seq + 1).subscribe(subscriber);
          },
          (error: unknown) => subscriber.error(error),
        );
        return () => follow?.unsubscribe();
      }
      let seq = -1;
      const listener: Listener = (snapshot) => {
        if (snapshot.seq <= seq) return;
        seq = snapshot.seq;
        subscriber.next(snapshot);
        if (isTerminal(snapshot.state)) subscriber.complete();
      };
      this.#listen(live, listener);
      // The current snapshot first, as one delivery: what the subscriber changes meanwhile queues behind it.
      this.#batch(() => listener(live.snapshot));
      return () => live.listeners?.delete(listener);
    });
  }

  /**
   * Ends every live task as `cancelled` (reason `disposed`, works aborted, subscribers completed,
   * waiters resolved), waits for the store's writes under way, stops the registry and the timer,
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
    const at = this.#clock.now();
    // Waiting tasks first: a running one that ends frees a slot, which must not start one of them.
    const live = [...this.#live.values()];
    live.sort((a, b) => Number(a.snapshot.state !== 'pending') - Number(b.snapshot.state !== 'pending'));
    this.#batch(() => {
      for (const task of live) task.actor.send({ type: 'task.cancel', reason: 'disposed', at });
      this.#registry.send({ type: 'registry.dispose', at });
    });
    // From inside a callback, an actor busy with an event takes the cancel after it: wait for that.
    await Promise.allSettled(this.#creating.values());
    if (this.#live.size > 0) {
      await new Promise<void>((resolve) => {
        this.#idle = resolve;
      });
    }
    this.#registry.stop();
    await this.#writer.close();
    for (const unlink of this.#clusterLinks.splice(0)) unlink();
    // A shared store's connections and lease are the manager's to end: the call site never holds it.
    const closable = this.#store as Store & { close?: () => Promise<void> };
    if (this.#cluster !== undefined && typeof closable.close === 'function') await closable.close().catch(noop);
    this.#timers.clear();
    this.#changes.complete();
    this.#deletions.complete();
    this.#errors.complete();
  }

  #assertLive(method: string): void {
    if (this.#disposed) throw new ManagerDisposedError(method);
  }

  #ttl(ttl: unknown): number | undefined {
    if (ttl !== undefined) assertDuration('ttl', ttl, true);
    const effective = ttl === undefined ? this.#retention : (ttl as number);
    return effective === Number.POSITIVE_INFINITY ? undefined : effective;
  }

  /** The task's snapshot: live, else written but not yet confirmed by the store, else the store's. */
  async #find(id: string): Promise<TaskSnapshot> {
    const live = this.#live.get(id);
    if (live !== undefined) return live.snapshot;
    const pending = this.#writer.latest(id);
    if (pending === null) throw new TaskNotFoundError(id);
    if (pending !== undefined) return pending;
    const stored = await this.#read('load', id, () => this.#store.load(id));
    // Looked again: the task may have been created, or written, while the store answered.
    const newer = this.#live.get(id)?.snapshot ?? this.#writer.latest(id);
    if (newer === null) throw new TaskNotFoundError(id);
    if (newer !== undefined && (stored === undefined || newer.seq >= stored.seq)) return newer;
    if (stored === undefined) throw new TaskNotFoundError(id);
    return stored;
  }

  /** A store read: its answer, or a `StoreError` (published on `errors$`) when it throws, rejects or times out. */
  #read<T>(operation: StoreOperation, id: string | undefined, call: () => MaybePromise<T>): MaybePromise<T> {
    let answer: MaybePromise<T>;
    try {
      answer = call();
    } catch (error) {
      throw this.#readFailed(operation, id, error);
    }
    if (!isPromise(answer)) return answer;
    const timedOut = () => new Error(`no answer within ${this.#storeTimeout} ms`);
    return bounded(
      answer,
      { timers: this.#timers, now: () => this.#clock.now(), timeout: this.#storeTimeout },
      timedOut,
    ).then(undefined, (error: unknown) => {
      throw this.#readFailed(operation, id, error);
    });
  }

  #readFailed(operation: StoreOperation, id: string | undefined, cause: unknown): StoreError {
    // A store's own typed errors (a cursor it did not issue) are the caller's mistake, not a failure.
    if (cause instanceof InvalidArgumentError) throw cause;
    const error = new StoreError(operation, { taskId: id }, cause);
    if (!this.#disposed || this.#errors.observed) this.#errors.next(error);
    return error;
  }

  /** Store answers overlaid with what the store has not confirmed yet (read your writes). */
  #fresh(tasks: TaskSnapshot[] | readonly TaskSnapshot[], wanted: (task: TaskSnapshot) => boolean): TaskSnapshot[] {
    if (this.#writer.pending === 0) return tasks as TaskSnapshot[];
    const fresh: TaskSnapshot[] = [];
    for (const task of tasks) {
      const pending = this.#writer.latest(task.id);
      if (pending === null) continue;
      const newest = pending !== undefined && pending.seq > task.seq ? pending : task;
      if (wanted(newest)) fresh.push(newest);
    }
    return fresh;
  }

  #spawn(
    id: string,
    options: {
      metadata: TaskMetadata | undefined;
      ttl: number | undefined;
      work: TaskWork | undefined;
      timeout: number | undefined;
      signal: AbortSignal | undefined;
    },
  ): MaybePromise<TaskSnapshot> {
    if (this.#live.has(id) || this.#creating.has(id) || this.#writer.latest(id) !== undefined) {
      throw new TaskExistsError(id);
    }
    const { work, signal } = options;
    // A signal aborted before run() makes a task that is cancelled at once and whose work never starts.
    const runner = work === undefined || signal?.aborted ? undefined : this.#runner(id, work);
    const created: TaskActorRef = createActor(this.#machine, {
      parent: this.#registry,
      id: TASK_ACTOR_ID,
      input: {
        id,
        at: this.#clock.now(),
        metadata: options.metadata,
        ttl: options.ttl,
        timeout: options.timeout,
        work: runner,
      },
    });
    const first = toTaskSnapshot(created.getSnapshot());
    // The store first: a task exists once it is stored (another process can read it), and a
    // failed first write leaves nothing behind.
    const inserted = this.#writer.insert(first);
    const start = (fresh: boolean): MaybePromise<TaskSnapshot> => {
      if (!fresh) throw new TaskExistsError(id);
      if (this.#disposed) {
        this.#writer.delete(id);
        throw new ManagerDisposedError('create');
      }
      return this.#start(created, first, signal);
    };
    if (!isPromise(inserted)) return start(inserted);
    const settled = inserted.finally(() => this.#creating.delete(id));
    this.#creating.set(id, settled.catch(noop));
    return settled.then(start);
  }

  #start(actor: TaskActorRef, first: TaskSnapshot, signal: AbortSignal | undefined): MaybePromise<TaskSnapshot> {
    const { id } = first;
    const live: Live = { actor, snapshot: first, listeners: undefined, detach: undefined, asked: 0, asks: undefined };
    this.#live.set(id, live);
    // One delivery batch: `changes$` sees seq 0 before the start the registry gives it, and a
    // listener's reaction to either comes after both.
    this.#batch(() => {
      this.#deliver({ live, snapshot: first, deleted: undefined });
      // A plain function, not an observer object: XState binds each handler of an object, which
      // measured 1.5 KB per task against 0.16 KB for a function.
      actor.subscribe((snapshot) => this.#changed(live, snapshot));
      this.#registry.send({ type: 'registry.create', task: actor, at: first.createdAt });
      if (signal !== undefined && this.#live.has(id)) {
        live.detach = this.#signals.add(signal, () => this.#cancelQuietly(id, abortMessage(signal.reason)));
      }
    });
    return this.#durable(live.snapshot);
  }

  /** Resolves with `snapshot` once the store holds it (at once for a store that answers at once). */
  #durable(snapshot: TaskSnapshot): MaybePromise<TaskSnapshot> {
    const written = this.#writer.durable(snapshot.id, snapshot.seq);
    return written === undefined ? snapshot : written.then(() => snapshot);
  }

  /** The work runner a task's `working` state invokes: it never rejects, its outcome is data. */
  #runner(id: string, work: TaskWork): TaskWorkRunner {
    const controller = new AbortController();
    const clock = this.#clock;
    // What the work reports goes through the chart like any event; once the task ended, or for an
    // event its state refuses (resume while not waiting), it is a silent no-op: the work may not know yet.
    const send = (event: TaskEvent) => {
      const live = this.#live.get(id);
      if (controller.signal.aborted || live === undefined) return;
      const snapshot = live.actor.getSnapshot();
      if (snapshot.status === 'active' && snapshot.can(event)) live.actor.send(event);
    };
    const context: WorkContext = {
      id,
      signal: controller.signal,
      progress: (value, message) => {
        assertProgress(value);
        assertOptionalString('message', message);
        send({ type: 'task.progress', progress: value, message, at: clock.now() });
      },
      ask: <T>(options?: InputRequest) =>
        new Promise<T>((resolve, reject) => {
          const live = this.#live.get(id);
          if (live === undefined || controller.signal.aborted) {
            reject(
              controller.signal.reason ?? new InvalidTransitionError(id, this.peek(id)?.state ?? 'complete', 'ask'),
            );
            return;
          }
          const event = this.#requestEvent(live, options);
          if (event.type !== 'task.requestInput') return;
          if (live.asks === undefined) live.asks = new Map();
          live.asks.set(event.key, { resolve: resolve as (answer: unknown) => void, reject });
          send(event);
        }),
      requestInput: (options) => {
        const live = this.#live.get(id);
        if (live !== undefined) send(this.#requestEvent(live, options));
      },
      resume: (message) => {
        assertOptionalString('message', message);
        send({ type: 'task.resume', message, at: clock.now() });
      },
    };
    return {
      run: async (stop) => {
        stop.addEventListener('abort', () => controller.abort(stop.reason), { once: true });
        try {
          const value = await work(context);
          return { ok: true, value: toData('result', value), at: clock.now() } satisfies WorkOutcome;
        } catch (error) {
          return { ok: false, error: toError(error), at: clock.now() } satisfies WorkOutcome;
        }
      },
      abort: (reason) => controller.abort(reason),
    };
  }

  /**
   * Sends a call's event and answers with the snapshot that event made, once the store holds it.
   *
   * Every event carries a fresh `ref`, which the chart copies into the snapshot it makes. Sent
   * from outside the actor, the event is processed inside `send()`. Sent from inside it (a work's
   * abort listener, a subscriber), XState queues it behind the event being processed and runs it
   * before that `send()` returns to its caller; a microtask later, a `ref` no snapshot carried was
   * refused by the chart: `InvalidTransitionError`, from the state that refused it.
   */
  #dispatch(id: string, event: TaskEvent): MaybePromise<TaskSnapshot> {
    const live = this.#live.get(id);
    if (live === undefined) return this.#elsewhere(id, event);
    // Answers to no open request change nothing: the answer is the task as it is.
    if (event.type === 'task.respond' && !live.actor.getSnapshot().can(event)) return live.snapshot;
    const ref = event.ref ?? ++this.#ref;
    const capture: Capture = { ref, snapshot: undefined, settle: undefined };
    const outer = this.#capture;
    this.#capture = capture;
    try {
      live.actor.send(event.ref === undefined ? { ...event, ref } : event);
    } finally {
      this.#capture = outer;
    }
    if (capture.snapshot !== undefined) return this.#durable(capture.snapshot);
    const body = event;
    return new Promise<TaskSnapshot>((resolve, reject) => {
      capture.settle = (snapshot) => resolve(this.#durable(snapshot));
      this.#queued.set(capture.ref, capture);
      queueMicrotask(() => {
        if (!this.#queued.delete(capture.ref)) return;
        reject(new InvalidTransitionError(id, live.snapshot.state, body.type));
      });
    });
  }

  /**
   * A call for a task that is not live here: one being created waits for its creation; one another
   * process owns gets the event through that process's chart (a shared store); a finished one
   * refuses it.
   */
  async #elsewhere(id: string, body: TaskEvent): Promise<TaskSnapshot> {
    const creating = this.#creating.get(id);
    if (creating !== undefined) {
      await creating;
      if (this.#live.has(id)) return this.#dispatch(id, body);
    }
    const cluster = this.#cluster;
    if (cluster === undefined || this.#writer.latest(id) !== undefined) {
      const found = await this.#find(id);
      if (isTerminal(found.state) || cluster !== undefined)
        throw new InvalidTransitionError(id, found.state, body.type);
      throw new TaskUnreachableError(id, 'this store carries no commands between managers (tooltask/redis does)');
    }
    let outcome: Awaited<ReturnType<TaskCluster['send']>>;
    try {
      outcome = await cluster.send(toCommand(id, body));
    } catch (error) {
      // The owner's own answer (InvalidTransitionError, InvalidArgumentError…) stands as it is.
      if (error instanceof TooltaskError && !(error instanceof StoreError)) throw error;
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new TaskUnreachableError(id, 'its owner did not answer in time', { cause: error });
      }
      throw this.#readFailed('send', id, error);
    }
    if (outcome.status === 'answered') return outcome.snapshot;
    if (outcome.status === 'final') throw new InvalidTransitionError(id, outcome.snapshot.state, body.type);
    throw new TaskNotFoundError(id);
  }

  #requestEvent(live: Live | undefined, options: InputRequest | undefined): TaskEvent {
    // Only a live task can take a request; a finished one refuses it in #dispatch, whatever its key.
    return requestInputEvent(options, this.#clock.now(), () => (live === undefined ? 'r0' : `r${++live.asked}`));
  }

  #cancelQuietly(id: string, reason: string): void {
    const live = this.#live.get(id);
    // No call waits for it, and the chart may refuse it (the task ended meanwhile): quietly.
    if (live !== undefined) live.actor.send({ type: 'task.cancel', reason, at: this.#clock.now() });
  }

  #listen(live: Live, listener: Listener): void {
    if (live.listeners === undefined) live.listeners = new Set();
    live.listeners.add(listener);
  }

  /** A task actor's new snapshot: the manager's record, the store, the call that made it, then the readers. */
  #changed(live: Live, machineSnapshot: TaskMachineSnapshot): void {
    const context = machineSnapshot.context;
    if (context.seq === live.snapshot.seq) return;
    const snapshot = toTaskSnapshot(machineSnapshot);
    live.snapshot = snapshot;
    const ref = context.ref;
    if (ref !== undefined) {
      if (this.#capture?.ref === ref) this.#capture.snapshot = snapshot;
      else if (this.#queued.size > 0) {
        const queued = this.#queued.get(ref);
        if (queued !== undefined) {
          this.#queued.delete(ref);
          queued.settle?.(snapshot);
        }
      }
    }
    const ended = isTerminal(snapshot.state);
    if (ended) {
      this.#live.delete(snapshot.id);
      live.detach?.();
    }
    this.#writer.save(snapshot);
    if (live.asks !== undefined) settleAsks(live, machineSnapshot, ended);
    this.#deliver({ live, snapshot, deleted: undefined });
  }

  /** Queues a delivery; delivers the queue unless a delivery is under way (it will). */
  #deliver(delivery: Delivery): void {
    this.#deliveries.push(delivery);
    if (!this.#delivering) this.#drain();
  }

  /** Runs `body` as part of one delivery: what it (or a reader it calls) queues is delivered after it. */
  #batch(body: () => void): void {
    if (this.#delivering) {
      body();
      return;
    }
    this.#delivering = true;
    try {
      body();
    } finally {
      this.#delivering = false;
    }
    this.#drain();
  }

  /**
   * Hands every queued change to its task's readers and `changes$`, first in first out: a change
   * a reader makes while handling one is queued behind it, so every reader sees changes in the
   * order they happened, and each call of a reader returns before the next begins.
   */
  #drain(): void {
    if (this.#delivering) return;
    this.#delivering = true;
    const queue = this.#deliveries;
    try {
      for (let index = 0; index < queue.length; index++) {
        const { live, snapshot, deleted } = queue[index] as Delivery;
        if (snapshot === undefined) {
          if (this.#deletions.observed) this.#deletions.next(deleted as string);
          continue;
        }
        if (live?.listeners !== undefined) for (const listener of live.listeners) listener(snapshot);
        if (this.#changes.observed) this.#changes.next(snapshot);
        if (live !== undefined && isTerminal(snapshot.state)) this.#ended(live, snapshot);
      }
    } finally {
      queue.length = 0;
      this.#delivering = false;
    }
  }

  #ended(live: Live, snapshot: TaskSnapshot): void {
    live.listeners = undefined;
    if (this.#cluster !== undefined) this.#expectEcho(snapshot);
    this.#expire(snapshot);
    if (this.#idle !== undefined && this.#live.size === 0) {
      const idle = this.#idle;
      this.#idle = undefined;
      idle();
    }
  }

  /** Remembers a local task's final seq until the store's event for it comes back (at most a minute). */
  #expectEcho(snapshot: TaskSnapshot): void {
    const now = this.#clock.now();
    for (const [id, echo] of this.#echoes) {
      if (now - echo.at < 60_000) break;
      this.#echoes.delete(id);
    }
    this.#echoes.set(snapshot.id, { seq: snapshot.seq, at: now });
  }

  #expire(snapshot: TaskSnapshot): void {
    const { ttl, id } = snapshot;
    if (ttl === undefined || this.#store.expires === true) return;
    if (ttl === 0) {
      this.#drop(id);
      return;
    }
    const at = (snapshot.completedAt ?? snapshot.updatedAt) + ttl;
    this.#timers.schedule(at, () => this.#drop(id), false);
  }

  #drop(id: string): void {
    if (this.#live.has(id) || this.#creating.has(id)) return;
    const deleted = this.#writer.delete(id);
    if (isPromise(deleted)) deleted.catch(noop);
  }
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

/** Hands the work's `ask()`s their answers, and rejects those still open once the task ended. */
function settleAsks(live: Live, machineSnapshot: TaskMachineSnapshot, ended: boolean): void {
  const asks = live.asks;
  if (asks === undefined) return;
  const answered = machineSnapshot.context.answered;
  if (answered !== undefined) {
    for (const key of Object.keys(answered)) {
      asks.get(key)?.resolve(answered[key]);
      asks.delete(key);
    }
  }
  if (!ended) return;
  const { id, state, error, message } = live.snapshot;
  const reason = state === 'cancelled' ? new TaskCancelledError(id, message) : error;
  for (const ask of asks.values()) ask.reject(reason ?? new InvalidTransitionError(id, state, 'task.respond'));
  live.asks = undefined;
}

function abortMessage(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'aborted';
}

function noop(): void {}

function assertStore(store: unknown): asserts store is Store {
  const methods = ['save', 'load', 'loadAll', 'delete', 'page'] as const;
  const candidate = store as Partial<Record<(typeof methods)[number] | 'insert', unknown>> | null;
  const missing = methods.filter((name) => typeof candidate?.[name] !== 'function');
  if (typeof store !== 'object' || store === null || missing.length > 0) {
    throw new InvalidArgumentError(
      `Expected \`store\` to implement ${methods.join(', ')}, got ${describe(store)}${
        missing.length > 0 && typeof store === 'object' && store !== null ? ` missing ${missing.join(', ')}` : ''
      }`,
    );
  }
  if (candidate?.insert !== undefined && typeof candidate.insert !== 'function') {
    throw new InvalidArgumentError(
      `Expected \`store.insert\` to be a function when given, got ${describe(candidate.insert)}`,
    );
  }
}

function assertClock(clock: unknown): asserts clock is Clock {
  const candidate = clock as Partial<Record<'now' | 'setTimeout' | 'clearTimeout', unknown>> | null;
  if (
    typeof clock !== 'object' ||
    clock === null ||
    typeof candidate?.now !== 'function' ||
    typeof candidate.setTimeout !== 'function' ||
    typeof candidate.clearTimeout !== 'function'
  ) {
    throw new InvalidArgumentError(
      `Expected \`clock\` to have now, setTimeout and clearTimeout, got ${describe(clock)}`,
    );
  }
}
