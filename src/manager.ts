import { Observable, Subject } from 'rxjs';
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
import {
  InvalidArgumentError,
  InvalidTransitionError,
  ManagerDisposedError,
  TaskCancelledError,
  TaskExistsError,
  TaskNotFoundError,
} from './errors.js';
import { chain, isPromise } from './maybePromise.js';
import { toTaskSnapshot } from './snapshot.js';
import { MemoryStore } from './store/memory.js';
import type { MaybePromise, Store, TaskPage } from './store/store.js';
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
  /** The task's id. Default: a random UUID. */
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

/** What a dispatch waits for: the snapshot its event makes. */
interface Capture {
  readonly live: Live;
  readonly seq: number;
  snapshot: TaskSnapshot | undefined;
}

const CREATE_OPTIONS = ['metadata', 'ttl'] as const;
const RUN_OPTIONS = ['id', 'signal', 'timeout', 'metadata', 'ttl'] as const;
const MANAGER_OPTIONS = ['store', 'clock', 'concurrency', 'retention', 'inspect'] as const;
const PAGE_OPTIONS = ['cursor', 'limit', 'state'] as const;
const MAX_PAGE = 1000;

/**
 * The task manager: creates, tracks, runs and cancels tasks, one XState actor each, owned by one
 * registry actor. Make one with `createTaskManager`.
 */
export class TaskManager {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #timers: TimerQueue;
  readonly #retention: number;
  readonly #registry: Actor<typeof registryMachine>;
  readonly #machine: typeof taskMachine;
  readonly #live = new Map<string, Live>();
  readonly #timeouts = new Map<string, TimerHandle>();
  readonly #changes = new Subject<TaskSnapshot>();
  #disposed = false;
  #capture: Capture | undefined;

  /** Every change of every task, in order, from now on: no replay of the past. Completes on `dispose()`. */
  readonly changes$: Observable<TaskSnapshot>;

