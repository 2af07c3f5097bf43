import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { lastValueFrom, toArray } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createMemoryStore,
  createTaskManager,
  InvalidArgumentError,
  InvalidTaskIdError,
  StoreError,
  TaskLostError,
} from '../../src/index.js';
import { type ChangesMissedError, type LeaseLoss, type RedisStore, redisStore } from '../../src/redis/index.js';
import type { TaskSnapshot } from '../../src/task.js';
import { client, freshNamespace, managersForTests, reapNow, redisForTests, snap, until } from './fixtures.js';
import { hasRedis, type RedisServer, startRedis } from './server.js';

const burstScript = fileURLToPath(new URL('./burst.ts', import.meta.url));

/** The keys of a namespace, without its prefix, sorted. */
async function keysOf(url: string, namespace: string): Promise<string[]> {
  const admin = await client(url);
  const prefix = `tooltask:{${namespace}}:`;
  const keys = (await admin.sendCommand<string[]>(['KEYS', `${prefix}*`])).map((key) => key.slice(prefix.length));
  await admin.close();
  return keys.sort();
}

describe.skipIf(!hasRedis())('what the Redis store promises under lag, outage and load', () => {
  const redis = redisForTests({ lease: 1000 });
  const { open } = redis;
  const manager = managersForTests();

  it('refuses ids that are not well-formed UTF-16 in every store alike, so two ids never share a key', async () => {
    const namespace = freshNamespace();
    for (const tasks of [createTaskManager({ store: createMemoryStore() }), manager(open(namespace))]) {
      await expect(tasks.create('job-\uD800')).rejects.toBeInstanceOf(InvalidTaskIdError);
      await expect(tasks.create('job-\uDC00')).rejects.toThrow('well-formed UTF-16');
      await expect(tasks.get('job-\uDC00')).rejects.toBeInstanceOf(InvalidTaskIdError);
      expect((await tasks.create('job-\uD83D\uDE00')).id).toBe('job-😀');
    }
    const store = open(namespace);
    await expect(store.load('\uDFFF')).rejects.toBeInstanceOf(InvalidTaskIdError);
    await expect(store.insert(snap('x\uD800', 0))).rejects.toBeInstanceOf(InvalidTaskIdError);
    expect((await store.loadAll()).map((task) => task.id)).toEqual(['job-😀']);
  });

  it('refuses page cursors it never issued: edited, from another namespace, past the end', async () => {
    const namespace = freshNamespace();
    const store = open(namespace);
    const other = open(freshNamespace());
    for (let i = 0; i < 5; i++) {
      await store.insert(snap(`t${i}`, 0));
      await other.insert(snap(`t${i}`, 0));
    }
    const first = await store.page({ limit: 2 });
    const cursor = first.nextCursor as string;
    expect((await store.page({ limit: 2, cursor })).tasks.map((task) => task.id)).toEqual(['t2', 't3']);
    const foreign = (await other.page({ limit: 2 })).nextCursor as string;
    // Well made for this namespace, but past its last ordinal.
    const past = `c${(99).toString(36)}.${createHash('sha1')
      .update(`tooltask:{${namespace}}:99`)
      .digest('base64url')
      .slice(0, 8)}`;
    for (const bad of [foreign, `${cursor}x`, cursor.replace(/^c./, 'c9'), 'c3', '', past]) {
      await expect(store.page({ limit: 2, cursor: bad })).rejects.toBeInstanceOf(InvalidArgumentError);
    }
  });

  it('encodes any error a work throws, cycles included: the task ends failed everywhere', async () => {
    const namespace = freshNamespace();
    const a = manager(open(namespace));
    const b = manager(open(namespace));
    const run = await a.run(async () => {
      const error = new Error('socket hang up') as Error & { request?: unknown };
      error.request = { error, path: '/x' };
      throw new Error('fetch failed', { cause: error });
    });
    const seen = await b.wait(run.id);
    expect(seen.state).toBe('failed');
    expect(seen.error?.message).toBe('fetch failed');
    expect(seen.error?.cause).toMatchObject({ request: { error: '[Circular]', path: '/x' } });
    expect((await a.get(run.id)).state).toBe('failed');
  });

  it('drops the index entries of expired tasks as fast as they expire, in bounded sweeps', async () => {
    const namespace = freshNamespace();
    const store = open(namespace);
    const admin = await client(redis.url);
    const ids = Array.from({ length: 3000 }, (_, i) => `churn-${i}`);
    for (let at = 0; at < ids.length; at += 300) {
      await Promise.all(
        ids.slice(at, at + 300).map(async (id) => {
          await store.insert(snap(id, 0, 'pending', { ttl: 50 }));
          await store.save(snap(id, 1, 'complete', { ttl: 50 }));
        }),
      );
    }
    // The heartbeat (every lease / 10) sweeps as many batches as are due.
    const index = `tooltask:{${namespace}}:s:complete`;
    await until(async () => Number(await admin.sendCommand(['ZCARD', index])) === 0, 10_000);
    expect(await store.page({ limit: 10 })).toEqual({ tasks: [] });
    await admin.close();
  });

  it('never does unbounded clean-up in one page: a short page and a cursor to go on from', async () => {
    const namespace = freshNamespace();
    const store = open(namespace);
    await store.insert(snap('first', 0));
    const admin = await client(redis.url);
    const key = (name: string) => `tooltask:{${namespace}}:${name}`;
    // Index entries of 5,000 finished tasks whose records are gone, as an expiry nobody swept leaves them.
    for (let at = 0; at < 5000; at += 1000) {
      const entries = Array.from({ length: 1000 }, (_, i) => [String(at + i + 2), `gone-${at + i}`]).flat();
      await admin.sendCommand(['ZADD', key('s:complete'), ...entries]);
    }
    await admin.sendCommand(['SET', key('ctr'), '6000']);
    await store.insert(snap('last', 0));
    const first = await store.page({ limit: 10 });
    expect(first.tasks.map((task) => task.id)).toEqual(['first']);
    expect(first.nextCursor).toBeDefined();
    // At most 100 stale entries dropped on the way (PAGE_CLEANUP): the rest is the sweep's.
    expect(Number(await admin.sendCommand(['ZCARD', key('s:complete')]))).toBe(5000 - 100);
    const seen = [...first.tasks];
    let cursor = first.nextCursor;
    while (cursor !== undefined) {
      const page = await store.page({ limit: 10, cursor });
      seen.push(...page.tasks);
      cursor = page.nextCursor;
    }
    expect(seen.map((task) => task.id)).toEqual(['first', 'last']);
    await admin.close();
  });

  it('fences a node whose lease lapsed: its tasks end lost, it learns so, its late write is refused', async () => {
    const namespace = freshNamespace();
    const owner = open(namespace);
    const survivor = open(namespace);
    await owner.insert(snap('a', 0));
    await owner.save(snap('a', 1));
    await survivor.cluster.start();
    const losses: LeaseLoss[] = [];
    owner.cluster.onLeaseLost((loss) => losses.push(loss));
    const before = owner.cluster.generation;
    await reapNow(redis.url, namespace, owner, survivor);
    await until(() => losses.length === 1);
    expect(losses[0]).toEqual({ nodeId: owner.cluster.nodeId, generation: before, how: 'renewal' });
    expect(owner.cluster.generation).not.toBe(before);
    const lost = (await survivor.load('a')) as TaskSnapshot;
    expect(lost.state).toBe('failed');
    expect(lost.error).toBeInstanceOf(TaskLostError);
    await expect(owner.save(snap('a', 2, 'complete'))).rejects.toBeInstanceOf(TaskLostError);
    expect((await survivor.load('a'))?.state).toBe('failed');
    // It goes on under its new generation.
    expect(await owner.insert(snap('b', 0))).toBe(true);
    await owner.save(snap('b', 1));
    expect((await survivor.load('b'))?.state).toBe('running');
  });

  it('leaves only the keys that must outlive processes once every process closed and every task expired', async () => {
    const namespace = freshNamespace();
    const a = open(namespace, { historyGrace: 100 });
    const b = open(namespace, { historyGrace: 100 });
    const tasksA = createTaskManager({ store: a });
    const tasksB = createTaskManager({ store: b });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const run = await tasksA.run(() => gate.then(() => 'done'), { id: 'kept', ttl: 100 });
    // Commands both ways: A's command stream, B's reply stream.
    await until(async () => (await tasksB.get(run.id)).state === 'running');
    await tasksB.update(run.id, 0.5, 'from B');
    release();
    expect((await tasksB.wait(run.id)).state).toBe('complete');
    await tasksA.dispose();
    await tasksB.dispose();
    await until(async () => (await keysOf(redis.url, namespace)).join() === 'ctr,ev', 5000);
  });
});

