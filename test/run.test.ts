import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import {
  createTaskManager,
  ManagerDisposedError,
  TaskCancelledError,
  TaskNotFoundError,
  type TaskSnapshot,
  TaskTimeoutError,
} from '../src/index.js';
import { controlledWork, flush, recorder } from './helpers.js';

describe('run()', () => {
  it('runs the work, reports its progress and completes with its value', async () => {
    const tasks = createTaskManager();
    const seen = recorder<TaskSnapshot>();
    const first = await tasks.run(
      async ({ progress }) => {
        progress(0.5, 'half');
        await flush();
        progress(0.75);
        return 'value';
      },
      { id: 'job', metadata: { kind: 'demo' } },
    );
    expect(first).toMatchObject({ id: 'job', state: 'running', metadata: { kind: 'demo' } });
    tasks.subscribe('job').subscribe(seen.observer);
    const done = await tasks.wait('job');
    expect(done).toMatchObject({ state: 'complete', result: 'value', progress: 1, message: 'half' });
    expect(seen.values.map((task) => task.progress)).toEqual([0.5, 0.75, 1]);
    expect(seen.completed).toBe(true);
  });

  it('gives a random UUID when no id is given', async () => {
    const tasks = createTaskManager();
    const { id } = await tasks.run(() => 1);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect((await tasks.wait(id)).result).toBe(1);
  });

  it('fails the task with the error a work rejects with', async () => {
    const tasks = createTaskManager();
    const error = new Error('upstream 503');
    const { id } = await tasks.run(async () => {
      throw error;
    });
    expect(await tasks.wait(id)).toMatchObject({ state: 'failed', error });
  });

  it('fails the task when the work throws synchronously', async () => {
    const tasks = createTaskManager();
    const { id } = await tasks.run(() => {
      throw new TypeError('bad');
    });
    const done = await tasks.wait(id);
    expect(done.state).toBe('failed');
    expect(done.error).toBeInstanceOf(TypeError);
  });

  it('wraps a non-Error rejection in an Error whose cause is that value', async () => {
    const tasks = createTaskManager();
    const { id } = await tasks.run(() => Promise.reject({ status: 418 }));
    const done = await tasks.wait(id);
    expect(done.error).toBeInstanceOf(Error);
    expect(done.error?.cause).toEqual({ status: 418 });
    expect(done.error?.message).toBe('Task failed with a non-Error value: an object');
  });

  it('fails a work whose progress() is called with bad progress, with that error', async () => {
    const tasks = createTaskManager();
    const { id } = await tasks.run(({ progress }) => progress(2));
    const done = await tasks.wait(id);
    expect(done.state).toBe('failed');
    expect(done.error?.message).toBe('Expected `progress` to be a number between 0 and 1, got `2` (number)');
  });

  it('refuses update() on a task whose work waits for a slot: progress comes from the work', async () => {
    const tasks = createTaskManager({ concurrency: 1 });
    await tasks.run(controlledWork().work, { id: 'busy' });
    await tasks.run(controlledWork().work, { id: 'queued' });
    await expect(tasks.update('queued', 0.5)).rejects.toThrow('its work has not started');
  });
});

