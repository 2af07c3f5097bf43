import { type ActorRefFrom, and, assign, fromPromise, not, type SnapshotFrom, setup } from 'xstate';
import { TaskCancelledError, TaskTimeoutError } from '../src/errors.js';
import type { TaskAwaiting, TaskInputRequest, TaskInputRequests, TaskMetadata } from '../src/task.js';

/**
 * How a task's work ended, as data: the work never rejects into the chart, so the time it ended
 * (from the manager's clock) travels with its outcome.
 */
export type WorkOutcome =
  | { readonly ok: true; readonly value: unknown; readonly at: number }
  | { readonly ok: false; readonly error: Error; readonly at: number };

/** The work a `running.work.working` task invokes: started with the signal that leaving `working` aborts. */
export interface TaskWorkRunner {
  run(signal: AbortSignal): Promise<WorkOutcome>;
  /** Aborts the work's own signal with a reason the work can read (`signal.reason`). */
  abort(reason: Error): void;
}

/**
 * The task chart's events. Each carries `at`, the time it happened on the manager's clock, so the
 * chart is a pure function of its input and events: replayable, and simulated-time friendly.
 */
export type TaskEvent = TaskEventBody & {
  /** When it happened, on the manager's clock. */
  readonly at: number;
  /**
   * A number the sender picks to find the snapshot this event makes (the chart copies it into
   * context): an event sent while the actor is busy is processed later, and may be refused.
   */
  readonly ref?: number | undefined;
};

type TaskEventBody =
  | { readonly type: 'task.start' }
  | { readonly type: 'task.progress'; readonly progress: number; readonly message?: string | undefined }
  | { readonly type: 'task.complete'; readonly result?: unknown }
  | { readonly type: 'task.fail'; readonly error: Error }
  | { readonly type: 'task.cancel'; readonly reason?: string | undefined }
  | { readonly type: 'task.timeout' }
  | {
      readonly type: 'task.requestInput';
      /** Unique over the task's lifetime; the sender picks it. */
      readonly key: string;
      readonly need: TaskAwaiting;
      readonly message?: string | undefined;
      /** The protocol's payload for the client, e.g. MCP `{ method: 'elicitation/create', params }`. */
      readonly request?: unknown;
    }
  | {
      readonly type: 'task.respond';
      /** Answers by request key; keys that are not outstanding are ignored. */
      readonly answers: Readonly<Record<string, unknown>>;
    }
  | { readonly type: 'task.resume'; readonly message?: string | undefined };

/** What a task actor is started with. */
export interface TaskInput {
  readonly id: string;
  readonly at: number;
  readonly metadata?: TaskMetadata | undefined;
  readonly ttl?: number | undefined;
  /** The work to run once the registry gives it a slot; absent for tasks driven by `update()`. */
  readonly work?: TaskWorkRunner | undefined;
  /** Milliseconds the work may run before the task fails with `TaskTimeoutError`. */
  readonly timeout?: number | undefined;
}

export interface TaskContext {
  readonly id: string;
  readonly progress: number;
  readonly message: string | undefined;
  readonly result: unknown;
  readonly error: Error | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly startedAt: number | undefined;
  readonly completedAt: number | undefined;
  readonly seq: number;
  readonly metadata: TaskMetadata | undefined;
  readonly ttl: number | undefined;
  /** What the task waits for from its client, while `running.client.awaiting`: the latest open request's need. */
  readonly awaiting: TaskAwaiting | undefined;
  /** The open input requests by key, while `running.client.awaiting`; else undefined. */
  readonly inputRequests: TaskInputRequests | undefined;
  /** The answers the last event gave, by key, for the manager to hand to the work; else undefined. */
  readonly answered: Readonly<Record<string, unknown>> | undefined;
  /** The type of the event that made this context (`xstate.init` at creation). */
  readonly event: string;
  /** The `ref` of the event that made this context, if its sender gave one. */
  readonly ref: number | undefined;
  readonly timeout: number | undefined;
  readonly work: TaskWorkRunner | undefined;
}