describe.skipIf(!hasRedis())('a reader that falls behind the event window', () => {
  let server: RedisServer;
  const dir = mkdtempSync(path.join(tmpdir(), 'tooltask-burst-'));
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gets every seq of a followed task and is told of the hole, after its event loop was blocked', async () => {
    const namespace = freshNamespace();
    const done = path.join(dir, `${namespace}.done`);
    const writer: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', burstScript, server.url, namespace, '100', done],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines: string[] = [];
    createInterface({ input: writer.stdout as NonNullable<ChildProcess['stdout']> }).on('line', (line) =>
      lines.push(line),
    );
    const reader = redisStore({ url: server.url, namespace, lease: 60_000 });
    try {
      await until(() => lines.includes('ready'), 15_000);
      await reader.cluster.start();
      const missed: ChangesMissedError[] = [];
      let events = 0;
      const all = reader.cluster.followAll({ onMissed: (error) => missed.push(error) }).subscribe(() => events++);
      const followed = lastValueFrom(reader.cluster.follow('tracked', 0).pipe(toArray()));
      await new Promise((resolve) => setTimeout(resolve, 100));
      writer.stdin?.write('go\n');
      // Blocked: the writer writes 3,100 changes while this process reads none.
      const deadline = Date.now() + 20_000;
      while (!existsSync(done) && Date.now() < deadline) {
        // busy: nothing of this process runs
      }
      const seen = await followed;
      expect(seen.map((task) => task.seq)).toEqual(Array.from({ length: 31 }, (_, i) => i));
      expect(seen.at(-1)?.state).toBe('complete');
      await until(() => missed.length > 0);
      expect(missed[0]).toMatchObject({ code: 'CHANGES_MISSED' });
      expect(missed.reduce((sum, error) => sum + error.missed, 0) + events).toBeGreaterThanOrEqual(3100);
      all.unsubscribe();
    } finally {
      writer.kill('SIGKILL');
      await reader.close();
    }
  }, 60_000);
});