describe('cancellation', () => {
  it('aborts the work at once with a TaskCancelledError, and ignores its late result', async () => {
    const tasks = createTaskManager();
    const work = controlledWork();
    const seen = recorder<TaskSnapshot>();
    await tasks.run(work.work, { id: 'job' });
    tasks.subscribe('job').subscribe(seen.observer);
    const cancelled = await tasks.cancel('job', 'user asked');
    const signal = work.context?.signal as AbortSignal;
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(TaskCancelledError);
    expect((signal.reason as TaskCancelledError).reason).toBe('user asked');
    work.context?.progress(0.9);
    work.resolve('too late');
    await flush();
    expect(await tasks.get('job')).toBe(cancelled);
    expect(seen.values.map((task) => task.state)).toEqual(['running', 'cancelled']);
    expect(seen.completed).toBe(true);
  });

  it('ignores a late rejection as well', async () => {
    const tasks = createTaskManager();
    const work = controlledWork();
    await tasks.run(work.work, { id: 'job' });
    const cancelled = await tasks.cancel('job');
    work.reject(new Error('aborted'));
    await flush();
    expect(await tasks.get('job')).toBe(cancelled);
  });

  it('cancels through an outside AbortSignal', async () => {
    const tasks = createTaskManager();
    const work = controlledWork();
    const outside = new AbortController();
    await tasks.run(work.work, { id: 'job', signal: outside.signal });
    outside.abort(new Error('page closed'));
    expect(await tasks.get('job')).toMatchObject({ state: 'cancelled', message: 'page closed' });
    expect(work.context?.signal.aborted).toBe(true);
  });

  it('never starts a task whose outside signal is already aborted', async () => {
    const tasks = createTaskManager();
    const work = controlledWork();
    const first = await tasks.run(work.work, { id: 'job', signal: AbortSignal.abort('gone') });
    expect(first.state).toBe('cancelled');
    expect(first.message).toBe('gone');
    expect(work.started).toBe(false);
  });

  it('aborts the work when the task is failed from outside', async () => {
    const tasks = createTaskManager();
    const work = controlledWork();
    await tasks.run(work.work, { id: 'job' });
    const error = new Error('operator stopped it');
    await tasks.fail('job', error);
    expect(work.context?.signal.reason).toBe(error);
  });
});

describe('timeouts', () => {
  it('fail the task with TaskTimeoutError and abort the work, on the injected clock', async () => {
    const clock = new SimulatedClock();
    const tasks = createTaskManager({ clock });
    const work = controlledWork();
    const seen = recorder<TaskSnapshot>();
    await tasks.run(work.work, { id: 'job', timeout: 1_000 });
    tasks.subscribe('job').subscribe(seen.observer);
    clock.increment(999);
    expect((await tasks.get('job')).state).toBe('running');
    clock.increment(1);
    const done = await tasks.get('job');
    expect(done).toMatchObject({ state: 'failed', completedAt: 1_000 });
    expect(done.error).toBeInstanceOf(TaskTimeoutError);
    expect((done.error as TaskTimeoutError).code).toBe('TASK_TIMEOUT');
    expect(work.context?.signal.reason).toBeInstanceOf(TaskTimeoutError);
    work.resolve('late');
    await flush();
    expect(await tasks.get('job')).toBe(done);
    expect(seen.values.map((task) => task.state)).toEqual(['running', 'failed']);
    expect(seen.completed).toBe(true);
  });

  it('count from when the work starts, not from run()', async () => {
    const clock = new SimulatedClock();
    const tasks = createTaskManager({ clock, concurrency: 1 });
    const first = controlledWork();
    await tasks.run(first.work, { id: 'first' });
    await tasks.run(controlledWork().work, { id: 'second', timeout: 100 });
    clock.increment(500);
    expect((await tasks.get('second')).state).toBe('pending');
    first.resolve('ok');
    await flush();
    expect((await tasks.get('second')).state).toBe('running');
    clock.increment(99);
    expect((await tasks.get('second')).state).toBe('running');
    clock.increment(1);
    expect((await tasks.get('second')).state).toBe('failed');
  });

  it('are disarmed when the work finishes first', async () => {
    const clock = new SimulatedClock();
    const tasks = createTaskManager({ clock });
    const { id } = await tasks.run(async () => 'quick', { timeout: 50 });
    await tasks.wait(id);
    clock.increment(100);
    expect((await tasks.get(id)).state).toBe('complete');
  });
});

describe('a work that never settles', () => {
  it('stays running until cancelled, and then nothing holds it', async () => {
    const tasks = createTaskManager();
    const { id } = await tasks.run(() => new Promise(() => {}));
    expect((await tasks.get(id)).state).toBe('running');
    await tasks.cancel(id);
    expect(tasks.actor(id)).toBeUndefined();
    expect(tasks.registry.getSnapshot().context.live).toBe(0);
  });
});

