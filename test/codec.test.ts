import { types } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  InvalidTransitionError,
  StoreError,
  TaskLostError,
  TaskTimeoutError,
  TooltaskError,
} from '../src/index.js';
import { decodeSnapshot, encodeSnapshot } from '../src/redis/connection.js';
import { decodeValue, encodeValue } from '../src/redis/index.js';
import type { TaskSnapshot } from '../src/task.js';

const roundTrip = <T>(value: T): T => decodeValue(encodeValue(value)) as T;

function snapshot(overrides: Partial<TaskSnapshot> = {}): TaskSnapshot {
  return Object.freeze({
    id: 'a',
    state: 'running',
    progress: 0.123456789012345,
    message: undefined,
    result: undefined,
    error: undefined,
    createdAt: 1_764_000_000_000,
    updatedAt: 1_764_000_000_001,
    startedAt: 1_764_000_000_001,
    completedAt: undefined,
    seq: 3,
    metadata: Object.freeze({ owner: 'me', tags: ['x', 'y'], empty: [], nested: { deep: null } }),
    ttl: undefined,
    awaiting: undefined,
    inputRequests: Object.freeze({
      r1: Object.freeze({ key: 'r1', need: 'input', message: 'which?', request: undefined, at: 5 }),
    }),
    value: Object.freeze({ running: Object.freeze({ work: 'working', client: 'awaiting' }) }),
    event: 'task.progress',
    ...overrides,
  });
}

describe('the snapshot codec', () => {
  it('keeps a snapshot equal, undefined fields included as own fields', () => {
    const original = snapshot();
    const back = roundTrip(original);
    expect(back).toStrictEqual(original);
    expect(Object.keys(back)).toEqual(Object.keys(original));
    expect(Object.hasOwn(back, 'completedAt')).toBe(true);
    expect(Object.isFrozen(back)).toBe(true);
    expect(Object.isFrozen(back.metadata)).toBe(true);
  });

  it('keeps an Error: name, message, code, cause (nested), stack and own fields', () => {
    const inner = Object.assign(new RangeError('inner'), { code: 'E_INNER' });
    const error = Object.assign(new Error('outer', { cause: inner }), { code: 'E_OUTER', retryable: true });
    const back = roundTrip(snapshot({ state: 'failed', error })).error as Error & {
      code?: string;
      retryable?: boolean;
    };
    expect(back).toBeInstanceOf(Error);
    expect(back.name).toBe('Error');
    expect(back.message).toBe('outer');
    expect(back.code).toBe('E_OUTER');
    expect(back.retryable).toBe(true);
    expect(back.stack).toBe(error.stack);
    const cause = back.cause as Error & { code?: string };
    expect(cause.name).toBe('RangeError');
    expect(cause.message).toBe('inner');
    expect(cause.code).toBe('E_INNER');
  });

  it('brings tooltask errors back as their own class', () => {
    const original = new TaskTimeoutError('a', 50);
    const timeout = roundTrip(original);
    expect(timeout).toStrictEqual(original);
    expect(types.isNativeError(timeout)).toBe(true);
    expect(timeout).toBeInstanceOf(TaskTimeoutError);
    expect(timeout).toBeInstanceOf(TooltaskError);
    expect(timeout.code).toBe('TASK_TIMEOUT');
    expect(timeout.timeout).toBe(50);
    const transition = roundTrip(new InvalidTransitionError('a', 'complete', 'task.progress'));
    expect(transition).toBeInstanceOf(InvalidTransitionError);
    expect(transition.from).toBe('complete');
    const lost = roundTrip(new TaskLostError('a', 'node-1'));
    expect(lost).toBeInstanceOf(TaskLostError);
    expect(lost.code).toBe('TASK_LOST');
    expect(lost.owner).toBe('node-1');
    const store = roundTrip(new StoreError('save', { taskId: 'a', seq: 3 }, new Error('down')));
    expect(store).toBeInstanceOf(StoreError);
    expect(store).toMatchObject({ code: 'STORE_ERROR', operation: 'save', seq: 3, cause: { message: 'down' } });
  });

  it('keeps a cause that is not an Error, and an Error without a cause has none', () => {
    expect(roundTrip(new Error('x', { cause: { reason: 42 } })).cause).toEqual({ reason: 42 });
    expect('cause' in roundTrip(new Error('x'))).toBe(false);
    expect('cause' in roundTrip(new Error('x', { cause: undefined }))).toBe(true);
  });

  it('keeps what JSON loses: undefined in arrays, Date, bigint, NaN, Infinity, -0, Map, Set', () => {
    const value = {
      list: [1, undefined, 3],
      at: new Date(5),
      big: 12345678901234567890n,
      nan: Number.NaN,
      inf: Number.NEGATIVE_INFINITY,
      zero: -0,
      map: new Map<unknown, unknown>([['k', { v: 1 }]]),
      set: new Set([1, 'two']),
    };
    const back = roundTrip(value);
    expect(back.list).toEqual([1, undefined, 3]);
    expect(back.at).toEqual(new Date(5));
    expect(back.big).toBe(12345678901234567890n);
    expect(back.nan).toBeNaN();
    expect(back.inf).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(back.zero, -0)).toBe(true);
    expect(back.map.get('k')).toEqual({ v: 1 });
    expect([...back.set]).toEqual([1, 'two']);
  });

  it('never mistakes data for a tag', () => {
    const value = { $t: 'e', name: 'not an error', inner: { $t: 'u' } };
    expect(roundTrip(value)).toEqual(value);
  });

  it('refuses strings it did not write, with typed errors', () => {
    expect(() => decodeValue('{nope')).toThrow(InvalidArgumentError);
    expect(() => decodeValue('{"$t":"zzz"}')).toThrow(InvalidArgumentError);
  });

  it('encodes any thrown value: a cycle comes back as [Circular], a throwing getter as undefined', () => {
    const cyclic: Record<string, unknown> = { n: 1 };
    cyclic.self = cyclic;
    expect(roundTrip(cyclic)).toEqual({ n: 1, self: '[Circular]' });
    // As HTTP clients' errors are: the request refers to the error, the error to its cause and back.
    const error = new Error('socket hang up') as Error & { request?: unknown };
    const request = { error, url: '/x' };
    error.request = request;
    const wrapped = new Error('fetch failed', { cause: error });
    (error as Error & { cause?: unknown }).cause = wrapped;
    const back = roundTrip(wrapped) as Error & { cause: Error & { request: { error: unknown; url: string } } };
    expect(back).toBeInstanceOf(Error);
    expect(back.cause.message).toBe('socket hang up');
    expect(back.cause.request).toEqual({ error: '[Circular]', url: '/x' });
    const hostile = Object.defineProperty({ ok: true }, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(roundTrip(hostile)).toStrictEqual({ ok: true, boom: undefined });
  });

  it('lets a shared reference appear twice (only cycles are refused)', () => {
    const shared = { n: 1 };
    expect(roundTrip({ a: shared, b: shared })).toEqual({ a: { n: 1 }, b: { n: 1 } });
  });
});

