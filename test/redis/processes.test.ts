import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, TaskLostError } from '../../src/index.js';
import { type RedisStore, redisStore } from '../../src/redis/index.js';
import { freshNamespace, until } from './fixtures.js';
import { hasRedis, type RedisServer, startRedis } from './server.js';

const ownerScript = fileURLToPath(new URL('./owner.ts', import.meta.url));

/** A manager in a child process (test/redis/owner.ts), and the lines it printed. */
interface Owner {
  readonly process: ChildProcess;
  readonly lines: string[];
}

async function startOwner(url: string, namespace: string, waiting: number): Promise<Owner> {
  const child = spawn(process.execPath, ['--import', 'tsx', ownerScript, url, namespace, String(waiting)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> }).on('line', (line) =>
    lines.push(line),
  );
  await until(() => lines.includes('ready') || child.exitCode !== null, 15_000);
  if (!lines.includes('ready'))
    throw new Error(`Expected the owner process to start, it exited with ${child.exitCode}`);
  return { process: child, lines };
}

describe.skipIf(!hasRedis())('managers in separate processes on one Redis', () => {
  let redis: RedisServer;
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  const open = (namespace: string): RedisStore => {
    const store = redisStore({ url: redis.url, namespace, lease: 1000 });
    cleanup.push(() => store.close());
    return store;
  };

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(() => redis?.close());

  it("sees, follows and cancels another process's tasks through its statechart", async () => {
    const namespace = freshNamespace();
    const owner = await startOwner(redis.url, namespace, 3);
    cleanup.push(() => owner.process.kill('SIGKILL'));
    const store = open(namespace);
    const tasks = createTaskManager({ store });
    cleanup.push(() => tasks.dispose());

    // Visible here: get, list, page.
    expect((await tasks.get('w1')).state).toBe('running');
    expect((await tasks.list()).map((task) => task.id)).toEqual(['w0', 'w1', 'w2', 'steps']);
    const first = await tasks.page({ limit: 2 });
    const second = await tasks.page({ limit: 2, cursor: first.nextCursor });
    expect([...first.tasks, ...second.tasks].map((task) => task.id)).toEqual(['w0', 'w1', 'w2', 'steps']);

    // Followed here: from the start, every change in order, complete after the final one.
    const steps = await lastValueFrom(store.cluster.follow('steps', 0).pipe(toArray()));
    expect(steps.map((task) => task.seq)).toEqual(steps.map((_, i) => i));
    expect(steps.at(-1)?.state).toBe('complete');
    expect(steps.filter((task) => task.state === 'running').map((task) => task.message)).toContain('step 10');

    // Controlled here: the owner's chart answers; its work's signal aborts.
    const outcome = await store.cluster.send({ method: 'cancel', id: 'w1', args: ['from the test process'] });
    expect(outcome.status === 'answered' && outcome.snapshot.state).toBe('cancelled');
    expect(outcome.status === 'answered' && outcome.snapshot.message).toBe('from the test process');
    await until(() => owner.lines.includes('aborted w1'));
    expect(owner.lines).not.toContain('aborted w0');
    // The owner's own error, as its class: a progress update on a finished task.
    const refused = store.cluster.send({ method: 'update', id: 'w0', args: [2] });
    await expect(refused).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const final = await store.cluster.send({ method: 'complete', id: 'steps', args: ['again'] });
    expect(final.status).toBe('final');
    await store.cluster.send({ method: 'complete', id: 'w0', args: ['by the test'] });
    await expect(store.cluster.send({ method: 'fail', id: 'w2', args: [new Error('x')] })).resolves.toMatchObject({
      status: 'answered',
      snapshot: { state: 'failed', error: { message: 'x' } },
    });
  });

  it('ends a killed process’s live tasks as lost within the lease, for every follower, and leaves finished ones', async () => {
    const namespace = freshNamespace();
    const owner = await startOwner(redis.url, namespace, 3);
    const survivor = open(namespace);
    await survivor.cluster.start();
    await until(async () => (await survivor.load('steps'))?.state === 'complete');
    const followed = lastValueFrom(survivor.cluster.follow('w0', 0).pipe(toArray()));
    owner.process.kill('SIGKILL');
    await once(owner.process, 'exit');
    // No one calls reapLost here: the survivor's heartbeat does, once the 1 s lease lapsed.
    const seen = await followed;
    const last = seen.at(-1);
    expect(last?.state).toBe('failed');
    expect(last?.error).toBeInstanceOf(TaskLostError);
    expect(last?.error).toMatchObject({ code: 'TASK_LOST', taskId: 'w0' });
    await until(async () => (await survivor.loadAll('failed')).length === 3);
    expect((await survivor.loadAll('running')).length).toBe(0);
    expect((await survivor.load('steps'))?.state).toBe('complete');
  });
});
