import type { TaskEvent } from '../machines/taskMachine.js';
import { InvalidArgumentError } from './errors.js';
import type { TaskCommand } from './store/cluster.js';
import {
  assertObject,
  assertOptionalString,
  assertOptions,
  assertProgress,
  describe,
  readSafely,
  toData,
  toError,
} from './validate.js';

/** The call that sends a chart event, as a command for the process that owns the task. */
export function toCommand(id: string, event: TaskEvent): TaskCommand {
  switch (event.type) {
    case 'task.progress':
      return { method: 'update', id, args: [event.progress, event.message] };
    case 'task.complete':
      return { method: 'complete', id, args: [event.result] };
    case 'task.fail':
      return { method: 'fail', id, args: [event.error] };
    case 'task.cancel':
      return { method: 'cancel', id, args: [event.reason] };
    case 'task.requestInput':
      return {
        method: 'requestInput',
        id,
        args: [{ need: event.need, message: event.message, request: event.request }],
      };
    case 'task.resume':
      return { method: 'resume', id, args: [event.message] };
    case 'task.respond':
      return { method: 'respond', id, args: [event.answers] };
    default:
      throw new InvalidArgumentError(`Expected a call another process can run, got \`${event.type}\``);
  }
}

/**
 * The chart event a command from another process stands for, checked again: it crossed a wire.
 * `key` names a new input request (the owner picks it, unique over the task's lifetime).
 */
export function fromCommand(command: TaskCommand, at: number, key: () => string): TaskEvent {
  return readSafely('command', () => {
    const args = Array.isArray(command.args) ? command.args : [];
    switch (command.method) {
      case 'update': {
        const [progress, message] = args;
        assertProgress(progress);
        assertOptionalString('message', message);
        return { type: 'task.progress', progress, message, at };
      }
      case 'complete':
        return { type: 'task.complete', result: toData('result', args[0]), at };
      case 'fail':
        return { type: 'task.fail', error: toError(args[0]), at };
      case 'cancel': {
        const [reason] = args;
        assertOptionalString('reason', reason);
        return { type: 'task.cancel', reason, at };
      }
      case 'requestInput':
        return requestInputEvent(args[0], at, key);
      case 'resume': {
        const [message] = args;
        assertOptionalString('message', message);
        return { type: 'task.resume', message, at };
      }
      case 'respond': {
        const [answers] = args;
        assertObject('answers', answers);
        return { type: 'task.respond', answers: { ...answers }, at };
      }
      default:
        throw new InvalidArgumentError(`Expected a known task command, got ${describe(command.method)}`);
    }
  });
}

/**
 * A `task.requestInput` event from a call's options (`need`, `message`, `request`), checked:
 * `request` must be JSON data. `key` is asked for only once the options passed, so a refused call
 * uses up no key.
 */
export function requestInputEvent(options: unknown, at: number, key: () => string): TaskEvent {
  return readSafely('options', () => {
    assertOptions('options', options, ['need', 'message', 'request']);
    const {
      need = 'input',
      message,
      request,
    } = (options ?? {}) as {
      need?: unknown;
      message?: unknown;
      request?: unknown;
    };
    if (need !== 'input' && need !== 'auth') {
      throw new InvalidArgumentError(`Expected \`need\` to be \`input\` or \`auth\`, got ${describe(need)}`);
    }
    assertOptionalString('message', message);
    const data = request === undefined ? undefined : toData('request', request);
    return { type: 'task.requestInput', key: key(), need, message, request: data, at };
  });
}