/** What a finished task actor outputs to its parent, the registry. */
export interface TaskOutput {
  readonly id: string;
  readonly completedAt: number;
}

/** The reason a work's signal carries when the task leaves `working` for one of these events. */
function abortReason(context: TaskContext, event: TaskEvent): Error | undefined {
  switch (event.type) {
    case 'task.cancel':
      return new TaskCancelledError(context.id, event.reason);
    case 'task.timeout':
      return new TaskTimeoutError(context.id, context.timeout ?? 0);
    case 'task.fail':
      return event.error;
    default:
      return undefined;
  }
}

/**
 * One task: `pending → running → complete | failed | cancelled`.
 *
 * `running` has two orthogonal regions. `work`: `working`, entered by `task.start` when the task
 * has work, which invokes that work (leaving `working` for any reason stops it and aborts its
 * signal); or `manual`, entered by a first `task.progress` when the caller reports progress
 * itself. `client`: `free`, or `awaiting` input (or auth) from the task's client between
 * `task.requestInput` and `task.resume`, as MCP's `input_required` and A2A's `input-required`
 * say. The three final states accept nothing. Timeouts are armed and disarmed through the named actions
 * `armTimeout` / `disarmTimeout`, which the manager provides on its single timer.
 *
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * import { taskMachine } from 'tooltask';
 * const task = createActor(taskMachine, { input: { id: 'a', at: 0 } }).start();
 * task.send({ type: 'task.progress', progress: 0.5, message: 'half', at: 1 });
 * task.getSnapshot().value; // { running: { work: 'manual', client: 'free' } }
 * task.send({ type: 'task.complete', result: 42, at: 2 });
 * task.getSnapshot().status; // 'done'
 * ```
 */
