import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import {
  createTaskManager,
  InvalidTaskIdError,
  InvalidTransitionError,
  isTerminal,
  MemoryStore,
  TaskExistsError,
  type TaskManager,
  type TaskManagerOptions,
  TaskNotFoundError,
  TooltaskError,
} from '../src/index.js';
import { freshNamespace, redisForTests } from './redis/fixtures.js';
import { hasRedis } from './redis/server.js';

/**
 * The Go contract, run against the in-memory default and against Redis (`tooltask/redis` on a real
 * redis-server): the same calls, the same answers.
 */
function goContract(createTaskManager: (options?: TaskManagerOptions) => TaskManager): void {
  it('creates a task pending, with progress 0, seq 0 and no completedAt', async () => {
    const clock = new SimulatedClock();
    clock.set(1_000);
    const tasks = createTaskManager({ clock });
    const task = await tasks.create('a', { metadata: { user: 'ada' } });
    expect(task).toEqual({
      id: 'a',
      state: 'pending',
      progress: 0,
      message: undefined,
      result: undefined,
      error: undefined,
      createdAt: 1_000,
      updatedAt: 1_000,
      startedAt: undefined,
      completedAt: undefined,
      seq: 0,
      metadata: { user: 'ada' },
      ttl: undefined,
      awaiting: undefined,
      inputRequests: undefined,
      value: 'pending',
      event: 'xstate.init',
    });
  });

  it('refuses an empty id with InvalidTaskIdError', async () => {
    const tasks = createTaskManager();
    await expect(tasks.create('')).rejects.toBeInstanceOf(InvalidTaskIdError);
    expect(await tasks.list()).toEqual([]);
  });

  it('refuses a duplicate id with TaskExistsError, live or finished', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    await expect(tasks.create('a')).rejects.toBeInstanceOf(TaskExistsError);
    await tasks.complete('a');
    await expect(tasks.create('a')).rejects.toBeInstanceOf(TaskExistsError);
    await expect(tasks.run(async () => 1, { id: 'a' })).rejects.toBeInstanceOf(TaskExistsError);
  });

  it('refuses two concurrent creates of one id: exactly one wins', async () => {
    const tasks = createTaskManager();
    const results = await Promise.allSettled([tasks.create('same'), tasks.create('same')]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await tasks.list()).toHaveLength(1);
  });

  it.each([
    ['get', (tasks: ReturnType<typeof createTaskManager>) => tasks.get('nope')],
    ['update', (tasks: ReturnType<typeof createTaskManager>) => tasks.update('nope', 0.5)],
    ['complete', (tasks: ReturnType<typeof createTaskManager>) => tasks.complete('nope', 1)],
    ['fail', (tasks: ReturnType<typeof createTaskManager>) => tasks.fail('nope', new Error('x'))],
    ['cancel', (tasks: ReturnType<typeof createTaskManager>) => tasks.cancel('nope')],
    ['wait', (tasks: ReturnType<typeof createTaskManager>) => tasks.wait('nope')],
  ])('answers %s on an unknown id with TaskNotFoundError', async (_name, call) => {
    const tasks = createTaskManager();
    const error = await call(tasks).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TaskNotFoundError);
    expect(error).toBeInstanceOf(TooltaskError);
    expect((error as TaskNotFoundError).code).toBe('TASK_NOT_FOUND');
    expect((error as Error).message).toBe('Expected a task with id `nope`, found none');
  });

  it('moves pending to running on the first update, and stays running after', async () => {
    const clock = new SimulatedClock();
    const tasks = createTaskManager({ clock });
    await tasks.create('a');
    clock.increment(5);
    const first = await tasks.update('a', 0.1, 'started');
    expect(first).toMatchObject({ state: 'running', progress: 0.1, message: 'started', startedAt: 5, seq: 1 });
    clock.increment(5);
    const second = await tasks.update('a', 0.6);
    expect(second).toMatchObject({
      state: 'running',
      progress: 0.6,
      message: 'started',
      startedAt: 5,
      updatedAt: 10,
      seq: 2,
    });
  });

  it('completes with progress 1, the result and completedAt', async () => {
    const clock = new SimulatedClock();
    const tasks = createTaskManager({ clock });
    await tasks.create('a');
    await tasks.update('a', 0.3);
    clock.increment(7);
    expect(await tasks.complete('a', { rows: 3 })).toMatchObject({
      state: 'complete',
      progress: 1,
      result: { rows: 3 },
      completedAt: 7,
    });
  });

  it('keeps the error of a failed task, and a reason of a cancelled one', async () => {
    const tasks = createTaskManager();
    await tasks.create('f');
    const error = new Error('disk full');
    expect(await tasks.fail('f', error)).toMatchObject({ state: 'failed', error });
    expect((await tasks.fail(await tasks.create('g').then((t) => t.id), 'as text')).error?.message).toBe('as text');
    await tasks.create('c');
    const cancelled = await tasks.cancel('c', 'user asked');
    expect(cancelled).toMatchObject({ state: 'cancelled', message: 'user asked' });
    expect(cancelled.completedAt).toBeTypeOf('number');
  });

  it.each(['complete', 'fail', 'cancel'] as const)('allows %s from pending and from running', async (method) => {
    const tasks = createTaskManager();
    await tasks.create('p');
    await tasks.create('r');
    await tasks.update('r', 0.5);
    for (const id of ['p', 'r']) {
      const ended =
        method === 'complete'
          ? await tasks.complete(id, 1)
          : method === 'fail'
            ? await tasks.fail(id, new Error('x'))
            : await tasks.cancel(id);
      expect(isTerminal(ended.state)).toBe(true);
    }
  });

  it.each(['complete', 'failed', 'cancelled'] as const)(
    'refuses every event once %s, and the task stays exactly as it was',
    async (state) => {
      const tasks = createTaskManager();
      await tasks.create('t');
      await tasks.update('t', 0.4, 'going');
      if (state === 'complete') await tasks.complete('t', 'r');
      if (state === 'failed') await tasks.fail('t', new Error('e'));
      if (state === 'cancelled') await tasks.cancel('t');
      const before = await tasks.get('t');
      for (const attempt of [
        () => tasks.update('t', 0.9),
        () => tasks.complete('t', 'other'),
        () => tasks.fail('t', new Error('other')),
        () => tasks.cancel('t', 'other'),
      ]) {
        const error = (await attempt().catch((caught: unknown) => caught)) as InvalidTransitionError;
        expect(error).toBeInstanceOf(InvalidTransitionError);
        expect(error.code).toBe('INVALID_TRANSITION');
        expect(error.from).toBe(state);
      }
      expect(await tasks.get('t')).toEqual(before);
    },
  );

  it('says which event was refused and from where', async () => {
    const tasks = createTaskManager();
    await tasks.create('t');
    await tasks.complete('t');
    const error = (await tasks.update('t', 0.5).catch((caught: unknown) => caught)) as InvalidTransitionError;
    expect(error.event).toBe('task.progress');
    expect(error.message).toBe(
      'Task `t` is `complete` and does not accept `task.progress` (a finished task never changes)',
    );
  });
}

