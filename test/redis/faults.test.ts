import { lastValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type ClusterEvent, type RedisStore, redisStore } from '../../src/redis/index.js';
import type { TaskSnapshot } from '../../src/task.js';
import { client, freshNamespace, snap, until } from './fixtures.js';
import { hasRedis, type RedisServer, startRedis } from './server.js';

/** Saves until Redis takes it, as the manager's write chain retries a failed save. */
async function saveSurely(store: RedisStore, task: TaskSnapshot): Promise<number> {
  for (let failures = 0; ; failures++) {
    try {
      await (task.seq === 0 ? store.insert(task) : store.save(task));
      return failures;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

describe.skipIf(!hasRedis())('the Redis store under faults', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  const server = async (aof = false): Promise<RedisServer> => {
    const redis = await startRedis({ aof });
    cleanup.push(() => redis.close());
    return redis;
  };
  const open = (redis: RedisServer, namespace: string, options: Parameters<typeof redisStore>[0] = {}) => {
    // Long leases: these tests drop connections, not processes; a CPU-starved runner must not lose one.
    const store = redisStore({ url: redis.url, namespace, lease: 60_000, ...options });
    cleanup.push(() => store.close());
    return store;
  };

  // On a CPU-starved runner a reconnect's handshake can be cut by the kill: node-redis before 6.2
  // then waited forever, never ready, and this test hung (CI 2 of 2; 3 in 24 under three parallel
  // copies and a busy loop). 6.2 races the handshake against the socket's end: 0 in 30 the same way.
  it('loses nothing when every connection is killed while 1,000 tasks run: the store ends with each latest snapshot, followers without gaps', async () => {
    const redis = await server();
    const namespace = freshNamespace();
    const writer = open(redis, namespace);
    const reader = open(redis, namespace);
    await Promise.all([writer.cluster.start(), reader.cluster.start()]);
    const everything: ClusterEvent[] = [];
    reader.cluster.followAll().subscribe((event) => everything.push(event));
    // From where the stream stood when the reader subscribed: a store call after answers after that.
    await reader.load('-');
    await writer.insert(snap('t7', 0));
    const followed = lastValueFrom(reader.cluster.follow('t7', 0).pipe(toArray()));
    const admin = await client(redis.url);
    let failures = 0;
    const run = async (i: number) => {
      for (let seq = i === 7 ? 1 : 0; seq <= 5; seq++) {
        const failed = await saveSurely(writer, snap(`t${i}`, seq, seq === 5 ? 'complete' : 'running'));
        failures += failed;
      }
    };
    const running = Promise.all(Array.from({ length: 1000 }, (_, i) => run(i)));
    let killed = 0;
    for (const delay of [5, 50]) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      killed += Number(await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']));
    }
    await running;
    expect(killed).toBeGreaterThanOrEqual(3);
    const all = await writer.loadAll();
    expect(all).toHaveLength(1000);
    expect(all.every((task) => task.seq === 5 && task.state === 'complete')).toBe(true);
    expect((await followed).map((task) => task.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    // Each task's changes as followAll saw them, per life: an insert whose reply the kill lost is
    // undone by the store (its caller was told it failed), and the retry makes the task anew.
    const lives = (): { seqs: Map<string, number[]>; undone: number } => {
      const seqs = new Map<string, number[]>();
      let undone = 0;
      for (const event of everything) {
        if (event.kind === 'deleted') {
          seqs.delete(event.id);
          undone++;
        } else seqs.set(event.snapshot.id, [...(seqs.get(event.snapshot.id) ?? []), event.snapshot.seq]);
      }
      return { seqs, undone };
    };
    const whole = (seqs: Map<string, number[]>) =>
      seqs.size === 1000 && [...seqs.values()].every((list) => list.join() === '0,1,2,3,4,5');
    await until(() => whole(lives().seqs));
    const { seqs, undone } = lives();
    for (const list of seqs.values()) expect(list).toEqual([0, 1, 2, 3, 4, 5]);
    // Say how hard the kill hit, for whoever reads the log.
    console.info(
      `CLIENT KILL closed ${killed} connections; ${failures} saves failed and were retried; ${undone} inserts undone`,
    );
    await admin.close();
  }, 60_000);

  it('keeps every finished task across a Redis restart with AOF, and goes on afterwards (scripts reloaded, followers resumed)', async () => {
    const redis = await server(true);
    const namespace = freshNamespace();
    const store = open(redis, namespace, { lease: 60_000 });
    const watcher = open(redis, namespace, { lease: 60_000 });
    for (let i = 0; i < 50; i++) {
      await store.insert(snap(`done${i}`, 0));
      await store.save(snap(`done${i}`, 1, i % 2 === 0 ? 'complete' : 'failed'));
    }
    await store.insert(snap('live', 0));
    await store.save(snap('live', 1));
    const followed = lastValueFrom(watcher.cluster.follow('live', 0).pipe(toArray()));
    await until(async () => (await watcher.load('live'))?.seq === 1);

    await redis.stop();
    await redis.start();

    const after = await until(async () => {
      try {
        return (await store.loadAll()).length === 51;
      } catch {
        return false;
      }
    }).then(() => store.loadAll());
    expect(after.filter((task) => task.state === 'complete')).toHaveLength(25);
    expect(after.filter((task) => task.state === 'failed')).toHaveLength(25);
    expect((await store.load('done3'))?.error).toBeInstanceOf(Error);
    // The restarted server forgot the scripts: the store loads them again on NOSCRIPT.
    await saveSurely(store, snap('live', 2));
    await saveSurely(store, snap('live', 3, 'complete'));
    expect((await followed).map((task) => task.seq)).toEqual([0, 1, 2, 3]);
    expect(await store.insert(snap('new', 0))).toBe(true);
  });

  it('rejects within its time limit while Redis is down, writes nothing half, and recovers when it returns', async () => {
    const redis = await server(true);
    const namespace = freshNamespace();
    const errors: Error[] = [];
    const store = open(redis, namespace, { timeout: 1000, onError: (error) => errors.push(error) });
    await store.insert(snap('a', 0));
    await redis.stop();
    const started = Date.now();
    await expect(store.save(snap('a', 1))).rejects.toThrow();
    await expect(store.load('a')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
    await redis.start();
    await until(async () => {
      try {
        await store.save(snap('a', 2));
        return true;
      } catch {
        return false;
      }
    });
    expect((await store.load('a'))?.seq).toBe(2);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('sees the events of a writer on another connection after its own connection was killed', async () => {
    const redis = await server();
    const namespace = freshNamespace();
    const reader = open(redis, namespace);
    const writer = open(redis, namespace);
    await Promise.all([reader.cluster.start(), writer.cluster.start()]);
    const events: ClusterEvent[] = [];
    reader.cluster.followAll().subscribe((event) => events.push(event));
    await reader.load('-');
    const admin = await client(redis.url);
    for (let round = 0; round < 5; round++) {
      await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']);
      await saveSurely(writer, snap(`r${round}`, 0));
    }
    await until(() => events.length === 5);
    expect(events.map((event) => event.kind === 'snapshot' && event.snapshot.id)).toEqual([
      'r0',
      'r1',
      'r2',
      'r3',
      'r4',
    ]);
    await admin.close();
  });
});
