import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, TaskTimeoutError } from '../../src/index.js';
import { redisStore } from '../../src/redis/index.js';
import type { TaskSnapshot } from '../../src/task.js';
import { client, freshNamespace, redisForTests, snap, until } from './fixtures.js';
import { hasRedis } from './server.js';

describe.skipIf(!hasRedis())('redisStore on a real redis-server', () => {
  const redis = redisForTests();
  const { open } = redis;

  it('reads back what it saved, Error, metadata and undefined fields included', async () => {
    const store = open(freshNamespace());
    const failed = snap('a', 2, 'failed', {
      error: Object.assign(new TaskTimeoutError('a', 30), { cause: new Error('slow') }),
      metadata: Object.freeze({ user: 'u1', tags: Object.freeze(['x']) }),
    });
    expect(await store.insert(snap('a', 0))).toBe(true);
    await store.save(failed);
    const back = (await store.load('a')) as TaskSnapshot;
    expect(back).toStrictEqual(failed);
    expect(back.error).toBeInstanceOf(TaskTimeoutError);
    expect(back.error).toMatchObject({ cause: { message: 'slow' } });
    expect(await store.load('missing')).toBeUndefined();
  });

  it('lets exactly one of two racing creators win, across connections', async () => {
    const namespace = freshNamespace();
    const stores = [open(namespace), open(namespace), open(namespace)];
    for (let round = 0; round < 20; round++) {
      const id = `race-${round}`;
      const results = await Promise.all(stores.map((store) => store.insert(snap(id, 0))));
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });

  it('keeps the highest seq: a late, older save changes nothing', async () => {
    const store = open(freshNamespace());
    await store.insert(snap('a', 0));
    await store.save(snap('a', 5));
    await store.save(snap('a', 3));
    await store.save(snap('a', 5, 'running', { message: 'same seq, other content' }));
    expect((await store.load('a'))?.seq).toBe(5);
    expect((await store.load('a'))?.message).toBe('step 5');
    expect(await store.loadAll('running')).toHaveLength(1);
  });

  it('never changes a finished task, whatever seq comes later', async () => {
    const store = open(freshNamespace());
    await store.insert(snap('a', 0));
    await store.save(snap('a', 2, 'cancelled'));
    await store.save(snap('a', 9, 'running'));
    expect((await store.load('a'))?.state).toBe('cancelled');
    expect(await store.loadAll('running')).toEqual([]);
  });

  it('moves a task between the state indexes and lists each in creation order', async () => {
    const store = open(freshNamespace());
    for (const id of ['a', 'b', 'c', 'd']) await store.insert(snap(id, 0));
    await store.save(snap('c', 1));
    await store.save(snap('a', 1));
    await store.save(snap('a', 2, 'complete'));
    const ids = async (state?: TaskSnapshot['state']) => (await store.loadAll(state)).map((task) => task.id);
    expect(await ids()).toEqual(['a', 'b', 'c', 'd']);
    expect(await ids('pending')).toEqual(['b', 'd']);
    expect(await ids('running')).toEqual(['c']);
    expect(await ids('complete')).toEqual(['a']);
    expect(await ids('failed')).toEqual([]);
  });

  it('pages in creation order with cursors another process can use, per state too', async () => {
    const namespace = freshNamespace();
    const writer = open(namespace);
    const reader = open(namespace);
    for (let i = 0; i < 25; i++) {
      await writer.insert(snap(`t${i}`, 0));
      if (i % 2 === 1) await writer.save(snap(`t${i}`, 1));
    }
    const walk = async (state?: TaskSnapshot['state']) => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let page = 0;
      do {
        // Alternate stores: a cursor from one is good on the other.
        const store = page++ % 2 === 0 ? writer : reader;
        const result = await store.page({ cursor, limit: 4, state });
        seen.push(...result.tasks.map((task) => task.id));
        cursor = result.nextCursor;
      } while (cursor !== undefined);
      return seen;
    };
    expect(await walk()).toEqual(Array.from({ length: 25 }, (_, i) => `t${i}`));
    expect(await walk('running')).toEqual(Array.from({ length: 12 }, (_, i) => `t${2 * i + 1}`));
    const last = await reader.page({ limit: 25 });
    expect(last.tasks).toHaveLength(25);
    expect(last.nextCursor).toBeUndefined();
  });

  it('keeps a walk whole while tasks come and go', async () => {
    const store = open(freshNamespace());
    for (let i = 0; i < 10; i++) await store.insert(snap(`t${i}`, 0));
    const first = await store.page({ limit: 5 });
    await store.delete('t2');
    await store.delete('t7');
    await store.insert(snap('late', 0));
    const second = await store.page({ cursor: first.nextCursor, limit: 10 });
    expect([...first.tasks, ...second.tasks].map((task) => task.id)).toEqual([
      't0',
      't1',
      't2',
      't3',
      't4',
      't5',
      't6',
      't8',
      't9',
      'late',
    ]);
  });

  it('refuses a cursor it did not make, with a typed error', async () => {
    const store = open(freshNamespace());
    await expect(store.page({ cursor: 'nope', limit: 5 })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(store.page({ cursor: 'c0x', limit: 5 })).rejects.toBeInstanceOf(InvalidArgumentError);
  });

  it('deletes a task from every index; a new task may take its id', async () => {
    const store = open(freshNamespace());
    await store.insert(snap('a', 0));
    await store.save(snap('a', 1));
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    expect(await store.load('a')).toBeUndefined();
    expect(await store.loadAll()).toEqual([]);
    expect(await store.loadAll('running')).toEqual([]);
    expect(await store.insert(snap('a', 0))).toBe(true);
    expect((await store.load('a'))?.seq).toBe(0);
  });

  it('expires a finished task after its ttl in Redis, and its index entries with it', async () => {
    const namespace = freshNamespace();
    const store = open(namespace, { lease: 150 });
    await store.insert(snap('short', 0, 'pending', { ttl: 50 }));
    await store.insert(snap('forever', 0));
    await store.insert(snap('live', 0, 'pending', { ttl: 50 }));
    await store.save(snap('short', 1, 'complete', { ttl: 50 }));
    await store.save(snap('forever', 1, 'complete'));
    expect(store.expires).toBe(true);
    // A live task is never expired, however short its ttl.
    const admin = await client(redis.url);
    expect(await admin.sendCommand(['PTTL', `tooltask:{${namespace}}:t:live`])).toBe(-1);
    await until(async () => (await store.load('short')) === undefined);
    expect((await store.loadAll()).map((task) => task.id)).toEqual(['forever', 'live']);
    // The heartbeat's sweep drops what page() has not met yet.
    await until(async () => Number(await admin.sendCommand(['ZCARD', `tooltask:{${namespace}}:x`])) === 0);
    expect(await admin.sendCommand(['ZRANGE', `tooltask:{${namespace}}:s:complete`, '0', '-1'])).toEqual(['forever']);
    await admin.close();
  });

  it('keeps its namespace apart from others on the same server', async () => {
    const a = open(freshNamespace());
    const b = open(freshNamespace());
    await a.insert(snap('x', 0));
    expect(await b.load('x')).toBeUndefined();
    expect(await b.insert(snap('x', 0))).toBe(true);
  });

  it('checks its options', () => {
    expect(() => redisStore({ url: redis.url, namespace: '' })).toThrow(InvalidArgumentError);
    expect(() => redisStore({ url: redis.url, namespace: 'a{b}' })).toThrow(InvalidArgumentError);
    expect(() => redisStore({ url: redis.url, lease: -1 })).toThrow(InvalidArgumentError);
    expect(() => redisStore({ url: redis.url, historyLength: 0 })).toThrow(InvalidArgumentError);
    expect(() => redisStore({ url: redis.url, leese: 5 } as never)).toThrow(/Expected `options` to have only/);
  });
});
