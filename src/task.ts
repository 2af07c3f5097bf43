/** The five states of a task. `complete`, `failed` and `cancelled` are final. */
export type TaskState = 'pending' | 'running' | 'complete' | 'failed' | 'cancelled';

/** The three final states: a task in one of them never changes again. */
export type TerminalTaskState = 'complete' | 'failed' | 'cancelled';

/** Every task state, in chart order. */
export const TASK_STATES: readonly TaskState[] = Object.freeze([
  'pending',
  'running',
  'complete',
  'failed',
  'cancelled',
]);

/** What a running task waits for from its client: input (MCP `input_required`) or auth (A2A `auth-required`). */
export type TaskAwaiting = 'input' | 'auth';

/**
 * One question a running task put to its client, open until answered (`respond`, `resume`) or the
 * task ends. MCP shows open requests as `inputRequests`, A2A as `input-required`.
 */
export interface TaskInputRequest {
  /** Unique over the task's lifetime: answers name it. */
  readonly key: string;
  readonly need: TaskAwaiting;
  /** Shown to the client, e.g. the question. */
  readonly message: string | undefined;
  /** The protocol's payload, e.g. MCP `{ method: 'elicitation/create', params }`; copied and frozen. */
  readonly request: unknown;
  /** When it was asked. */
  readonly at: number;
}

/** A task's open input requests by key. */
export type TaskInputRequests = Readonly<Record<string, TaskInputRequest>>;

/**
 * The chart's full state value: `'pending'`, `{ running: { work: 'working', client: 'awaiting' } }`,
 * or a final state's name. For lighting every region of a drawn chart.
 */
export type TaskStateValue =
  | 'pending'
  | { readonly running: { readonly work: 'manual' | 'working'; readonly client: 'free' | 'awaiting' } }
  | TerminalTaskState;

/** Free-form data a caller attaches to a task at creation; copied and frozen. */
export type TaskMetadata = Readonly<Record<string, unknown>>;

/**
 * What a task is at one moment: a frozen plain object, safe to keep, share and render.
 *
 * Times are epoch milliseconds from the manager's clock. `seq` is 0 at creation and grows by one
 * on every change, so a reader can tell two snapshots of one task apart and order them.
 */
export interface TaskSnapshot {
  readonly id: string;
  readonly state: TaskState;
  /** From 0 to 1. Set to 1 on completion. */
  readonly progress: number;
  /** The last progress message, or a cancellation's reason. */
  readonly message: string | undefined;
  /** The work's result, once `complete`. */
  readonly result: unknown;
  /** Why the task failed, once `failed`. */
  readonly error: Error | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** When the work started (`run()`), or the first progress arrived. */
  readonly startedAt: number | undefined;
  /** When the task reached a final state; undefined until then. */
  readonly completedAt: number | undefined;
  readonly seq: number;
  readonly metadata: TaskMetadata | undefined;
  /** How long the task is kept after it ends, in ms; undefined keeps it forever. */
  readonly ttl: number | undefined;
  /** What the running task waits for from its client: the need of its latest open input request; else undefined. */
  readonly awaiting: TaskAwaiting | undefined;
  /** The open input requests by key (`ask`, `requestInput`); undefined when none is open. */
  readonly inputRequests: TaskInputRequests | undefined;
  /** The chart's state value, every region of it: what a drawn chart lights. */
  readonly value: TaskStateValue;
  /** The type of the chart event that made this snapshot: `xstate.init` at creation, then `task.progress`… */
  readonly event: string;
}

/**
 * Whether a state is final: `complete`, `failed` or `cancelled`.
 *
 * @example
 * ```ts
 * import { isTerminal } from 'tooltask';
 * isTerminal('running'); // false
 * isTerminal('cancelled'); // true
 * ```
 */
export function isTerminal(state: TaskState): state is TerminalTaskState {
  return state === 'complete' || state === 'failed' || state === 'cancelled';
}