describe('wait()', () => {
  it('resolves with failed and cancelled tasks too: failure is data', async () => {
    const tasks = createTaskManager();
    await tasks.create('f');
    await tasks.create('c');
    const failed = tasks.wait('f');
    const cancelled = tasks.wait('c');
    await tasks.fail('f', 'nope');
    await tasks.cancel('c');
    expect((await failed).state).toBe('failed');
    expect((await cancelled).state).toBe('cancelled');
    expect((await tasks.wait('f')).state).toBe('failed');
  });

  it('rejects with its own signal reason and leaves the task alone', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    const stop = new AbortController();
    const waiting = tasks.wait('a', { signal: stop.signal });
    stop.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    expect((await tasks.get('a')).state).toBe('pending');
    await expect(tasks.wait('a', { signal: AbortSignal.abort(new Error('already')) })).rejects.toThrow('already');
  });

  it('rejects for an unknown id', async () => {
    const tasks = createTaskManager();
    await expect(tasks.wait('nope')).rejects.toBeInstanceOf(TaskNotFoundError);
  });
});

describe('concurrency', () => {
  it('runs at most n works at once, starts waiting ones first in first out, and finishes all', async () => {
    const tasks = createTaskManager({ concurrency: 2 });
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const { id } = await tasks.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await flush();
        running--;
        return i;
      });
      ids.push(id);
    }
    expect(tasks.registry.getSnapshot().context).toMatchObject({ running: 2, queued: 8 });
    const done = await Promise.all(ids.map((id) => tasks.wait(id)));
    expect(done.map((task) => task.result)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(2);
  });

  it('takes a cancelled waiting task out of the queue: it never starts', async () => {
    const tasks = createTaskManager({ concurrency: 1 });
    const first = controlledWork();
    const second = controlledWork();
    const third = controlledWork();
    await tasks.run(first.work, { id: 'first' });
    await tasks.run(second.work, { id: 'second' });
    await tasks.run(third.work, { id: 'third' });
    await tasks.cancel('second');
    expect(tasks.registry.getSnapshot().context.queued).toBe(1);
    first.resolve(1);
    await flush();
    expect(second.started).toBe(false);
    expect(third.started).toBe(true);
  });

  it('does not count tasks driven by update() against the limit', async () => {
    const tasks = createTaskManager({ concurrency: 1 });
    await tasks.create('manual');
    await tasks.update('manual', 0.5);
    const { id } = await tasks.run(controlledWork().work);
    expect((await tasks.get(id)).state).toBe('running');
  });
});

describe('retention', () => {
  it('removes a finished task exactly `retention` ms after it ended, and never a live one', async () => {
    const clock = new SimulatedClock();
    const tasks = createTaskManager({ clock, retention: 1_000 });
    await tasks.create('done');
    await tasks.create('live');
    clock.increment(10);
    await tasks.complete('done');
    await tasks.update('live', 0.5);
    clock.set(1_009);
    expect((await tasks.get('done')).state).toBe('complete');
    clock.increment(1);
    await expect(tasks.get('done')).rejects.toBeInstanceOf(TaskNotFoundError);
    expect((await tasks.list()).map((task) => task.id)).toEqual(['live']);
    clock.increment(1_000_000);
    expect((await tasks.get('live')).state).toBe('running');
  });

  it('lets a task ttl override the manager retention', async () => {
    const clock = new SimulatedClock();
    const tasks = createTaskManager({ clock, retention: 1_000 });
    await tasks.create('short', { ttl: 10 });
    await tasks.create('forever', { ttl: Number.POSITIVE_INFINITY });
    expect((await tasks.get('short')).ttl).toBe(10);
    expect((await tasks.get('forever')).ttl).toBeUndefined();
    await tasks.complete('short');
    await tasks.complete('forever');
    clock.increment(10);
    await expect(tasks.get('short')).rejects.toBeInstanceOf(TaskNotFoundError);
    clock.increment(10_000);
    expect((await tasks.get('forever')).state).toBe('complete');
  });

  it('with retention 0 removes a task as it ends, after its subscribers and waiters got the end', async () => {
    const tasks = createTaskManager({ retention: 0 });
    const seen = recorder<TaskSnapshot>();
    const { id } = await tasks.run(async () => 'r');
    tasks.subscribe(id).subscribe(seen.observer);
    const done = await tasks.wait(id);
    expect(done.result).toBe('r');
    expect(seen.values.at(-1)?.state).toBe('complete');
    await expect(tasks.get(id)).rejects.toBeInstanceOf(TaskNotFoundError);
  });

  it('keeps finished tasks forever by default', async () => {
    const clock = new SimulatedClock();
    const tasks = createTaskManager({ clock });
    await tasks.create('a');
    await tasks.complete('a');
    clock.increment(365 * 24 * 3_600_000);
    expect((await tasks.get('a')).state).toBe('complete');
  });
});

