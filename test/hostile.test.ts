import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Clock,
  createTaskManager,
  InvalidArgumentError,
  InvalidTaskIdError,
  systemClock,
  type TaskManager,
} from '../src/index.js';
import { controlledWork, flush } from './helpers.js';

const DAY = 24 * 60 * 60 * 1000;

describe('time: durations beyond what a platform timer takes', () => {
  it('a 30-day retention, ttl and timeout arm the timer without spinning or warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    let armed = 0;
    const clock: Clock = {
      now: () => systemClock.now(),
      setTimeout: (callback, ms) => {
        armed++;
        return systemClock.setTimeout(callback, ms);
      },
      clearTimeout: (handle) => systemClock.clearTimeout(handle),
    };
    const tasks = createTaskManager({ clock, retention: 30 * DAY });
    await tasks.create('a', { ttl: 60 * DAY });
    await tasks.complete('a');
    await tasks.run(() => new Promise(() => {}), { id: 'b', timeout: 30 * DAY });
    const before = armed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(armed - before).toBe(0);
    await tasks.dispose();
    process.off('warning', onWarning);
    expect(warnings.filter((warning) => warning.name === 'TimeoutOverflowWarning')).toEqual([]);
  });
});

describe('signals: one AbortSignal shared by many tasks', () => {
  it('adds one listener whatever the number of tasks, cancels all of them on abort, no warning', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const tasks = createTaskManager();
    const controller = new AbortController();
    const aborted: AbortSignal[] = [];
    const count = 2_000;
    for (let index = 0; index < count; index++) {
      await tasks.run(
        ({ signal }) => {
          aborted.push(signal);
          return new Promise(() => {});
        },
        { signal: controller.signal },
      );
    }
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(new Error('user left'));
    await flush();
    expect(aborted.filter((signal) => signal.aborted)).toHaveLength(count);
    expect(await tasks.list({ state: 'cancelled' })).toHaveLength(count);
    expect((await tasks.list({ state: 'cancelled' }))[0]?.message).toBe('user left');
    process.off('warning', onWarning);
    expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
    await tasks.dispose();
  });

  it('a task that ends lets go of the shared signal', async () => {
    const tasks = createTaskManager();
    const controller = new AbortController();
    const work = controlledWork();
    const { id } = await tasks.run(work.work, { signal: controller.signal });
    work.resolve('done');
    await tasks.wait(id);
    controller.abort();
    expect((await tasks.get(id)).state).toBe('complete');
    await tasks.dispose();
  });
});

