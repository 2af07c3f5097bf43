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
  /** What the running task waits for from its client (`requestInput`), until `resume`; else undefined. */
  readonly awaiting: TaskAwaiting | undefined;
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
