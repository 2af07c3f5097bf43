import {
  ChangesMissedError,
  InvalidArgumentError,
  InvalidTaskIdError,
  InvalidTransitionError,
  ManagerDisposedError,
  StoreError,
  TaskCancelledError,
  TaskExistsError,
  TaskLostError,
  TaskNotFoundError,
  TaskTimeoutError,
  TooltaskError,
} from '../errors.js';

/**
 * Turns a value into a string another process can turn back into the same value: what JSON
 * keeps, plus what a task snapshot holds and JSON loses.
 *
 * - `undefined`, in objects and arrays, stays `undefined` (a snapshot's unset fields come back
 *   as own fields, as the manager made them);
 * - an `Error` comes back as an `Error` with its `name`, `message`, `stack`, `code`, `cause` and
 *   other own fields; tooltask's own errors come back as instances of their class, so
 *   `instanceof TaskTimeoutError` holds in the other process;
 * - `Date`, `bigint`, `NaN`, `±Infinity`, `-0`, `Map` and `Set` round-trip;
 * - a plain object that has a `$t` key of its own is escaped, so no data is mistaken for a tag.
 *
 * Functions and symbols are dropped, as JSON drops them. Any value encodes, whatever a work
 * throws: a reference back to an enclosing object (a cycle, as HTTP clients' errors have) comes
 * back as the string `'[Circular]'`, and a field whose getter throws as `undefined`.
 *
 * @example
 * ```ts
 * import { decodeValue, encodeValue } from 'tooltask/redis';
 * const back = decodeValue(encodeValue({ error: new Error('boom', { cause: 42 }), at: undefined })) as {
 *   error: Error;
 * };
 * back.error.cause; // 42
 * ```
 */
export function encodeValue(value: unknown): string {
  return JSON.stringify(toJson(value, new Set()));
}

/**
 * The value `encodeValue` wrote, deeply frozen (plain objects and arrays; errors, dates, maps and
 * sets are left thawed). A string it did not write throws `InvalidArgumentError`.
 */
export function decodeValue(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`Expected a value written by encodeValue(), got invalid JSON (${String(error)})`);
  }
  return fromJson(parsed);
}

/** Tooltask's errors, rebuilt with their class on the other side. */
const errorClasses: ReadonlyMap<string, ErrorClass> = new Map<string, ErrorClass>([
  ['TooltaskError', TooltaskError],
  ['TaskNotFoundError', TaskNotFoundError],
  ['TaskExistsError', TaskExistsError],
  ['InvalidTransitionError', InvalidTransitionError],
  ['InvalidTaskIdError', InvalidTaskIdError],
  ['InvalidArgumentError', InvalidArgumentError],
  ['TaskTimeoutError', TaskTimeoutError],
  ['TaskCancelledError', TaskCancelledError],
  ['ManagerDisposedError', ManagerDisposedError],
  ['TaskLostError', TaskLostError],
  ['StoreError', StoreError],
  ['ChangesMissedError', ChangesMissedError],
]);

/** An error class; never called with arguments here (`Reflect.construct` only borrows its prototype). */
type ErrorClass = new (...args: never[]) => Error;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function toJson(value: unknown, seen: Set<object>): Json {
  switch (typeof value) {
    case 'undefined':
      return { $t: 'u' };
    case 'number':
      if (Number.isFinite(value) && !Object.is(value, -0)) return value;
      return { $t: 'n', v: Object.is(value, -0) ? '-0' : String(value) };
    case 'bigint':
      return { $t: 'b', v: value.toString() };
    case 'string':
    case 'boolean':
      return value;
    case 'function':
    case 'symbol':
      return { $t: 'u' };
  }
  if (value === null) return null;
  const object = value as object;
  if (seen.has(object)) return CIRCULAR;
  seen.add(object);
  try {
    if (Array.isArray(object)) return object.map((item) => toJson(item, seen));
    if (object instanceof Error) {
      const fields: { [key: string]: Json } = {};
      // An own enumerable `cause` (assigned) travels with the fields; the constructor's hidden one apart.
      for (const key of Object.keys(object)) fields[key] = toJson(read(object, key), seen);
      const encoded: { [key: string]: Json } = {
        $t: 'e',
        name: String(read(object, 'name')),
        message: String(read(object, 'message')),
        fields,
      };
      const stack = read(object, 'stack');
      if (typeof stack === 'string') encoded.stack = stack;
      if ('cause' in object && !Object.hasOwn(fields, 'cause')) encoded.cause = toJson(read(object, 'cause'), seen);
      return encoded;
    }
    if (object instanceof Date) return { $t: 'd', v: object.getTime() };
    if (object instanceof Map) return { $t: 'm', v: [...object].map((entry) => toJson(entry, seen)) };
    if (object instanceof Set) return { $t: 's', v: [...object].map((item) => toJson(item, seen)) };
    const out: { [key: string]: Json } = {};
    for (const key of Object.keys(object)) out[key] = toJson(read(object, key), seen);
    return Object.hasOwn(out, '$t') ? { $t: 'o', v: out } : out;
  } finally {
    seen.delete(object);
  }
}

/** What a reference back to an enclosing object is written as, and read back as. */
const CIRCULAR = '[Circular]';

/** A field's value, or `undefined` when reading it throws (a getter, a revoked proxy). */
function read(object: object, key: string): unknown {
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function fromJson(json: unknown): unknown {
  if (json === null || typeof json !== 'object') return json;
  if (Array.isArray(json)) return Object.freeze(json.map(fromJson));
  const record = json as Record<string, unknown>;
  switch (record.$t) {
    case undefined:
      return plain(record);
    case 'u':
      return undefined;
    case 'n':
      return record.v === '-0' ? -0 : Number(record.v);
    case 'b':
      return BigInt(String(record.v));
    case 'd':
      return new Date(Number(record.v));
    case 'm':
      return new Map((record.v as unknown[]).map(fromJson) as [unknown, unknown][]);
    case 's':
      return new Set((record.v as unknown[]).map(fromJson));
    case 'o':
      return plain(record.v as Record<string, unknown>);
    case 'e':
      return error(record);
    default:
      throw new InvalidArgumentError(
        `Expected a value written by encodeValue(), got the unknown tag ${String(record.$t)}`,
      );
  }
}

function plain(record: Record<string, unknown>): unknown {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[key] = fromJson(record[key]);
  return Object.freeze(out);
}

function error(record: Record<string, unknown>): Error {
  const name = String(record.name);
  const known = errorClasses.get(name);
  // A real Error (with the engine's error slot) whose prototype is the class's, without running the
  // class's constructor: each tooltask error takes its own arguments.
  const rebuilt: Error = Reflect.construct(Error, [String(record.message)], known ?? Error);
  const define = (key: string, value: unknown, enumerable: boolean) =>
    Object.defineProperty(rebuilt, key, { value, writable: true, configurable: true, enumerable });
  define('message', String(record.message), false);
  if (typeof record.stack === 'string') define('stack', record.stack, false);
  else if (known !== undefined) define('stack', `${name}: ${String(record.message)}`, false);
  if (Object.hasOwn(record, 'cause')) define('cause', fromJson(record.cause), false);
  const fields = (record.fields ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(fields)) define(key, fromJson(fields[key]), true);
  if (rebuilt.name !== name) define('name', name, false);
  return rebuilt;
}
