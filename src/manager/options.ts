/**
 * The manager's public option and callback types: what `createTaskManager`, `create`, `run`,
 * `page`, `wait` and a work's context take. Types only: it owns no state and imports no room.
 */
import type { InspectionEvent, Observer } from 'xstate';
import type { Clock } from '../clock.js';
import type { Store } from '../store/store.js';
import type { TaskAwaiting, TaskMetadata, TaskState } from '../task.js';

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
