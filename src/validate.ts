import { InvalidArgumentError, InvalidTaskIdError } from './errors.js';
import { TASK_STATES, type TaskMetadata, type TaskState } from './task.js';

/** The longest task id accepted. */
export const MAX_TASK_ID_LENGTH = 256;

/** Renders a value for an error message: `1.5` (number), `"x"` (string), `null`. */
export function describe(value: unknown): string {
  if (value === null) return '`null`';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `\`${JSON.stringify(shown)}\` (string${value.length > 40 ? ` of ${value.length} characters` : ''})`;
  }
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `\`${String(value)}\` (${typeof value})`;
}

export function assertTaskId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_TASK_ID_LENGTH) {
    throw new InvalidTaskIdError(
      `Expected a task id to be a non-empty string of at most ${MAX_TASK_ID_LENGTH} characters, got ${describe(id)}`,
    );
  }
}

export function assertProgress(progress: unknown): asserts progress is number {
  if (typeof progress !== 'number' || !Number.isFinite(progress) || progress < 0 || progress > 1) {
    throw new InvalidArgumentError(`Expected \`progress\` to be a number between 0 and 1, got ${describe(progress)}`);
  }
}

export function assertOptionalString(name: string, value: unknown): asserts value is string | undefined {
  if (value !== undefined && typeof value !== 'string') {
    throw new InvalidArgumentError(`Expected \`${name}\` to be a string, got ${describe(value)}`);
  }
}

/** A duration in ms: a finite number from 0 up (`Infinity` where `allowInfinity`). */
export function assertDuration(name: string, value: unknown, allowInfinity = false): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (!allowInfinity && !Number.isFinite(value))) {
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be a number of milliseconds from 0 up${allowInfinity ? ' (or Infinity)' : ''}, got ${describe(value)}`,
    );
  }
}

export function assertState(name: string, value: unknown): asserts value is TaskState {
  if (!TASK_STATES.includes(value as TaskState)) {
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be one of ${TASK_STATES.join(', ')}, got ${describe(value)}`,
    );
  }
}

export function assertObject(name: string, value: unknown): asserts value is Record<string, unknown> | undefined {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new InvalidArgumentError(`Expected \`${name}\` to be an object, got ${describe(value)}`);
  }
}

export function toMetadata(value: unknown): TaskMetadata | undefined {
  assertObject('metadata', value);
  return value === undefined ? undefined : Object.freeze({ ...value });
}

/** Checks an options bag names only known keys, so a typo is an error rather than a silent default. */
export function assertOptions(name: string, value: unknown, known: readonly string[]): void {
  assertObject(name, value);
  if (value === undefined) return;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (!known.includes(key)) {
      throw new InvalidArgumentError(
        `Expected \`${name}\` to have only ${known.map((k) => `\`${k}\``).join(', ')}, got \`${key}\``,
      );
    }
  }
}

/** Turns whatever a work threw into an Error, keeping a non-Error as its `cause`. */
export function toError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  return new Error(typeof reason === 'string' ? reason : `Task failed with a non-Error value: ${describe(reason)}`, {
    cause: reason,
  });
}
