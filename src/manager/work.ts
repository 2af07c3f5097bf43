/**
 * The work runner: what a task's `running.work.working` state invokes for `run()`, and the
 * `WorkContext` the work gets (signal, progress, ask, requestInput, resume).
 *
 * Owns the work's own `AbortController`. It never changes a task by itself: whatever the work
 * reports is an event sent to the task's actor, and whatever the work returns or throws (a value
 * of any shape, a revoked Proxy included) becomes a `WorkOutcome`, data the chart records. It
 * never rejects into the chart.
 */
import type { TaskEvent, TaskWorkRunner, WorkOutcome } from '../../machines/taskMachine.js';
import { InvalidTransitionError } from '../errors.js';
import type { TaskState } from '../task.js';
import { assertOptionalString, assertProgress, toData, toError } from '../validate.js';
import type { InputRequest, TaskWork, WorkContext } from './options.js';
import { type LiveTask, requestEvent } from './record.js';

/** What a runner needs of the live tasks. */
export interface WorkHost {
  now(): number;
  /** The task's live record; undefined once it ended. */
  record(id: string): LiveTask | undefined;
  /** The task's state where known, for the error of an `ask()` after it ended. */
  state(id: string): TaskState | undefined;
}

/** A runner for `work` of task `id`. */
export function workRunner(host: WorkHost, id: string, work: TaskWork): TaskWorkRunner {
  const controller = new AbortController();
  // What the work reports goes through the chart like any event; once the task ended, or for an
  // event its state refuses (resume while not waiting), it is a silent no-op: the work may not know yet.
  const send = (event: TaskEvent) => {
    const task = host.record(id);
    if (controller.signal.aborted || task === undefined) return;
    const snapshot = task.actor.getSnapshot();
    if (snapshot.status === 'active' && snapshot.can(event)) task.actor.send(event);
  };
  const context: WorkContext = {
    id,
    signal: controller.signal,
    progress: (value, message) => {
      assertProgress(value);
      assertOptionalString('message', message);
      send({ type: 'task.progress', progress: value, message, at: host.now() });
    },
    ask: <T>(options?: InputRequest) =>
      new Promise<T>((resolve, reject) => {
        const task = host.record(id);
        if (task === undefined || controller.signal.aborted) {
          reject(controller.signal.reason ?? new InvalidTransitionError(id, host.state(id) ?? 'complete', 'ask'));
          return;
        }
        const event = requestEvent(task, options, host.now());
        if (event.type !== 'task.requestInput') return;
        if (task.asks === undefined) task.asks = new Map();
        task.asks.set(event.key, { resolve: resolve as (answer: unknown) => void, reject });
        send(event);
      }),
    requestInput: (options) => {
      const task = host.record(id);
      if (task !== undefined) send(requestEvent(task, options, host.now()));
    },
    resume: (message) => {
      assertOptionalString('message', message);
      send({ type: 'task.resume', message, at: host.now() });
    },
  };
  return {
    run: async (stop) => {
      stop.addEventListener('abort', () => controller.abort(stop.reason), { once: true });
      try {
        const value = await work(context);
        return { ok: true, value: toData('result', value), at: host.now() } satisfies WorkOutcome;
      } catch (error) {
        return { ok: false, error: toError(error), at: host.now() } satisfies WorkOutcome;
      }
    },
    abort: (reason) => controller.abort(reason),
  };
}