describe('page()', () => {
  it('walks every task in creation order, in pages of `limit`', async () => {
    const tasks = createTaskManager();
    for (let i = 0; i < 25; i++) await tasks.create(`t${i}`);
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await tasks.page({ limit: 10, ...(cursor === undefined ? {} : { cursor }) });
      pages.push(page.tasks.map((task) => task.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(Array.from({ length: 25 }, (_, i) => `t${i}`));
  });

  it('filters by state, from its own index', async () => {
    const tasks = createTaskManager();
    for (let i = 0; i < 10; i++) await tasks.create(`t${i}`);
    for (const i of [1, 4, 7]) await tasks.complete(`t${i}`);
    const page = await tasks.page({ state: 'complete', limit: 2 });
    expect(page.tasks.map((task) => task.id)).toEqual(['t1', 't4']);
    const rest = await tasks.page({ state: 'complete', limit: 2, cursor: page.nextCursor as string });
    expect(rest.tasks.map((task) => task.id)).toEqual(['t7']);
    expect(rest.nextCursor).toBeUndefined();
  });

  it('sees no task twice and misses none that lived throughout, while tasks churn', async () => {
    const clock = new SimulatedClock();
    const tasks = createTaskManager({ clock, retention: 0 });
    const survivors: string[] = [];
    for (let i = 0; i < 300; i++) {
      await tasks.create(`s${i}`);
      survivors.push(`s${i}`);
      await tasks.create(`e${i}`);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let round = 0;
    do {
      const page = await tasks.page({ limit: 37, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.tasks.map((task) => task.id));
      cursor = page.nextCursor;
      // Churn between pages: ephemeral tasks end (and go, retention 0), new ones come.
      for (let k = 0; k < 20; k++) {
        const victim = `e${round * 20 + k}`;
        if (k % 2 === 0) await tasks.complete(victim).catch(() => {});
        await tasks.create(`n${round}-${k}`);
      }
      round++;
    } while (cursor !== undefined);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of survivors) expect(seen).toContain(id);
  });
});

describe('dispose()', () => {
  it('cancels every live task, aborts works, completes subscribers and resolves waiters', async () => {
    const tasks = createTaskManager({ concurrency: 1 });
    const running = controlledWork();
    const queued = controlledWork();
    await tasks.run(running.work, { id: 'running' });
    await tasks.run(queued.work, { id: 'queued' });
    await tasks.create('manual');
    const seen = recorder<TaskSnapshot>();
    tasks.subscribe('running').subscribe(seen.observer);
    const waiters = ['running', 'queued', 'manual'].map((id) => tasks.wait(id));
    await tasks.dispose();
    expect((await Promise.all(waiters)).map((task) => `${task.state}:${task.message}`)).toEqual([
      'cancelled:disposed',
      'cancelled:disposed',
      'cancelled:disposed',
    ]);
    expect(running.context?.signal.reason).toBeInstanceOf(TaskCancelledError);
    expect(queued.started).toBe(false);
    expect(seen.completed).toBe(true);
    expect(tasks.registry.getSnapshot().status).toBe('stopped');
  });

  it('leaves finished tasks readable and refuses changes with ManagerDisposedError', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    await tasks.dispose();
    await tasks.dispose();
    expect((await tasks.get('a')).state).toBe('cancelled');
    await expect(tasks.create('b')).rejects.toBeInstanceOf(ManagerDisposedError);
    await expect(tasks.run(async () => 1)).rejects.toMatchObject({ code: 'MANAGER_DISPOSED' });
  });

  it('works with await using', async () => {
    let outside: ReturnType<typeof createTaskManager> | undefined;
    {
      await using tasks = createTaskManager();
      outside = tasks;
      await tasks.create('a');
    }
    expect((await outside.get('a')).state).toBe('cancelled');
  });
});