  /** @internal Use `createTaskManager`. */
  constructor(options: TaskManagerOptions = {}) {
    assertOptions('options', options, MANAGER_OPTIONS);
    const { store = new MemoryStore(), clock = systemClock, concurrency = Number.POSITIVE_INFINITY } = options;
    const retention = options.retention ?? Number.POSITIVE_INFINITY;
    assertStore(store);
    assertClock(clock);
    if (!(concurrency === Number.POSITIVE_INFINITY || (Number.isInteger(concurrency) && concurrency >= 1))) {
      throw new InvalidArgumentError(
        `Expected \`concurrency\` to be a whole number from 1 and up, or Infinity, got ${describe(concurrency)}`,
      );
    }
    assertDuration('retention', retention, true);
    if (options.inspect !== undefined && typeof options.inspect !== 'function' && typeof options.inspect !== 'object') {
      throw new InvalidArgumentError(
        `Expected \`inspect\` to be an XState inspection observer, got ${describe(options.inspect)}`,
      );
    }
    this.#store = store;
    this.#clock = clock;
    this.#retention = retention;
    this.#timers = new TimerQueue(clock);
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
      ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
    });
    this.#registry.start();
    this.changes$ = this.#changes.asObservable();
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
    return this.#registry.getSnapshot().context.tasks.get(id);
  }

  /**
   * Creates a task in `pending`. You drive it with `update`, `complete`, `fail` and `cancel`.
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
   * task's first snapshot: `running`, or `pending` while it waits for a concurrency slot.
   *
   * The work's value completes the task; a throw or rejection fails it. Cancel, timeout, an outside
   * `signal` and `dispose()` abort `signal` at once, with a `TaskCancelledError` or
   * `TaskTimeoutError` as its reason; whatever the work does after that changes nothing.
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
    const id = options?.id ?? crypto.randomUUID();
    assertTaskId(id);
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new InvalidArgumentError(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
    }
    const timeout = options?.timeout;
    if (timeout !== undefined) assertDuration('timeout', timeout);
    const metadata = toMetadata(options?.metadata);
    const ttl = this.#ttl(options?.ttl);
    return this.#spawn(id, { metadata, ttl, work: work as TaskWork, timeout, signal });
  }

  /** The task's latest snapshot; `TaskNotFoundError` if there is none. */
  async get(id: string): Promise<TaskSnapshot> {
    assertTaskId(id);
    return this.#live.get(id)?.snapshot ?? this.#find(id);
  }

  /**
   * The task's latest snapshot, synchronously: a live task's always, a finished one's when the
   * store answers at once (the in-memory default does), else `undefined`. Never throws for an
   * unknown id. For render loops and `useSyncExternalStore`, where a Promise will not do.
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
    const stored = this.#store.load(id);
    return isPromise(stored) ? undefined : stored;
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
    if (state === undefined || typeof state === 'string') {
      if (state !== undefined) assertState('state', state);
      return this.#store.loadAll(state);
    }
    if (!Array.isArray(state)) {
      throw new InvalidArgumentError(`Expected \`state\` to be a state or an array of states, got ${describe(state)}`);
    }
    for (const one of state) assertState('state', one);
    const wanted = new Set<TaskState>(state);
    return chain(this.#store.loadAll(), (tasks) => tasks.filter((task) => wanted.has(task.state)));
  }

  /**
   * One page of tasks in creation order, in time proportional to `limit`. Walk with `nextCursor`
   * until it is absent; tasks added during the walk come at its end, none is seen twice.
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
    const limit = options?.limit ?? 100;
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
    return this.#store.page({ cursor, limit, state });
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

  /** Completes the task with `result`: progress becomes 1 and `completedAt` is set. */
  async complete(id: string, result?: unknown): Promise<TaskSnapshot> {
    this.#assertLive('complete');
    assertTaskId(id);
    return this.#dispatch(id, { type: 'task.complete', result, at: this.#clock.now() });
  }

  /** Fails the task with `error` (an Error, or a message string that becomes one); a running work is aborted. */
  async fail(id: string, error: Error | string): Promise<TaskSnapshot> {
    this.#assertLive('fail');
    assertTaskId(id);
    if (!(error instanceof Error) && typeof error !== 'string') {
      throw new InvalidArgumentError(`Expected \`error\` to be an Error or a message string, got ${describe(error)}`);
    }
    return this.#dispatch(id, { type: 'task.fail', error: toError(error), at: this.#clock.now() });
  }

  /** Cancels the task; a running work's signal is aborted, a waiting one never starts. */
  async cancel(id: string, reason?: string): Promise<TaskSnapshot> {
    this.#assertLive('cancel');
    assertTaskId(id);
    assertOptionalString('reason', reason);
    return this.#dispatch(id, { type: 'task.cancel', reason, at: this.#clock.now() });
  }

  /**
   * Marks a running (or pending, manually driven) task as waiting for its client: `awaiting`
   * becomes `input` or `auth` until `resume`. The task stays `running`; MCP shows it as
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
    const live = this.#live.get(id);
    return this.#dispatch(id, this.#requestEvent(live, options));
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
    const event: TaskEvent = { type: 'task.respond', answers: { ...answers }, at: this.#clock.now() };
    const live = this.#live.get(id);
    if (live !== undefined && !live.actor.getSnapshot().can(event)) return live.snapshot;
    return this.#dispatch(id, event);
  }

  /** Answers every open input request of a task with `message`, which becomes its message. */
  async resume(id: string, message?: string): Promise<TaskSnapshot> {
    this.#assertLive('resume');
    assertTaskId(id);
    assertOptionalString('message', message);
    return this.#dispatch(id, { type: 'task.resume', message, at: this.#clock.now() });
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
    if (live === undefined) return this.#find(id);
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

  /**
   * The task's snapshots as an Observable: first the current one, then every change in order, none
   * dropped, completing right after the final one. A finished task gives its final snapshot and
   * completes; an unknown id errors with `TaskNotFoundError`. Nothing runs until you subscribe.
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
        const found = attempt(() => this.#find(id));
        const deliver = (snapshot: TaskSnapshot) => {
          subscriber.next(snapshot);
          subscriber.complete();
        };
        const fail = (error: unknown) => subscriber.error(error);
        if (isPromise(found)) found.then(deliver, fail);
        else if (found instanceof Error) fail(found);
        else deliver(found);
        return;
      }
      let seq = -1;
      const listener: Listener = (snapshot) => {
        if (snapshot.seq <= seq) return;
        seq = snapshot.seq;
        subscriber.next(snapshot);
        if (isTerminal(snapshot.state)) subscriber.complete();
      };
      listener(live.snapshot);
      this.#listen(live, listener);
      return () => live.listeners?.delete(listener);
    });
  }

  /**
   * Ends every live task as `cancelled` (reason `disposed`, works aborted, subscribers completed,
   * waiters resolved), stops the registry and the timer, and completes `changes$`. Finished tasks
   * stay readable; every call that would change a task rejects with `ManagerDisposedError`.
   */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#registry.send({ type: 'registry.dispose', at: this.#clock.now() });
    this.#registry.stop();
    this.#timers.clear();
    this.#changes.complete();
  }

  /** `Symbol.asyncDispose`, for `await using tasks = createTaskManager()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }

  #assertLive(method: string): void {
    if (this.#disposed) throw new ManagerDisposedError(method);
  }

  #ttl(ttl: number | undefined): number | undefined {
    if (ttl !== undefined) assertDuration('ttl', ttl, true);
    const effective = ttl ?? this.#retention;
    return effective === Number.POSITIVE_INFINITY ? undefined : effective;
  }

  #find(id: string): MaybePromise<TaskSnapshot> {
    const live = this.#live.get(id);
    if (live !== undefined) return live.snapshot;
    return chain(this.#store.load(id), (snapshot) => {
      if (snapshot === undefined) throw new TaskNotFoundError(id);
      return snapshot;
    });
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
    if (this.#live.has(id)) throw new TaskExistsError(id);
    return chain(this.#store.load(id), (existing) => {
      // Checked again: a create of the same id may have landed while the store answered.
      if (existing !== undefined || this.#live.has(id)) throw new TaskExistsError(id);
      if (this.#disposed) throw new ManagerDisposedError('create');
      const { work, signal } = options;
      let actor: TaskActorRef | undefined;
      // A signal aborted before run() makes a task that is cancelled at once and whose work never starts.
      const runner = work === undefined || signal?.aborted ? undefined : this.#runner(id, work, () => actor);
      actor = createActor(this.#machine, {
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
      const live: Live = {
        actor,
        snapshot: toTaskSnapshot(actor.getSnapshot()),
        listeners: undefined,
        detach: undefined,
        asked: 0,
        asks: undefined,
      };
      this.#live.set(id, live);
      this.#save(live.snapshot);
      this.#emit(live.snapshot);
      // A plain function, not an observer object: XState binds each handler of an object, which
      // measured 1.5 KB per task against 0.16 KB for a function.
      actor.subscribe((snapshot) => this.#changed(live, snapshot));
      this.#registry.send({ type: 'registry.create', task: actor, at: live.snapshot.createdAt });
      if (signal !== undefined && this.#live.has(id)) {
        const onAbort = () => this.#cancelQuietly(id, abortMessage(signal.reason));
        if (signal.aborted) onAbort();
        else {
          signal.addEventListener('abort', onAbort, { once: true });
          live.detach = () => signal.removeEventListener('abort', onAbort);
        }
      }
      return live.snapshot;
    });
  }

  /** The work runner a task's `working` state invokes: it never rejects, its outcome is data. */
  #runner(id: string, work: TaskWork, actor: () => TaskActorRef | undefined): TaskWorkRunner {
    const controller = new AbortController();
    const clock = this.#clock;
    // What the work reports goes through the chart like any event; once the task ended, or for an
    // event its state refuses (resume while not waiting), it is a silent no-op: the work may not know yet.
    const send = (event: TaskEvent) => {
      const ref = actor();
      if (controller.signal.aborted || ref === undefined) return;
      const snapshot = ref.getSnapshot();
      if (snapshot.status === 'active' && snapshot.can(event)) ref.send(event);
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
              controller.signal.reason ??
                new InvalidTransitionError(id, this.peek(id)?.state ?? 'pending', 'task.requestInput'),
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
          return { ok: true, value, at: clock.now() } satisfies WorkOutcome;
        } catch (error) {
          return { ok: false, error: toError(error), at: clock.now() } satisfies WorkOutcome;
        }
      },
      abort: (reason) => controller.abort(reason),
    };
  }

  #dispatch(id: string, event: TaskEvent): MaybePromise<TaskSnapshot> {
    const live = this.#live.get(id);
    if (live === undefined) {
      return chain(this.#store.load(id), (stored) => {
        if (stored === undefined) throw new TaskNotFoundError(id);
        throw new InvalidTransitionError(id, stored.state, event.type);
      });
    }
    const before = live.snapshot;
    // Send first and read what the actor did: a `can()` before every send computed each transition
    // twice. The answer is the snapshot this event makes (seq + 1), even when a listener reacts to
    // it by changing the task again before send() returns; the slot is saved and restored, so
    // nested calls are safe.
    const outer = this.#capture;
    const capture: Capture = { live, seq: before.seq + 1, snapshot: undefined };
    this.#capture = capture;
    try {
      live.actor.send(event);
    } finally {
      this.#capture = outer;
    }
    if (capture.snapshot !== undefined) return capture.snapshot;
    // Every accepted event bumps `seq`: nothing made means the chart refused the event, or queued it
    // behind the one it is processing. `can()`, on this rare path only, tells the two apart.
    if (!live.actor.getSnapshot().can(event)) throw new InvalidTransitionError(id, before.state, event.type);
    // Sent from inside a listener of this task: XState queued the event behind the one being
    // processed. Answer with the next snapshot, which it produces; not the one being delivered
    // now, which this listener also meets, having joined the set while it is walked.
    return new Promise((resolve) => {
      const listener: Listener = (snapshot) => {
        if (snapshot.seq <= before.seq) return;
        live.listeners?.delete(listener);
        resolve(snapshot);
      };
      this.#listen(live, listener);
    });
  }

  #requestEvent(live: Live | undefined, options: InputRequest | undefined): TaskEvent {
    assertOptions('options', options, ['need', 'message', 'request']);
    const need = options?.need ?? 'input';
    if (need !== 'input' && need !== 'auth') {
      throw new InvalidArgumentError(`Expected \`need\` to be \`input\` or \`auth\`, got ${describe(need)}`);
    }
    assertOptionalString('message', options?.message);
    const request = options?.request === undefined ? undefined : toData('request', options.request);
    // Only a live task can take a request; a finished one refuses it in #dispatch, whatever its key.
    const key = live === undefined ? 'r0' : `r${++live.asked}`;
    return { type: 'task.requestInput', key, need, message: options?.message, request, at: this.#clock.now() };
  }

  #cancelQuietly(id: string, reason: string): void {
    const live = this.#live.get(id);
    const event = { type: 'task.cancel', reason, at: this.#clock.now() } as const;
    if (live?.actor.getSnapshot().can(event)) live.actor.send(event);
  }

  #listen(live: Live, listener: Listener): void {
    if (live.listeners === undefined) live.listeners = new Set();
    live.listeners.add(listener);
  }

  #changed(live: Live, machineSnapshot: TaskMachineSnapshot): void {
    if (machineSnapshot.context.seq === live.snapshot.seq) return;
    const snapshot = toTaskSnapshot(machineSnapshot);
    live.snapshot = snapshot;
    const capture = this.#capture;
    if (capture?.live === live && capture.seq === snapshot.seq) capture.snapshot = snapshot;
    const ended = isTerminal(snapshot.state);
    if (ended) {
      this.#live.delete(snapshot.id);
      live.detach?.();
    }
    this.#save(snapshot);
    if (live.asks !== undefined) settleAsks(live, machineSnapshot, ended);
    if (live.listeners !== undefined) for (const listener of live.listeners) listener(snapshot);
    this.#emit(snapshot);
    if (ended) {
      live.listeners = undefined;
      this.#expire(snapshot);
    }
  }

  #emit(snapshot: TaskSnapshot): void {
    if (this.#changes.observed) this.#changes.next(snapshot);
  }

  #save(snapshot: TaskSnapshot): void {
    const saved = this.#store.save(snapshot);
    if (isPromise(saved)) saved.catch(reportLater);
  }

  #expire(snapshot: TaskSnapshot): void {
    const { ttl, id } = snapshot;
    if (ttl === undefined) return;
    if (ttl === 0) {
      this.#drop(id);
      return;
    }
    const at = (snapshot.completedAt ?? snapshot.updatedAt) + ttl;
    this.#timers.schedule(at, () => this.#drop(id), false);
  }

  #drop(id: string): void {
    if (this.#live.has(id)) return;
    const deleted = this.#store.delete(id);
    if (isPromise(deleted)) deleted.catch(reportLater);
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

function attempt<T>(body: () => MaybePromise<T>): MaybePromise<T> | Error {
  try {
    return body();
  } catch (error) {
    return toError(error);
  }
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
  const { id, state } = live.snapshot;
  const reason = state === 'cancelled' ? new TaskCancelledError(id, live.snapshot.message) : live.snapshot.error;
  for (const ask of asks.values()) ask.reject(reason ?? new InvalidTransitionError(id, state, 'task.respond'));
  live.asks = undefined;
}

function abortMessage(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'aborted';
}

function reportLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  });
}

function assertStore(store: unknown): asserts store is Store {
  const methods = ['save', 'load', 'loadAll', 'delete', 'page'] as const;
  const candidate = store as Partial<Record<(typeof methods)[number], unknown>> | null;
  const missing = methods.filter((name) => typeof candidate?.[name] !== 'function');
  if (typeof store !== 'object' || store === null || missing.length > 0) {
    throw new InvalidArgumentError(
      `Expected \`store\` to implement ${methods.join(', ')}, got ${describe(store)}${
        missing.length > 0 && typeof store === 'object' && store !== null ? ` missing ${missing.join(', ')}` : ''
      }`,
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