export const taskMachine = setup({
  types: {
    context: {} as TaskContext,
    events: {} as TaskEvent,
    input: {} as TaskInput,
    output: {} as TaskOutput,
  },
  actors: {
    work: fromPromise<WorkOutcome, TaskWorkRunner>(({ input, signal }) => input.run(signal)),
  },
  guards: {
    hasWork: ({ context }) => context.work !== undefined,
    succeeded: (_, outcome: WorkOutcome) => outcome.ok,
    newKey: ({ context, event }) =>
      event.type === 'task.requestInput' && context.inputRequests?.[event.key] === undefined,
    answersAll: ({ context, event }) =>
      event.type === 'task.respond' && open(context, event.answers).length === count(context),
    answersSome: ({ context, event }) => event.type === 'task.respond' && open(context, event.answers).length > 0,
  },
  actions: {
    recordStart: assign(({ context, event }) => ({ startedAt: event.at, ...touched(context, event) })),
    recordProgress: assign(({ context, event }) => {
      if (event.type !== 'task.progress') return {};
      return {
        progress: event.progress,
        message: event.message ?? context.message,
        startedAt: context.startedAt ?? event.at,
        ...touched(context, event),
      };
    }),
    recordComplete: assign(({ context, event }) => {
      if (event.type !== 'task.complete') return {};
      return { progress: 1, result: event.result, ...ended(context, event) };
    }),
    recordFailure: assign(({ context, event }) => {
      if (event.type !== 'task.fail') return {};
      return { error: event.error, ...ended(context, event) };
    }),
    recordCancel: assign(({ context, event }) => {
      if (event.type !== 'task.cancel') return {};
      return { message: event.reason ?? context.message, ...ended(context, event) };
    }),
    recordRequest: assign(({ context, event }) => {
      if (event.type !== 'task.requestInput') return {};
      const request: TaskInputRequest = Object.freeze({
        key: event.key,
        need: event.need,
        message: event.message,
        request: event.request,
        at: event.at,
      });
      return {
        inputRequests: Object.freeze({ ...context.inputRequests, [event.key]: request }),
        awaiting: event.need,
        message: event.message ?? context.message,
        startedAt: context.startedAt ?? event.at,
        ...touched(context, event),
      };
    }),
    recordAnswers: assign(({ context, event }) => {
      if (event.type !== 'task.respond') return {};
      const keys = open(context, event.answers);
      const answered: Record<string, unknown> = {};
      const left: Record<string, TaskInputRequest> = { ...context.inputRequests };
      for (const key of keys) {
        answered[key] = event.answers[key];
        delete left[key];
      }
      return { ...stillOpen(left), ...touched(context, event), answered };
    }),
    recordResume: assign(({ context, event }) => {
      if (event.type !== 'task.resume') return {};
      const answered: Record<string, unknown> = {};
      for (const key of Object.keys(context.inputRequests ?? {})) answered[key] = event.message;
      return {
        ...stillOpen({}),
        message: event.message ?? context.message,
        ...touched(context, event),
        answered,
      };
    }),
    recordTimeout: assign(({ context, event }) => ({
      error: new TaskTimeoutError(context.id, context.timeout ?? 0),
      ...ended(context, event),
    })),
    recordOutcome: assign(({ context, event }, outcome: WorkOutcome) => {
      const done = { type: event.type, at: outcome.at, ref: undefined };
      return outcome.ok
        ? { progress: 1, result: outcome.value, ...ended(context, done) }
        : { error: outcome.error, ...ended(context, done) };
    }),
    recordWorkError: assign(({ context, event }) => {
      // No clock in the chart: a runner that broke its contract ends the task at its last change's time.
      const done = { type: event.type, at: context.updatedAt, ref: undefined };
      // Not its rejection as `cause`: a value that broke the runner may break every reader too.
      return {
        error: new Error("The task's work runner rejected instead of reporting an outcome"),
        ...ended(context, done),
      };
    }),
    abortWork: ({ context, event }) => {
      const reason = abortReason(context, event);
      if (reason !== undefined) context.work?.abort(reason);
    },
    // Provided by the manager, which owns the one timer; without it a timeout never fires.
    armTimeout: () => {},
    disarmTimeout: () => {},
  },
}).createMachine({
  id: 'task',
  context: ({ input }) => ({
    id: input.id,
    progress: 0,
    message: undefined,
    result: undefined,
    error: undefined,
    createdAt: input.at,
    updatedAt: input.at,
    startedAt: undefined,
    completedAt: undefined,
    seq: 0,
    metadata: input.metadata,
    ttl: input.ttl,
    awaiting: undefined,
    inputRequests: undefined,
    answered: undefined,
    event: 'xstate.init',
    ref: undefined,
    timeout: input.timeout,
    work: input.work,
  }),
  initial: 'pending',
  states: {
    pending: {
      on: {
        'task.start': { guard: 'hasWork', target: 'running.work.working', actions: 'recordStart' },
        'task.progress': { guard: not('hasWork'), target: 'running.work.manual', actions: 'recordProgress' },
        'task.requestInput': {
          guard: and([not('hasWork'), 'newKey']),
          target: ['running.work.manual', 'running.client.awaiting'],
          actions: 'recordRequest',
        },
        'task.complete': { target: 'complete', actions: 'recordComplete' },
        'task.fail': { target: 'failed', actions: 'recordFailure' },
        'task.cancel': { target: 'cancelled', actions: 'recordCancel' },
      },
    },
    running: {
      // Two orthogonal regions: who does the work, and whether the task waits for its client.
      type: 'parallel',
      on: {
        'task.progress': { actions: 'recordProgress' },
        'task.complete': { target: 'complete', actions: 'recordComplete' },
        'task.fail': { target: 'failed', actions: 'recordFailure' },
        'task.cancel': { target: 'cancelled', actions: 'recordCancel' },
      },
      states: {
        work: {
          // Entered through `working` (run) or `manual` (update) only; `manual` is the default.
          initial: 'manual',
          states: {
            manual: {},
            working: {
              entry: 'armTimeout',
              exit: ['disarmTimeout', 'abortWork'],
              invoke: {
                id: 'work',
                src: 'work',
                input: ({ context }) => context.work as TaskWorkRunner,
                onDone: [
                  {
                    guard: { type: 'succeeded', params: ({ event }) => event.output },
                    target: '#task.complete',
                    actions: { type: 'recordOutcome', params: ({ event }) => event.output },
                  },
                  {
                    target: '#task.failed',
                    actions: { type: 'recordOutcome', params: ({ event }) => event.output },
                  },
                ],
                // A runner's outcome is data and it never rejects; one that does anyway fails the
                // task rather than the registry.
                onError: { target: '#task.failed', actions: 'recordWorkError' },
              },
              on: {
                'task.timeout': { target: '#task.failed', actions: 'recordTimeout' },
              },
            },
          },
        },
        client: {
          // MCP `input_required`, A2A `input-required` / `auth-required`: still running, waiting on the client.
          initial: 'free',
          states: {
            free: {
              on: { 'task.requestInput': { guard: 'newKey', target: 'awaiting', actions: 'recordRequest' } },
            },
            awaiting: {
              // Open while any request is unanswered; answers may come a few at a time.
              on: {
                'task.requestInput': { guard: 'newKey', actions: 'recordRequest' },
                'task.respond': [
                  { guard: 'answersAll', target: 'free', actions: 'recordAnswers' },
                  { guard: 'answersSome', actions: 'recordAnswers' },
                ],
                'task.resume': { target: 'free', actions: 'recordResume' },
              },
            },
          },
        },
      },
    },
    complete: { type: 'final' },
    failed: { type: 'final' },
    cancelled: { type: 'final' },
  },
  output: ({ context }) => ({ id: context.id, completedAt: context.completedAt ?? context.updatedAt }),
});