describe('the Go contract, in memory', () => goContract(createTaskManager));

describe.skipIf(!hasRedis())('the Go contract, on Redis', () => {
  const redis = redisForTests();
  goContract((options) => createTaskManager({ ...options, store: redis.open(freshNamespace()) }));
});

describe('snapshots', () => {
  it('are frozen plain objects a caller cannot change', async () => {
    const tasks = createTaskManager();
    const task = await tasks.create('a', { metadata: { tag: 'x' } });
    expect(Object.isFrozen(task)).toBe(true);
    expect(Object.isFrozen(task.metadata)).toBe(true);
    expect(() => {
      (task as { state: string }).state = 'complete';
    }).toThrow(TypeError);
    expect((await tasks.get('a')).state).toBe('pending');
  });

  it('copies metadata, so changing the object passed in changes nothing', async () => {
    const tasks = createTaskManager();
    const metadata: Record<string, unknown> = { tag: 'x' };
    await tasks.create('a', { metadata });
    metadata.tag = 'changed';
    expect((await tasks.get('a')).metadata).toEqual({ tag: 'x' });
  });

  it('count seq up by one on every change', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    const seqs = [
      (await tasks.update('a', 0.1)).seq,
      (await tasks.update('a', 0.1)).seq,
      (await tasks.complete('a')).seq,
    ];
    expect(seqs).toEqual([1, 2, 3]);
  });
});

