import type { TaskState } from './task.js';

/** Every error code tooltask throws, stable across versions. */
export type TooltaskErrorCode =
  | 'TASK_NOT_FOUND'
  | 'TASK_EXISTS'
  | 'INVALID_TRANSITION'
  | 'INVALID_TASK_ID'
  | 'INVALID_ARGUMENT'
  | 'TASK_TIMEOUT'
  | 'TASK_CANCELLED'
  | 'MANAGER_DISPOSED'
  | 'STORE_ERROR'
  | 'TASK_LOST'
  | 'TASK_UNREACHABLE'
  | 'CHANGES_MISSED';

/**
 * The base of every error tooltask throws: check with `instanceof` or by `code`, never by message.
 *
 * @example
 * ```ts
 * import { createTaskManager, TooltaskError } from 'tooltask';
 * const tasks = createTaskManager();
 * try {
 *   await tasks.get('missing');
 * } catch (error) {
 *   if (error instanceof TooltaskError) console.log(error.code); // 'TASK_NOT_FOUND'
 * }
 * ```
 */
export class TooltaskError extends Error {
  override name = 'TooltaskError';
  readonly code: TooltaskErrorCode;

  constructor(code: TooltaskErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** No task has this id (it never existed, or its retention ended). */
export class TaskNotFoundError extends TooltaskError {
  override name = 'TaskNotFoundError' as const;
  readonly taskId: string;
  constructor(taskId: string) {
    super('TASK_NOT_FOUND', `Expected a task with id \`${taskId}\`, found none`);
    this.taskId = taskId;
  }
}

/** A task with this id exists already. */
export class TaskExistsError extends TooltaskError {
  override name = 'TaskExistsError' as const;
  readonly taskId: string;
  constructor(taskId: string) {
    super('TASK_EXISTS', `Expected a new task id, got \`${taskId}\`, which exists already`);
    this.taskId = taskId;
  }
}

/** The task's statechart does not accept this event in its current state. */
export class InvalidTransitionError extends TooltaskError {
  override name = 'InvalidTransitionError' as const;
  readonly taskId: string;
  /** The state the task was in; it is still in it. */
  readonly from: TaskState;
  /** The refused event, such as `task.progress`. */
  readonly event: string;
  constructor(taskId: string, from: TaskState, event: string) {
    super(
      'INVALID_TRANSITION',
      `Task \`${taskId}\` is \`${from}\` and does not accept \`${event}\`${
        from === 'pending' && event === 'task.progress'
          ? ' (its work has not started; progress comes from the work)'
          : from === 'complete' || from === 'failed' || from === 'cancelled'
            ? ' (a finished task never changes)'
            : ''
      }`,
    );
    this.taskId = taskId;
    this.from = from;
    this.event = event;
  }
}

/** A task id that is not a non-empty string of at most 256 characters. */
export class InvalidTaskIdError extends TooltaskError {
  override name = 'InvalidTaskIdError' as const;
  constructor(message: string) {
    super('INVALID_TASK_ID', message);
  }
}

/** An argument or option of the wrong type or out of range. */
export class InvalidArgumentError extends TooltaskError {
  override name = 'InvalidArgumentError' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_ARGUMENT', message, options);
  }
}

/** A task's work ran longer than its `timeout`: the task fails with this error and its work is aborted. */
export class TaskTimeoutError extends TooltaskError {
  override name = 'TaskTimeoutError' as const;
  readonly taskId: string;
  readonly timeout: number;
  constructor(taskId: string, timeout: number) {
    super('TASK_TIMEOUT', `Task \`${taskId}\` timed out after ${timeout} ms`);
    this.taskId = taskId;
    this.timeout = timeout;
  }
}

/** The reason a cancelled task's work signal carries (`signal.reason`). */
export class TaskCancelledError extends TooltaskError {
  override name = 'TaskCancelledError' as const;
  readonly taskId: string;
  readonly reason: string | undefined;
  constructor(taskId: string, reason: string | undefined) {
    super('TASK_CANCELLED', `Task \`${taskId}\` was cancelled${reason === undefined ? '' : `: ${reason}`}`);
    this.taskId = taskId;
    this.reason = reason;
  }
}

/** The manager was disposed: it takes no more calls. */
export class ManagerDisposedError extends TooltaskError {
  override name = 'ManagerDisposedError' as const;
  constructor(method: string) {
    super('MANAGER_DISPOSED', `Expected a live task manager, got a disposed one (called \`${method}\`)`);
  }
}

/** What a store was asked to do when it failed. */
export type StoreOperation = 'insert' | 'save' | 'delete' | 'load' | 'loadAll' | 'page' | 'send';

/**
 * The store failed (threw, rejected, or did not answer in time): `cause` is what it said.
 *
 * A call whose change could not be saved rejects with this error, but the change stands: the
 * statechart is the truth, reads answer from memory, and the manager retries the task's latest
 * snapshot with backoff until the store takes it. Every failure, including those of retries and
 * of writes no call waits for, is published on `tasks.errors$`.
 *
 * @example
 * ```ts
 * import { createTaskManager, StoreError } from 'tooltask';
 * const tasks = createTaskManager();
 * tasks.errors$.subscribe((error) => console.warn(error.operation, error.taskId, error.cause));
 * try {
 *   await tasks.update('import', 0.5);
 * } catch (error) {
 *   if (error instanceof StoreError) console.log('saved later; retrying', error.attempt);
 * }
 * ```
 */
export class StoreError extends TooltaskError {
  override name = 'StoreError' as const;
  readonly operation: StoreOperation;
  /** The task it was about, where there is one. */
  readonly taskId: string | undefined;
  /** The snapshot's `seq` a failed write carried. */
  readonly seq: number | undefined;
  /** 1 for a first try, then one up for each retry. */
  readonly attempt: number;