/** What made a change: its type, time and the sender's `ref`. */
interface Cause {
  readonly type: string;
  readonly at: number;
  readonly ref?: number | undefined;
}

/** Every change: the time it happened, the event that made it, and `seq` one up. */
function touched(context: TaskContext, cause: Cause) {
  return { updatedAt: cause.at, seq: context.seq + 1, event: cause.type, ref: cause.ref, answered: undefined };
}

/** Reaching a final state: done, awaiting nothing, and the work's runner let go. */
function ended(context: TaskContext, cause: Cause) {
  return { completedAt: cause.at, work: undefined, ...stillOpen({}), ...touched(context, cause) };
}

/** The keys of `answers` that are open requests. */
function open(context: TaskContext, answers: Readonly<Record<string, unknown>>): string[] {
  const requests = context.inputRequests;
  if (requests === undefined) return [];
  return Object.keys(answers).filter((key) => Object.hasOwn(requests, key));
}

function count(context: TaskContext): number {
  return context.inputRequests === undefined ? 0 : Object.keys(context.inputRequests).length;
}

/** The requests left open, and what the task awaits: the need of the latest of them. */
function stillOpen(left: Record<string, TaskInputRequest>) {
  let latest: TaskInputRequest | undefined;
  for (const request of Object.values(left)) if (latest === undefined || request.at >= latest.at) latest = request;
  return latest === undefined
    ? { inputRequests: undefined, awaiting: undefined }
    : { inputRequests: Object.freeze(left), awaiting: latest.need };
}

/** The task machine's type, for typing provided implementations and actor refs. */
export type TaskMachine = typeof taskMachine;
/** A running task actor. */
export type TaskActorRef = ActorRefFrom<TaskMachine>;
/** A task actor's XState snapshot (not the public `TaskSnapshot`). */
export type TaskMachineSnapshot = SnapshotFrom<TaskMachine>;
