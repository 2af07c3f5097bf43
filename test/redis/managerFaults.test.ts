import { afterEach, describe, expect, it } from 'vitest';
import { createTaskManager, StoreError, type TaskManager, type TaskSnapshot } from '../../src/index.js';
import { redisStore } from '../../src/redis/index.js';
import { client, freshNamespace, until } from './fixtures.js';
import { hasRedis, type RedisServer, startRedis } from './server.js';

/** Faults of Redis, seen through the manager: what its callers, subscribers and the store end with. */
describe.skipIf(!hasRedis())('the manager on Redis under faults', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  const server = async (): Promise<RedisServer> => {
    const redis = await startRedis();
    cleanup.push(() => redis.close());
    return redis;
  };
  const manager = async (url: string, namespace: string, options: { timeout?: number } = {}) => {
    const store = redisStore({ url, namespace, lease: 5_000, ...options });
    const tasks = createTaskManager({ store, storeTimeout: 2_000 });
    cleanup.push(() => tasks.dispose());
    await store.cluster.start();
    return tasks;
  };

  it('every connection killed while 200 tasks run on A: the store ends with each final snapshot, B’s subscriber has no gap', async () => {
    const redis = await server();
    const namespace = freshNamespace();
    const [a, b] = [await manager(redis.url, namespace), await manager(redis.url, namespace)] as [
      TaskManager,
      TaskManager,
    ];
    const errors: StoreError[] = [];
    a.errors$.subscribe((error) => errors.push(error));
    const runs = await Promise.all(
      Array.from({ length: 200 }, (_, index) =>
        a.run(
          async ({ progress }) => {
            for (let step = 1; step <= 5; step++) {
              await new Promise((resolve) => setTimeout(resolve, 5 + (index % 7)));
              progress(step / 6);
            }
            return index;
          },
          { id: `t${index}` },
        ),
      ),
    );
    const followed: TaskSnapshot[] = [];
    const following = new Promise<void>((resolve) =>
      b.subscribe('t7').subscribe({ next: (task) => followed.push(task), complete: resolve }),
    );
    // Subscribed (its first read of the store done) before the connections go: the kills are
    // about what follows, not about a read that a dropped connection rejects.
    await until(() => followed.length > 0);
    const admin = await client(redis.url);
    let killed = 0;
    for (const delay of [10, 30]) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      killed += Number(await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']));
    }
    await admin.close();
    // A task that ended already is read from the store: a read in flight on a killed connection
    // rejects (node-redis does not resend), so it is read again, as a caller would.
    const waitSurely = async (id: string): Promise<TaskSnapshot> => {
      for (;;) {
        try {
          return await a.wait(id);
        } catch (error) {
          if (!(error instanceof StoreError)) throw error;
        }
      }
    };
    const finals = await Promise.all(runs.map((task) => waitSurely(task.id)));
    expect(killed).toBeGreaterThan(0);
    expect(finals.every((task) => task.state === 'complete')).toBe(true);
    await following;
    const seqs = followed.map((task) => task.seq);
    expect(seqs).toEqual(seqs.map((_, index) => (seqs[0] as number) + index));
    expect(followed.at(-1)?.state).toBe('complete');
    // The writes that failed were retried until Redis took them: B reads every final snapshot.
    await until(async () => (await b.list({ state: 'complete' })).length === 200, 15_000);
    for (const final of finals) expect((await b.get(final.id)).seq).toBe(final.seq);
  }, 60_000);

  it('Redis down: calls reject with StoreError within the timeout, nothing crashes; Redis back: the manager goes on', async () => {
    const redis = await server();
    const namespace = freshNamespace();
    const tasks = await manager(redis.url, namespace, { timeout: 300 });
    await tasks.create('before');
    await redis.stop();
    const started = Date.now();
    const error = await tasks.create('during').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect(Date.now() - started).toBeLessThan(3_000);
    // A change to a live task stands in memory, and is written once Redis is back.
    const update = await tasks.update('before', 0.5).catch((caught: unknown) => caught);
    expect(update).toBeInstanceOf(StoreError);
    expect(tasks.peek('before')?.progress).toBe(0.5);
    await redis.start();
    await until(async () => {
      try {
        return (await tasks.get('before')).progress === 0.5 && (await tasks.list()).some((task) => task.seq === 1);
      } catch {
        return false;
      }
    }, 15_000);
    expect((await tasks.create('after')).state).toBe('pending');
    expect((await tasks.list()).map((task) => task.id).sort()).toEqual(['after', 'before']);
  }, 60_000);
});