  constructor(
    operation: StoreOperation,
    details: { readonly taskId?: string | undefined; readonly seq?: number | undefined; readonly attempt?: number },
    cause: unknown,
  ) {
    const about =
      details.taskId === undefined
        ? ''
        : ` of task \`${details.taskId}\`${details.seq === undefined ? '' : ` (seq ${details.seq})`}`;
    const said = cause instanceof Error ? cause.message : String(cause);
    super('STORE_ERROR', `Expected the store to ${operation}${about}, but it failed: ${said}`, { cause });
    this.operation = operation;
    this.taskId = details.taskId;
    this.seq = details.seq;
    this.attempt = details.attempt ?? 1;
  }
}

/** A task whose owning process died (its lease lapsed): a survivor ends it as `failed` with this error. */
export class TaskLostError extends TooltaskError {
  override name = 'TaskLostError' as const;
  readonly taskId: string;
  /** The process (manager) that owned it. */
  readonly owner: string;
  constructor(taskId: string, owner: string) {
    super('TASK_LOST', `Task \`${taskId}\` was lost: its owner \`${owner}\` stopped renewing its lease`);
    this.taskId = taskId;
    this.owner = owner;
  }
}

/**
 * A live task that another manager runs, which this one cannot reach: the store is shared but
 * carries no commands (a `MemoryStore` handed to two managers), or the owner did not answer in
 * time (it may have died: its lease will lapse and the task end as lost). The task is unchanged.
 */
export class TaskUnreachableError extends TooltaskError {
  override name = 'TaskUnreachableError' as const;
  readonly taskId: string;
  constructor(taskId: string, why: string, options?: { cause?: unknown }) {
    super('TASK_UNREACHABLE', `Expected to reach the manager that runs task \`${taskId}\`, but ${why}`, options);
    this.taskId = taskId;
  }
}

/**
 * A reader of every change across processes fell further behind than the shared event window
 * keeps (Redis: `eventsLength`): `missed` changes were trimmed before it read them. Nothing else
 * was skipped silently: resync by reading the store (`page`, `list`), then go on from here.
 */
export class ChangesMissedError extends TooltaskError {
  override name = 'ChangesMissedError' as const;
  /** How many changes were trimmed before this reader got them. */
  readonly missed: number;
  /** The last event read before the hole, and the first after it. */
  readonly after: string;
  readonly resumedAt: string;
  constructor(missed: number, after: string, resumedAt: string) {
    super(
      'CHANGES_MISSED',
      `Expected to read every change in order, got a hole of ${missed} change${missed === 1 ? '' : 's'} (between events ${after} and ${resumedAt}): the reader fell behind the event window; resync from the store`,
    );
    this.missed = missed;
    this.after = after;
    this.resumedAt = resumedAt;
  }
}