describe("the Redis store's snapshot encoding (short names, JSON primitives written directly)", () => {
  const storedRoundTrip = (value: TaskSnapshot): TaskSnapshot => decodeSnapshot(encodeSnapshot(value));

  it('gives back every snapshot the codec would: unset fields, times, value, event, and what JSON loses', () => {
    const cyclic: Record<string, unknown> = { ok: true };
    cyclic.self = cyclic;
    const hostile = Object.defineProperty({ ok: true }, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    const cases: TaskSnapshot[] = [
      snapshot(),
      snapshot({ state: 'complete', value: 'complete', result: { n: 1.5, list: [1, 'two', null, true] } }),
      snapshot({ result: { dates: new Date(5), missing: undefined, tag: { $t: 'u' } } }),
      snapshot({ result: [1, undefined, 3] as unknown as TaskSnapshot['result'], metadata: { big: 10n } as never }),
      snapshot({ progress: Number.NaN, message: '"quoted" \u2028 ✓', error: new TaskTimeoutError('a', 5) }),
      snapshot({ result: cyclic as never, metadata: hostile as never }),
      snapshot({ value: undefined as never }),
      snapshot({ updatedAt: 1_764_000_000_000, event: 'xstate.init' }),
      snapshot({ result: Object.create({ inherited: 1 }) as never }),
    ];
    for (const original of cases) {
      expect(storedRoundTrip(original)).toStrictEqual(roundTrip(original));
    }
  });

  it('writes a finished task in about half the bytes of the plain form', () => {
    const done = snapshot({
      state: 'complete',
      value: 'complete',
      result: { ok: true },
      metadata: undefined as never,
      inputRequests: undefined as never,
      completedAt: 1_764_000_000_009,
    });
    expect(encodeSnapshot(done).length).toBeLessThan(encodeValue(done).length / 2);
  });
});
