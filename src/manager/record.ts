/**
 * The record of one live task: its actor, the latest snapshot it made, its readers, its outside
 * signal and the work's open `ask()`s. Types and the two rules that read a record: which key the
 * next input request gets, and how a snapshot settles the work's `ask()`s.
 *
 * Owns no state of its own; the live tasks (live.ts) own the records.
 */
import type { TaskActorRef, TaskEvent, TaskMachineSnapshot } from '../../machines/taskMachine.js';
import { requestInputEvent } from '../commands.js';
import { InvalidTransitionError, TaskCancelledError } from '../errors.js';
import type { TaskSnapshot } from '../task.js';
import type { Readers } from './delivery.js';
import type { InputRequest } from './options.js';

/** A live task: its actor and the manager's view of it. Dropped once the task ends. */
export interface LiveTask extends Readers {
  readonly actor: TaskActorRef;
  snapshot: TaskSnapshot;
  /** Stops listening to the outside `signal` of `run()`. */
  detach: (() => void) | undefined;
  /** How many input requests it has opened: the next key is `r` and one more. */
  asked: number;
  /** The work's `ask()`s waiting for their answers, by request key. */
  asks: Map<string, Ask> | undefined;
}

export interface Ask {
  resolve(answer: unknown): void;
  reject(reason: unknown): void;
}

/** A `task.requestInput` event for `task`, under the next key (`r0` for no live task: the chart refuses it). */
export function requestEvent(task: LiveTask | undefined, options: InputRequest | undefined, at: number): TaskEvent {
  return requestInputEvent(options, at, () => (task === undefined ? 'r0' : `r${++task.asked}`));
}

/** Hands the work's `ask()`s their answers, and rejects those still open once the task ended. */
export function settleAsks(task: LiveTask, machineSnapshot: TaskMachineSnapshot, ended: boolean): void {
  const asks = task.asks;
  if (asks === undefined) return;
  const answered = machineSnapshot.context.answered;
  if (answered !== undefined) {
    for (const key of Object.keys(answered)) {
      asks.get(key)?.resolve(answered[key]);
      asks.delete(key);
    }
  }
  if (!ended) return;
  const { id, state, error, message } = task.snapshot;
  const reason = state === 'cancelled' ? new TaskCancelledError(id, message) : error;
  for (const ask of asks.values()) ask.reject(reason ?? new InvalidTransitionError(id, state, 'task.respond'));
  task.asks = undefined;
}
