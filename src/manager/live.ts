/**
 * The live tasks: the registry actor, the task actors it owns, and the way in and out of them.
 * Spawns a task (store first, then its actor), dispatches a call's event and answers with the
 * snapshot that very event made, arms and disarms timeouts on the one timer queue, and turns each
 * new actor snapshot into the manager's record, a store write and a delivery.
 *
 * Owns the records of live tasks (and ids being created), the registry, the timeouts and the
 * capture of dispatched events. The statechart decides every change: this room only sends events
 * and reads what the actor did. It never reads the store (Reads does), never delivers by itself
 * (Delivery does) and knows nothing of other processes (the remote room calls in here).
 */
import { type Actor, createActor } from 'xstate';
import { registryMachine, TASK_ACTOR_ID } from '../../machines/registryMachine.js';
import {
  type TaskActorRef,
  type TaskEvent,
  type TaskMachineSnapshot,
  taskMachine,
} from '../../machines/taskMachine.js';
import type { Clock } from '../clock.js';
import { InvalidTransitionError, ManagerDisposedError, TaskExistsError } from '../errors.js';
import { isPromise } from '../maybePromise.js';
import type { SignalFanout } from '../signals.js';
import { toTaskSnapshot } from '../snapshot.js';
import type { MaybePromise } from '../store/store.js';
import type { StoreWriter } from '../store/writer.js';
import { isTerminal, type TaskMetadata, type TaskSnapshot, type TaskState } from '../task.js';
import type { TimerHandle, TimerQueue } from '../timers.js';
import type { Delivery } from './delivery.js';
import type { InspectOption, TaskWork } from './options.js';
import { type LiveTask, settleAsks } from './record.js';
import { type WorkHost, workRunner } from './work.js';

export interface LiveTasksOptions {
  readonly clock: Clock;
  readonly timers: TimerQueue;
  readonly writer: StoreWriter;
  readonly delivery: Delivery<LiveTask>;
  readonly signals: SignalFanout;
  readonly concurrency: number;
  readonly inspect: InspectOption | undefined;
  /** A task's state where known (live, written or stored), for errors about a task that ended. */
  readonly state: (id: string) => TaskState | undefined;
  /** Whether the manager is disposed: a create that lands after that is undone. */
  readonly disposed: () => boolean;
}

/** What `spawn` makes a task with. */
export interface SpawnOptions {
  readonly metadata: TaskMetadata | undefined;
  readonly ttl: number | undefined;
  readonly work: TaskWork | undefined;
  readonly timeout: number | undefined;
  readonly signal: AbortSignal | undefined;
}

/** A dispatched event waiting for the snapshot it makes (found by the event's `ref`). */
interface Capture {
  readonly ref: number;
  snapshot: TaskSnapshot | undefined;
  /** Set when the event was queued behind the one its actor is processing. */
  settle: ((snapshot: TaskSnapshot) => void) | undefined;
}