describe('the store', () => {
  it('is written through on every change, and keeps finished tasks readable', async () => {
    const store = new MemoryStore();
    const tasks = createTaskManager({ store });
    await tasks.create('a');
    expect(store.load('a')?.state).toBe('pending');
    await tasks.update('a', 0.5);
    expect(store.load('a')?.progress).toBe(0.5);
    const done = await tasks.complete('a', 'r');
    expect(store.load('a')).toBe(done);
    expect(tasks.actor('a')).toBeUndefined();
    expect(await tasks.get('a')).toBe(done);
  });

  it('lists in creation order, filtered by one state or several', async () => {
    const tasks = createTaskManager();
    for (const id of ['a', 'b', 'c', 'd']) await tasks.create(id);
    await tasks.update('b', 0.5);
    await tasks.complete('c');
    expect((await tasks.list()).map((task) => task.id)).toEqual(['a', 'b', 'c', 'd']);
    expect((await tasks.list({ state: 'pending' })).map((task) => task.id)).toEqual(['a', 'd']);
    expect((await tasks.list({ state: ['running', 'complete'] })).map((task) => task.id)).toEqual(['b', 'c']);
  });

  it('accepts a store that answers with Promises', async () => {
    const inner = new MemoryStore();
    const later = <T>(value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), 1));
    const tasks = createTaskManager({
      store: {
        save: (task) => later(inner.save(task)),
        load: (id) => later(inner.load(id)),
        loadAll: (state) => later(inner.loadAll(state)),
        delete: (id) => later(inner.delete(id)),
        page: (query) => later(inner.page(query)),
      },
    });
    await tasks.create('a');
    await expect(tasks.create('a')).rejects.toBeInstanceOf(TaskExistsError);
    await tasks.complete('a', 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await tasks.get('a')).toMatchObject({ state: 'complete', result: 1 });
    expect((await tasks.page({ limit: 10 })).tasks).toHaveLength(1);
    await expect(tasks.get('nope')).rejects.toBeInstanceOf(TaskNotFoundError);
  });
});

describe('peek()', () => {
  it('reads a live or retained task synchronously, and answers undefined for none', async () => {
    const tasks = createTaskManager();
    const created = await tasks.create('a');
    expect(tasks.peek('a')).toBe(created);
    const done = await tasks.complete('a', 1);
    expect(tasks.peek('a')).toBe(done);
    expect(tasks.peek('nope')).toBeUndefined();
    expect(tasks.peek(42 as unknown as string)).toBeUndefined();
  });

  it('answers undefined for a finished task only a Promise-answering store holds', async () => {
    const inner = new MemoryStore();
    const tasks = createTaskManager({
      store: {
        save: (task) => inner.save(task),
        load: async (id) => inner.load(id),
        loadAll: (state) => inner.loadAll(state),
        delete: (id) => inner.delete(id),
        page: (query) => inner.page(query),
      },
    });
    await tasks.create('a');
    expect(tasks.peek('a')?.state).toBe('pending');
    await tasks.complete('a');
    expect(tasks.peek('a')).toBeUndefined();
    expect((await tasks.get('a')).state).toBe('complete');
  });
});

describe('actors', () => {
  it('gives each live task its own actor, owned by the registry', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    const actor = tasks.actor('a');
    expect(actor?.getSnapshot().value).toBe('pending');
    expect(tasks.registry.getSnapshot().context.tasks.get('a')).toBe(actor);
    expect(tasks.registry.getSnapshot().context.live).toBe(1);
    await tasks.complete('a');
    expect(tasks.actor('a')).toBeUndefined();
    expect(tasks.registry.getSnapshot().context.live).toBe(0);
    expect(actor?.getSnapshot().status).toBe('done');
  });
});