describe.skipIf(!hasRedis())('a Redis restart longer than the lease', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis({ aof: true });
  });
  afterAll(() => server?.close());

  it('says which call timed out and after what limit, when Redis does not answer', async () => {
    const store = redisStore({ url: server.url, namespace: freshNamespace(), timeout: 150 });
    try {
      await store.insert(snap('a', 0));
      await server.stop();
      const error = await store.load('a').catch((caught: unknown) => caught);
      expect(error).toMatchObject({ name: 'TimeoutError' });
      expect((error as Error).message).toBe(
        "Expected Redis to answer GET within the store's timeout of 150 ms, got no answer",
      );
      const failed = new StoreError('load', { taskId: 'a' }, error);
      expect(failed.message).toContain("within the store's timeout of 150 ms");
    } finally {
      await server.start();
      await store.close();
    }
  });

  /** A store with a 150 ms time limit and an admin client to pause Redis with, both closed after `test`. */
  const withPausable = async (test: (store: RedisStore, pause: (ms: number) => Promise<unknown>) => Promise<void>) => {
    const store = redisStore({ url: server.url, namespace: freshNamespace(), timeout: 150, lease: 60_000 });
    const admin = await client(server.url);
    try {
      // Connected, but every client's commands wait: CLIENT PAUSE holds them.
      await test(store, (ms) => admin.sendCommand(['CLIENT', 'PAUSE', String(ms), 'ALL']));
    } finally {
      await admin.close();
      await store.close();
    }
  };

  it('times out every call under way when a connected Redis stops answering, and goes on once it answers', async () => {
    await withPausable(async (store, pause) => {
      await store.insert(snap('a', 0));
      await pause(600);
      const started = Date.now();
      const calls = await Promise.all(
        ['a', 'b', 'c'].map((id) =>
          store.load(id).then(
            () => 'answered',
            (error: Error) => error.message,
          ),
        ),
      );
      expect(Date.now() - started).toBeLessThan(550);
      expect(calls).toEqual(
        Array.from(
          { length: 3 },
          () => "Expected Redis to answer GET within the store's timeout of 150 ms, got no answer",
        ),
      );
      await until(async () => (await store.load('a').catch(() => undefined))?.seq === 0);
    });
  });

  it('undoes an insert whose call timed out but landed later: no task is left that nobody runs', async () => {
    await withPausable(async (store, pause) => {
      await store.insert(snap('before', 0));
      // Sent, and held by Redis past the call's time limit: it runs once the pause ends.
      await pause(500);
      const failed = await store.insert(snap('late', 0)).catch((error: Error) => error);
      expect(failed).toBeInstanceOf(Error);
      expect((failed as Error).message).toContain('insertTask');
      await new Promise((resolve) => setTimeout(resolve, 600));
      // The insert ran after the pause, and the undo right after it: the id is free again.
      await until(async () => (await store.load('late').catch(() => null)) === undefined);
      expect(await store.insert(snap('late', 0))).toBe(true);
      expect((await store.loadAll()).map((task) => task.id)).toEqual(['before', 'late']);
    });
  });

  it('declares no live owner lost: leases start over once Redis is back', async () => {
    const namespace = freshNamespace();
    const owner = redisStore({ url: server.url, namespace, lease: 500, timeout: 300 });
    const survivor = redisStore({ url: server.url, namespace, lease: 500, timeout: 300 });
    const losses: LeaseLoss[] = [];
    try {
      owner.cluster.onLeaseLost((loss) => losses.push(loss));
      survivor.cluster.onLeaseLost((loss) => losses.push(loss));
      await owner.insert(snap('a', 0));
      await owner.save(snap('a', 1));
      await survivor.cluster.start();
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await server.start();
      // Several heartbeats of both once Redis is back.
      await until(async () => {
        try {
          return (await survivor.load('a')) !== undefined;
        } catch {
          return false;
        }
      }, 10_000);
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect((await survivor.load('a'))?.state).toBe('running');
      await owner.save(snap('a', 2, 'complete'));
      expect((await survivor.load('a'))?.state).toBe('complete');
      expect(losses).toEqual([]);
    } finally {
      await owner.close();
      await survivor.close();
    }
  }, 30_000);
});
