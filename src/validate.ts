import { InvalidArgumentError, InvalidTaskIdError, TooltaskError } from './errors.js';
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
  if (isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `\`${String(value)}\` (${typeof value})`;
}

/** `Array.isArray` that answers false where asking throws (a revoked Proxy). */
function isArray(value: unknown): boolean {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}

/** A thrown value's message, for an error message: never throws itself. */
function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : describe(error);
  } catch {
    return 'a value that cannot be read either';
  }
}

/**
 * Runs a check that reads a caller's value. Reading it may throw (a getter, a Proxy trap, a
 * revoked Proxy): that is the caller's value being wrong, so it becomes `InvalidArgumentError`
 * naming `name`, with what was thrown as `cause`. tooltask's own typed errors pass as they are.
 */
export function readSafely<T>(name: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof TooltaskError) throw error;
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be readable, got a value whose reading threw (${messageOf(error)})`,
      { cause: error },
    );
  }
}

/** A lone surrogate: ill-formed UTF-16, which every byte encoding (Redis keys, JSON on the wire) turns into U+FFFD. */
const LONE_SURROGATE = /\p{Cs}/u;

export function assertTaskId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_TASK_ID_LENGTH) {
    throw new InvalidTaskIdError(
      `Expected a task id to be a non-empty string of at most ${MAX_TASK_ID_LENGTH} characters, got ${describe(id)}`,
    );
  }
  // Two ids that differ only in a lone surrogate would be one key in a store that encodes them.
  if (LONE_SURROGATE.test(id)) {
    throw new InvalidTaskIdError(
      `Expected a task id to be well-formed UTF-16 (no lone surrogate), got ${describe(id)}`,
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
  return value === undefined ? undefined : (toData('metadata', value) as TaskMetadata);
}

/**
 * A deep, frozen copy of JSON data (plain objects, arrays, strings, finite numbers, booleans,
 * null; `undefined` where JSON would drop it), so a caller's object and a snapshot never share
 * anything mutable, and a store that serialises snapshots keeps them whole. Anything else (a Map,
 * a Date, a class instance, a cycle, a throwing getter) is refused with `InvalidArgumentError`,
 * naming where it sits.
 */
export function toData(name: string, value: unknown): unknown {
  return readSafely(name, () => copyData(value, name, new Set()));
}

function copyData(value: unknown, path: string, seen: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return value;
    case 'number':
      if (Number.isFinite(value)) return value;
      break;
    case 'object': {
      if (value === null) return null;
      if (seen.has(value)) {
        throw new InvalidArgumentError(`Expected \`${path}\` to be JSON data, got a cycle (it contains itself)`);
      }
      const array = Array.isArray(value);
      const proto = Object.getPrototypeOf(value);
      if (!array && proto !== Object.prototype && proto !== null) break;
      seen.add(value);
      try {
        if (array) return Object.freeze(value.map((item, index) => copyData(item, `${path}[${index}]`, seen)));
        const copy: Record<string, unknown> = {};
        for (const key of Object.keys(value)) {
          let item: unknown;
          try {
            item = (value as Record<string, unknown>)[key];
          } catch (error) {
            throw new InvalidArgumentError(
              `Expected \`${path}.${key}\` to be readable JSON data, got a getter that threw`,
              {
                cause: error,
              },
            );
          }
          copy[key] = copyData(item, `${path}.${key}`, seen);
        }
        return Object.freeze(copy);
      } finally {
        seen.delete(value);
      }
    }
  }
  throw new InvalidArgumentError(`Expected \`${path}\` to be JSON data, got ${describeData(value)}`);
}

function describeData(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === 'string' && name !== '' ? `a ${name}` : 'an object with a prototype';
  }
  return describe(value);
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

/**
 * Turns whatever a work threw into an Error, keeping a non-Error as its `cause`. Never throws: a
 * value that cannot even be inspected (a revoked Proxy, an Error whose getters throw) becomes an
 * Error that says so, without the value (nothing downstream could read it either).
 */
export function toError(reason: unknown): Error {
  try {
    if (reason instanceof Error) {
      // Read what every reader of a failed task reads: a getter that throws here would throw there.
      void `${reason.name}${reason.message}${reason.stack}`;
      return reason;
    }
    return new Error(typeof reason === 'string' ? reason : `Task failed with a non-Error value: ${describe(reason)}`, {
      cause: reason,
    });
  } catch (inspection) {
    return new Error(`Task failed with a value that cannot be read (${messageOf(inspection)})`);
  }
}
