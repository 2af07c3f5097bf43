import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createTaskManager, InvalidArgumentError, type TaskSnapshot } from '../src/index.js';
import { FaultStore } from './faultStore.js';
import { flush } from './helpers.js';

/** A Proxy revoked before anyone reads it: every trap throws a TypeError. */
function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** An object each of whose traps throws `boom`. */
function trapped(): object {
  const boom = () => {
    throw new Error('boom');
  };
  return new Proxy({}, { get: boom, ownKeys: boom, getPrototypeOf: boom, has: boom, getOwnPropertyDescriptor: boom });
}

describe('a work that throws a value of any shape fails its task and harms nothing else', () => {
  for (const [name, make] of [
    ['a revoked Proxy', revoked],
    ['an object whose traps throw', trapped],
  ] as const) {
    it(`throws ${name}: the task fails, later runs and dispose() go on`, async () => {
      const tasks = createTaskManager();
      const { id } = await tasks.run(async () => {
        throw make();
      });
      const failed = await tasks.wait(id);
      expect(failed.state).toBe('failed');
      expect(failed.error).toBeInstanceOf(Error);
      expect(failed.error?.message).toMatch(/cannot be read/);
      expect(tasks.registry.getSnapshot().status).toBe('active');
      const next = await tasks.run(async () => 'fine');
      expect((await tasks.wait(next.id)).result).toBe('fine');
      await tasks.dispose();
    });

    it(`returns ${name}: the task fails (awaiting it reads its then, which throws)`, async () => {
      const tasks = createTaskManager();
      const { id } = await tasks.run(async () => make());
      const failed = await tasks.wait(id);
      expect(failed.state).toBe('failed');
      expect(failed.error).toBeInstanceOf(Error);
      await tasks.dispose();
    });
  }

  it('throws an Error whose message getter throws: the task fails with a readable Error', async () => {
    const tasks = createTaskManager();
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', {
      get() {
        throw new Error('no message for you');
      },
    });
    const { id } = await tasks.run(async () => {
      throw hostile;
    });
    const failed = await tasks.wait(id);
    expect(failed.state).toBe('failed');
    expect(failed.error?.message).toMatch(/cannot be read/);
    await tasks.dispose();
  });
});

describe('arguments whose reading throws are InvalidArgumentError, and change nothing', () => {
  it('respond, requestInput and fail with throwing getters or traps', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    const asked = await tasks.requestInput('a', { message: 'Name?' });
    const throwingGetter = Object.defineProperty({}, 'need', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['respond with a trapped object', () => tasks.respond('a', trapped() as Record<string, unknown>)],
      ['respond with a revoked Proxy', () => tasks.respond('a', revoked() as Record<string, unknown>)],
      ['requestInput with a throwing getter', () => tasks.requestInput('a', throwingGetter)],
      ['requestInput with a trapped object', () => tasks.requestInput('a', trapped())],
      ['fail with a revoked Proxy', () => tasks.fail('a', revoked() as Error)],
      ['fail with a trapped object', () => tasks.fail('a', trapped() as Error)],
    ];
    for (const [, call] of calls) await expect(call()).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await tasks.get('a')).toEqual(asked);
    await tasks.dispose();
  });

  it('metadata given as a Proxy whose ownKeys throws, to run() and create()', async () => {
    const tasks = createTaskManager();
    const metadata = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
      },
    );
    await expect(tasks.run(async () => 1, { id: 'r', metadata })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(tasks.create('c', { metadata })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(tasks.create('d', revoked())).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await tasks.list()).toEqual([]);
    await tasks.dispose();
  });
});

describe('wait() and its AbortSignal', () => {
  it('rejects when the signal aborts while its first store read is in flight', async () => {
    let hang = false;
    const store = new FaultStore({ fault: (operation) => (hang && operation === 'load' ? 'hang' : undefined) });
    const tasks = createTaskManager({ store });
    await tasks.create('a');
    // A second manager over the same store: the task is not live there, so its wait() asks the store.
    const reader = createTaskManager({ store });
    hang = true;
    const controller = new AbortController();
    const waiting = reader.wait('a', { signal: controller.signal });
    await flush();
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    await reader.dispose();
    await tasks.dispose();
  });

  it('1,000 waits sharing one signal add one listener, and none is left once they settle', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    const controller = new AbortController();
    const waits = Array.from({ length: 1_000 }, () => tasks.wait('a', { signal: controller.signal }));
    await flush();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await tasks.complete('a');
    await Promise.all(waits);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await tasks.dispose();
  });

  it('after thousands of sequential run() calls with one signal, no listener is left on it', async () => {
    const tasks = createTaskManager({ retention: 0 });
    const controller = new AbortController();
    for (let index = 0; index < 2_000; index++) await tasks.run(() => index, { signal: controller.signal });
    await flush();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await tasks.dispose();
  });
});

describe('every call resolves with the snapshot its own event made', () => {
  it('create() resolves pending even when a changes$ subscriber starts the task at once', async () => {
    const tasks = createTaskManager();
    tasks.changes$.subscribe((task) => {
      if (task.seq === 0) void tasks.update(task.id, 0.5, 'started by a subscriber');
    });
    const created: TaskSnapshot = await tasks.create('a');
    expect(created).toMatchObject({ state: 'pending', seq: 0 });
    expect((await tasks.get('a')).state).toBe('running');
    await tasks.dispose();
  });

  it('run() resolves with the start, not with what a subscriber did after it', async () => {
    const tasks = createTaskManager();
    tasks.changes$.subscribe((task) => {
      if (task.state === 'running' && task.progress === 0) void tasks.update(task.id, 0.5).catch(() => {});
    });
    const ran = await tasks.run(() => new Promise(() => {}), { id: 'r' });
    expect(ran).toMatchObject({ state: 'running', progress: 0 });
    await tasks.dispose();
  });
});