export class LiveTasks {
  readonly #options: LiveTasksOptions;
  readonly #registry: Actor<typeof registryMachine>;
  readonly #machine: typeof taskMachine;
  readonly #live = new Map<string, LiveTask>();
  /** Ids whose first write is under way: taken, not yet live. */
  readonly #creating = new Map<string, Promise<unknown>>();
  readonly #timeouts = new Map<string, TimerHandle>();
  readonly #queued = new Map<number, Capture>();
  #capture: Capture | undefined;
  #ref = 0;
  #idle: (() => void) | undefined;
  /** What every work runner reads of the live tasks: one object for all of them, not three closures per `run()`. */
  readonly #host: WorkHost = {
    now: () => this.#options.clock.now(),
    record: (id) => this.#live.get(id),
    state: (id) => this.#options.state(id),
  };

  constructor(options: LiveTasksOptions) {
    this.#options = options;
    const { clock, timers } = options;
    this.#machine = taskMachine.provide({
      actions: {
        armTimeout: ({ context, self }) => {
          if (context.timeout === undefined) return;
          const at = (context.startedAt ?? clock.now()) + context.timeout;
          const handle = timers.schedule(at, () => self.send({ type: 'task.timeout', at }), true);
          this.#timeouts.set(context.id, handle);
        },
        disarmTimeout: ({ context }) => {
          const handle = this.#timeouts.get(context.id);
          if (handle === undefined) return;
          this.#timeouts.delete(context.id);
          timers.cancel(handle);
        },
      },
    });
    this.#registry = createActor(registryMachine, {
      input: { concurrency: options.concurrency },
      ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
    });
    this.#registry.start();
  }

  /** The registry actor, owner of every live task actor. */
  get registry(): Actor<typeof registryMachine> {
    return this.#registry;
  }

  /** How many tasks are live. */
  get size(): number {
    return this.#live.size;
  }

  /** A live task's record. */
  record(id: string): LiveTask | undefined {
    return this.#live.get(id);
  }

  /** A live task's latest snapshot. */
  snapshot(id: string): TaskSnapshot | undefined {
    return this.#live.get(id)?.snapshot;
  }

  /** The creation under way for `id` (settles, never rejects), if one is. */
  creating(id: string): Promise<unknown> | undefined {
    return this.#creating.get(id);
  }

  /** The ids of the tasks live here (a copy: safe to end them while walking it). */
  ids(): string[] {
    return [...this.#live.keys()];
  }

  /** Whether `id` is live here or being created. */
  busy(id: string): boolean {
    return this.#live.has(id) || this.#creating.has(id);
  }

  /**
   * Creates a task: its first snapshot goes to the store first (a task exists once it is stored,
   * and a failed first write leaves nothing behind), then its actor starts. Resolves with the
   * snapshot the creation made, once the store holds it.
   */
  spawn(id: string, options: SpawnOptions): MaybePromise<TaskSnapshot> {
    const { writer, clock } = this.#options;
    if (this.busy(id) || writer.latest(id) !== undefined) throw new TaskExistsError(id);
    const { work, signal } = options;
    // A signal aborted before run() makes a task that is cancelled at once and whose work never starts.
    const runner = work === undefined || signal?.aborted ? undefined : workRunner(this.#host, id, work);
    const created: TaskActorRef = createActor(this.#machine, {
      parent: this.#registry,
      id: TASK_ACTOR_ID,
      input: {
        id,
        at: clock.now(),
        metadata: options.metadata,
        ttl: options.ttl,
        timeout: options.timeout,
        work: runner,
      },
    });
    const first = toTaskSnapshot(created.getSnapshot());
    const inserted = writer.insert(first);
    const start = (fresh: boolean): MaybePromise<TaskSnapshot> => {
      if (!fresh) throw new TaskExistsError(id);
      if (this.#options.disposed()) {
        writer.delete(id);
        throw new ManagerDisposedError('create');
      }
      return this.#start(created, first, signal);
    };
    if (!isPromise(inserted)) return start(inserted);
    const settled = inserted.finally(() => this.#creating.delete(id));
    this.#creating.set(id, settled.catch(noop));
    return settled.then(start);
  }

  /**
   * Sends a call's event to a live task and answers with the snapshot that event made, once the
   * store holds it; `undefined` when the task is not live here.
   *
   * Every event carries a fresh `ref`, which the chart copies into the snapshot it makes. Sent
   * from outside the actor, the event is processed inside `send()`. Sent from inside it (a work's
   * abort listener, a subscriber), XState queues it behind the event being processed and runs it
   * before that `send()` returns to its caller; a microtask later, a `ref` no snapshot carried was
   * refused by the chart: `InvalidTransitionError`, from the state that refused it.
   */
  dispatch(id: string, event: TaskEvent): MaybePromise<TaskSnapshot> | undefined {
    const task = this.#live.get(id);
    if (task === undefined) return undefined;
    // Answers to no open request change nothing: the answer is the task as it is.
    if (event.type === 'task.respond' && !task.actor.getSnapshot().can(event)) return task.snapshot;
    const ref = event.ref ?? ++this.#ref;
    const capture: Capture = { ref, snapshot: undefined, settle: undefined };
    const outer = this.#capture;
    this.#capture = capture;
    try {
      task.actor.send(event.ref === undefined ? { ...event, ref } : event);
    } finally {
      this.#capture = outer;
    }
    if (capture.snapshot !== undefined) return this.#durable(capture.snapshot);
    return new Promise<TaskSnapshot>((resolve, reject) => {
      capture.settle = (snapshot) => resolve(this.#durable(snapshot));
      this.#queued.set(capture.ref, capture);
      queueMicrotask(() => {
        if (!this.#queued.delete(capture.ref)) return;
        reject(new InvalidTransitionError(id, task.snapshot.state, event.type));
      });
    });
  }

  /** Sends an event no call waits for, which the chart may refuse (the task ended meanwhile): quietly. */
  sendQuietly(id: string, event: TaskEvent): void {
    this.#live.get(id)?.actor.send(event);
  }

  /**
   * Ends every live task as cancelled (`reason`), waiting ones first (a running one that ends frees
   * a slot, which must not start one of them), and resolves once none is live or being created.
   */
  async cancelAll(reason: string, at: number): Promise<void> {
    const live = [...this.#live.values()];
    live.sort((a, b) => Number(a.snapshot.state !== 'pending') - Number(b.snapshot.state !== 'pending'));
    this.#options.delivery.batch(() => {
      for (const task of live) task.actor.send({ type: 'task.cancel', reason, at });
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
  }

  /** A task's final change reached its readers: `cancelAll` may be waiting for the last one. */
  ended(): void {
    if (this.#idle !== undefined && this.#live.size === 0) {
      const idle = this.#idle;
      this.#idle = undefined;
      idle();
    }
  }

  #start(actor: TaskActorRef, first: TaskSnapshot, signal: AbortSignal | undefined): MaybePromise<TaskSnapshot> {
    const { id } = first;
    const { delivery, signals } = this.#options;
    const task: LiveTask = {
      actor,
      snapshot: first,
      listeners: undefined,
      subscribers: undefined,
      delivered: first,
      detach: undefined,
      asked: 0,
      asks: undefined,
    };
    this.#live.set(id, task);
    let made = first;
    // One delivery batch: `changes$` sees seq 0 before the start the registry gives it, and a
    // listener's reaction to either comes after both (and after `made` is taken).
    delivery.batch(() => {
      delivery.change(task, first);
      // A plain function, not an observer object: XState binds each handler of an object, which
      // measured 1.5 KB per task against 0.16 KB for a function.
      actor.subscribe((snapshot) => this.#changed(task, snapshot));
      this.#registry.send({ type: 'registry.create', task: actor, at: first.createdAt });
      if (signal !== undefined && this.#live.has(id)) {
        task.detach = signals.add(signal, () =>
          this.sendQuietly(id, {
            type: 'task.cancel',
            reason: abortMessage(signal.reason),
            at: this.#options.clock.now(),
          }),
        );
      }
      made = task.snapshot;
    });
    return this.#durable(made);
  }

  /** Resolves with `snapshot` once the store holds it (at once for a store that answers at once). */
  #durable(snapshot: TaskSnapshot): MaybePromise<TaskSnapshot> {
    const written = this.#options.writer.durable(snapshot.id, snapshot.seq);
    return written === undefined ? snapshot : written.then(() => snapshot);
  }

  /** A task actor's new snapshot: the record, the store, the call that made it, then the readers. */
  #changed(task: LiveTask, machineSnapshot: TaskMachineSnapshot): void {
    const context = machineSnapshot.context;
    if (context.seq === task.snapshot.seq) return;
    const snapshot = toTaskSnapshot(machineSnapshot);
    task.snapshot = snapshot;
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
      task.detach?.();
    }
    this.#options.writer.save(snapshot);
    if (task.asks !== undefined) settleAsks(task, machineSnapshot, ended);
    this.#options.delivery.change(task, snapshot);
  }
}

function abortMessage(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : 'aborted';
}

function noop(): void {}
