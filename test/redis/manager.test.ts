import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createTaskManager,
  InvalidTransitionError,
  TaskExistsError,
  type TaskManager,
  TaskNotFoundError,
  type TaskSnapshot,
} from '../../src/index.js';
import { redisStore } from '../../src/redis/index.js';
import { controlledWork } from '../helpers.js';
import { freshNamespace, until } from './fixtures.js';
import { hasRedis, type RedisServer, startRedis } from './server.js';

const node = process.execPath;

describe.skipIf(!hasRedis())('managers in several processes on one Redis namespace', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  let redis: RedisServer | undefined;
  const server = async () => {
    if (redis === undefined) {
      redis = await startRedis();
      const started = redis;
      cleanup.push(async () => {
        await started.close();
        redis = undefined;
      });
    }
    return redis;
  };
  /** Managers on one fresh namespace, each with a store (connections, lease) of its own. */
  const managers = async (count: number, lease = 1000): Promise<TaskManager[]> => {
    const { url } = await server();
    const namespace = freshNamespace();
    const stores = Array.from({ length: count }, () => redisStore({ url, namespace, lease }));
    const made = stores.map((store) => {
      const manager = createTaskManager({ store });
      cleanup.push(() => manager.dispose());
      return manager;
    });
    await Promise.all(stores.map((store) => store.cluster.start()));
    return made;
  };

  it('sees a task created on A from B: get, list, page, wait; peek answers undefined there', async () => {
    const [a, b] = (await managers(2)) as [TaskManager, TaskManager];
    const created = await a.create('job', { metadata: { user: 'ada' } });
    expect(await b.get('job')).toEqual(created);
    expect(b.peek('job')).toBeUndefined();
    expect((await b.list()).map((task) => task.id)).toEqual(['job']);
    expect((await b.page({ state: 'pending' })).tasks.map((task) => task.id)).toEqual(['job']);
    const waiting = b.wait('job');
    await a.complete('job', { rows: 3 });
    expect(await waiting).toMatchObject({ state: 'complete', result: { rows: 3 } });
  });

  it('lets exactly one of two managers racing to create one id win', async () => {
    const [a, b] = (await managers(2)) as [TaskManager, TaskManager];
    const results = await Promise.allSettled([a.create('same'), b.create('same')]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(TaskExistsError);
  });

  it('runs B’s calls through A’s chart: the snapshot A’s event made, or A’s typed error', async () => {
    const [a, b] = (await managers(2)) as [TaskManager, TaskManager];
    const work = controlledWork();
    const { id } = await a.run(work.work, { id: 'w' });
    const updated = await b.update(id, 0.5, 'half (from B)');
    expect(updated).toMatchObject({ state: 'running', progress: 0.5, message: 'half (from B)' });
    expect(a.peek(id)).toEqual(updated);
    await expect(b.update(id, 2)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const cancelled = await b.cancel(id, 'stop from B');
    expect(cancelled).toMatchObject({ state: 'cancelled', message: 'stop from B' });
    expect(work.context?.signal.aborted).toBe(true);
    await expect(b.complete(id, 1)).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(b.cancel('nope')).rejects.toBeInstanceOf(TaskNotFoundError);
  });

  it('answers A’s work’s question from B: inputRequests visible on B, respond resolves A’s ask', async () => {
    const [a, b] = (await managers(2)) as [TaskManager, TaskManager];
    const { id } = await a.run(async ({ ask }) => `hello ${await ask<string>({ message: 'name?' })}`);
    await until(async () => (await b.get(id)).awaiting === 'input');
    const asked = await b.get(id);
    expect(Object.keys(asked.inputRequests ?? {})).toEqual(['r1']);
    await b.respond(id, { r1: 'ada' });
    expect(await b.wait(id)).toMatchObject({ state: 'complete', result: 'hello ada' });
  });

  it('follows A’s task from B: the current snapshot, then every change in order, then completion', async () => {
    const [a, b] = (await managers(2)) as [TaskManager, TaskManager];
    await a.create('f');
    await a.update('f', 0.1);
    const seen: TaskSnapshot[] = [];
    const done = new Promise<void>((resolve) =>
      b.subscribe('f').subscribe({ next: (task) => seen.push(task), complete: resolve }),
    );
    await until(() => seen.length > 0);
    for (let step = 2; step <= 9; step++) await a.update('f', step / 10);
    await a.complete('f');
    await done;
    expect(seen.map((task) => task.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(seen.at(-1)?.state).toBe('complete');
  });

  it('follows every change of a busy task from B, none skipped: 50 progress calls in one go', async () => {
    const [a, b] = (await managers(2)) as [TaskManager, TaskManager];
    const work = controlledWork();
    const { id } = await a.run(work.work);
    const seen: number[] = [];
    const done = new Promise<void>((resolve) =>
      b.subscribe(id).subscribe({ next: (task) => seen.push(task.seq), complete: resolve }),
    );
    await until(() => seen.length > 0);
    for (let step = 1; step <= 50; step++) work.context?.progress(step / 51);
    work.resolve('done');
    await done;
    expect(seen).toEqual(seen.map((_, index) => (seen[0] as number) + index));
    expect(seen.at(-1)).toBe(52);
  });

  it('shows every process’s changes on every changes$, each once', async () => {
    const [a, b] = (await managers(2)) as [TaskManager, TaskManager];
    const onA: string[] = [];
    const onB: string[] = [];
    a.changes$.subscribe((task) => onA.push(`${task.id}:${task.seq}`));
    b.changes$.subscribe((task) => onB.push(`${task.id}:${task.seq}`));
    // Other processes' changes from where the stream stood when each subscribed: a store call made
    // after answers after that point.
    await Promise.all([a, b].map((tasks) => tasks.get('none').catch(() => undefined)));
    await a.create('x');
    await b.create('y');
    await a.complete('x');
    await b.cancel('y');
    const expected = ['x:0', 'x:1', 'y:0', 'y:1'];
    await until(() => onA.length >= 4 && onB.length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([...onA].sort()).toEqual(expected);
    expect([...onB].sort()).toEqual(expected);
  });

  it('ends a task whose process was killed (kill -9) as failed with TaskLostError, for every reader', async () => {
    const { url } = await server();
    const namespace = freshNamespace();
    const survivor = createTaskManager({ store: redisStore({ url, namespace, lease: 1000 }) });
    cleanup.push(() => survivor.dispose());
    const child: ChildProcess = spawn(
      node,
      ['--import', 'tsx', 'test/redis/node.ts', url, namespace, 'doomed', '1000'],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    cleanup.push(() => {
      child.kill('SIGKILL');
    });
    const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
    await new Promise<void>((resolve) => lines.on('line', (line) => line.includes('running') && resolve()));
    const waiting = survivor.wait('doomed');
    const followed: TaskSnapshot[] = [];
    survivor.subscribe('doomed').subscribe((task) => followed.push(task));
    child.kill('SIGKILL');
    const killedAt = Date.now();
    const lost = await waiting;
    expect(lost).toMatchObject({ state: 'failed', error: { name: 'TaskLostError', code: 'TASK_LOST' } });
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    await until(() => followed.at(-1)?.state === 'failed');
  }, 30_000);

  it('aborts A’s work from B in another process: cancel latency on loopback', async () => {
    const { url } = await server();
    const namespace = freshNamespace();
    const b = createTaskManager({ store: redisStore({ url, namespace, lease: 2000 }) });
    cleanup.push(() => b.dispose());
    const child = spawn(node, ['--import', 'tsx', 'test/redis/node.ts', url, namespace, 'remote', '2000'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    cleanup.push(() => {
      child.kill('SIGKILL');
    });
    const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
    const said: Array<Record<string, unknown>> = [];
    lines.on('line', (line) => said.push(JSON.parse(line) as Record<string, unknown>));
    await until(() => said.some((line) => line.running === 'remote'), 15_000);
    const sent = Date.now();
    const cancelled = await b.cancel('remote', 'from another process');
    expect(cancelled).toMatchObject({ state: 'cancelled', message: 'from another process' });
    await until(() => said.some((line) => line.aborted !== undefined));
    const aborted = said.find((line) => line.aborted !== undefined) as { aborted: number; reason: string };
    expect(aborted.reason).toContain('from another process');
    expect(aborted.aborted - sent).toBeGreaterThanOrEqual(0);
  }, 30_000);
});