describe('snapshots are deep, frozen copies of JSON data', () => {
  let tasks: TaskManager;
  afterEach(() => tasks.dispose());

  it('a caller changing its metadata or result afterwards changes nothing stored', async () => {
    tasks = createTaskManager();
    const metadata = { user: { name: 'ada' }, tags: ['a'] };
    const result = { rows: [{ id: 1 }] };
    await tasks.create('t', { metadata });
    await tasks.complete('t', result);
    metadata.user.name = 'eve';
    metadata.tags.push('b');
    result.rows.push({ id: 2 });
    const snapshot = await tasks.get('t');
    expect(snapshot.metadata).toEqual({ user: { name: 'ada' }, tags: ['a'] });
    expect(snapshot.result).toEqual({ rows: [{ id: 1 }] });
    expect(Object.isFrozen(snapshot.metadata?.user)).toBe(true);
    expect(Object.isFrozen((snapshot.result as { rows: unknown[] }).rows[0])).toBe(true);
    expect(() => {
      (snapshot.metadata as { tags: string[] }).tags.push('c');
    }).toThrow(TypeError);
  });

  it('a work’s result is copied too', async () => {
    tasks = createTaskManager();
    const value = { list: [1, 2] };
    const { id } = await tasks.run(async () => value);
    const done = await tasks.wait(id);
    value.list.push(3);
    expect(done.result).toEqual({ list: [1, 2] });
  });

  it('refuses what is not JSON data, naming where it sits, and changes nothing', async () => {
    tasks = createTaskManager();
    await expect(tasks.create('m', { metadata: { when: new Map() } })).rejects.toThrow(
      'Expected `metadata.when` to be JSON data, got a Map',
    );
    await expect(tasks.create('d', { metadata: { at: new Date() } })).rejects.toThrow(
      'Expected `metadata.at` to be JSON data, got a Date',
    );
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    await expect(tasks.create('c', { metadata: cycle })).rejects.toThrow('got a cycle');
    await expect(tasks.create('n', { metadata: { n: Number.NaN } })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await tasks.list()).toEqual([]);
    await tasks.create('r');
    await expect(tasks.complete('r', { f: () => 1 })).rejects.toThrow(
      'Expected `result.f` to be JSON data, got a function',
    );
    expect((await tasks.get('r')).state).toBe('pending');
    const { id } = await tasks.run(async () => new Set([1]));
    expect(await tasks.wait(id)).toMatchObject({ state: 'failed', error: { code: 'INVALID_ARGUMENT' } });
  });

  it('a getter that throws is an InvalidArgumentError whose cause is what it threw', async () => {
    tasks = createTaskManager();
    const boom = new Error('getter');
    const metadata = {
      get secret(): string {
        throw boom;
      },
    };
    const error = await tasks.create('g', { metadata }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toBe(
      'Expected `metadata.secret` to be readable JSON data, got a getter that threw',
    );
    expect((error as Error).cause).toBe(boom);
  });
});

describe('null is a value, and is checked like one', () => {
  let tasks: TaskManager;
  afterEach(() => tasks?.dispose());

  const nulls: Array<[string, () => unknown, new (...args: never[]) => Error]> = [
    ['run id', () => tasks.run(async () => 1, { id: null as never }), InvalidTaskIdError],
    ['run timeout', () => tasks.run(async () => 1, { timeout: null as never }), InvalidArgumentError],
    ['create ttl', () => tasks.create('a', { ttl: null as never }), InvalidArgumentError],
    ['create metadata', () => tasks.create('a', { metadata: null as never }), InvalidArgumentError],
    ['page limit', () => tasks.page({ limit: null as never }), InvalidArgumentError],
    ['page cursor', () => tasks.page({ cursor: null as never }), InvalidArgumentError],
    ['page state', () => tasks.page({ state: null as never }), InvalidArgumentError],
    ['list state', () => tasks.list({ state: null as never }), InvalidArgumentError],
    ['run signal', () => tasks.run(async () => 1, { signal: null as never }), InvalidArgumentError],
  ];
  for (const [name, call, type] of nulls) {
    it(`refuses a null ${name}`, async () => {
      tasks = createTaskManager();
      await expect(Promise.resolve().then(call)).rejects.toBeInstanceOf(type);
      expect(await tasks.list()).toEqual([]);
    });
  }

  for (const option of ['retention', 'concurrency', 'storeTimeout', 'store', 'clock', 'inspect'] as const) {
    it(`refuses a null manager option \`${option}\``, () => {
      tasks = createTaskManager();
      expect(() => createTaskManager({ [option]: null } as never)).toThrow(InvalidArgumentError);
    });
  }

  it('refuses a well-formed cursor that page() never issued', async () => {
    tasks = createTaskManager();
    for (let index = 0; index < 5; index++) await tasks.create(`t${index}`);
    const { nextCursor } = await tasks.page({ limit: 2 });
    expect(nextCursor).toBeDefined();
    const [ordinal = '', check = ''] = (nextCursor as string).split('.');
    const forged = `${(Number.parseInt(ordinal, 36) + 1).toString(36)}.${check}`;
    await expect(tasks.page({ cursor: forged })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(tasks.page({ cursor: 'zz.0' })).rejects.toBeInstanceOf(InvalidArgumentError);
    const other = createTaskManager();
    for (let index = 0; index < 5; index++) await other.create(`t${index}`);
    await expect(other.page({ cursor: nextCursor as string })).rejects.toBeInstanceOf(InvalidArgumentError);
    await other.dispose();
  });
});

describe('ids everywhere', () => {
  it('run() without an id works where crypto.randomUUID is missing (a page over plain HTTP)', async () => {
    // Shadows the prototype's method with an own property, as a non-secure context lacks it.
    Object.defineProperty(globalThis.crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      const tasks = createTaskManager();
      const ids = new Set<string>();
      for (let index = 0; index < 100; index++) ids.add((await tasks.run(async () => index)).id);
      expect(ids.size).toBe(100);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      await tasks.dispose();
    } finally {
      delete (globalThis.crypto as { randomUUID?: unknown }).randomUUID;
    }
    expect(typeof globalThis.crypto.randomUUID).toBe('function');
  });
});
