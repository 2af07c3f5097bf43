import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createTaskManager, type TaskManager } from '../../src/index.js';
import { type RedisClientLike, type RedisStore, type RedisStoreOptions, redisStore } from '../../src/redis/index.js';
import { beat } from '../../src/redis/scripts.js';
import type { TaskSnapshot, TaskState } from '../../src/task.js';
import { type RedisServer, startRedis } from './server.js';

let namespaces = 0;

/** A namespace no other test uses, so tests share one redis-server without seeing each other. */
export function freshNamespace(): string {
  return `t${process.pid}-${++namespaces}-${Math.random().toString(36).slice(2, 6)}`;
}

/** A snapshot as the manager would write it. */
export function snap(
  id: string,
  seq: number,
  state: TaskState = 'running',
  extra: Partial<TaskSnapshot> = {},
): TaskSnapshot {
  const final = state === 'complete' || state === 'failed' || state === 'cancelled';
  return Object.freeze({
    id,
    state: seq === 0 && extra.state === undefined ? 'pending' : state,
    progress: final ? 1 : Math.min(1, seq / 100),
    message: `step ${seq}`,
    result: state === 'complete' ? { ok: true } : undefined,
    error: state === 'failed' ? new Error('boom') : undefined,
    createdAt: 1000,
    updatedAt: 1000 + seq,
    startedAt: seq > 0 ? 1001 : undefined,
    completedAt: final ? 1000 + seq : undefined,
    seq,
    metadata: undefined,
    ttl: undefined,
    awaiting: undefined,
    inputRequests: undefined,
    value:
      seq === 0 && extra.state === undefined
        ? 'pending'
        : state === 'running'
          ? { running: { work: 'manual', client: 'free' } }
          : state,
    event: seq === 0 ? 'xstate.init' : 'task.progress',
    ...extra,
  });
}

/** A node-redis client of the test's own, connected (to kill it, or to share it). */
export async function client(url: string): Promise<RedisClientLike & { clientId(): Promise<number> }> {
  const made = createClient({ url });
  made.on('error', () => {});
  await made.connect();
  return made as unknown as RedisClientLike & { clientId(): Promise<number> };
}

/**
 * A client whose `crash()` drops it and every connection duplicated from it (the store's lease
 * renewals run on one): the process died, as far as Redis can tell, without letting its lease go.
 */
export async function crashable(url: string): Promise<RedisClientLike & { crash(): void }> {
  const made = createClient({ url });
  made.on('error', () => {});
  await made.connect();
  const children: RedisClientLike[] = [];
  const duplicate = made.duplicate.bind(made);
  const client = made as unknown as RedisClientLike & { crash(): void };
  client.duplicate = () => {
    const child = duplicate() as unknown as RedisClientLike;
    children.push(child);
    return child;
  };
  client.crash = () => {
    for (const connection of [client, ...children]) {
      if (connection.isOpen) connection.destroy();
      // A dead process opens nothing again.
      connection.connect = () => Promise.reject(new Error('crashed'));
    }
  };
  return client;
}

/** Resolves once `check` holds, polling every 10 ms; rejects after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Expected a condition within ${ms} ms, it never held`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * One redis-server for a describe block, and the stores its tests open, each closed after its
 * test. Call it inside `describe`.
 */
export function redisForTests(defaults: RedisStoreOptions = {}) {
  let server: RedisServer | undefined;
  const opened: RedisStore[] = [];
  beforeAll(async () => {
    server = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(() => server?.close());
  const url = (): string => (server as RedisServer).url;
  return {
    get url(): string {
      return url();
    },
    open: (namespace: string, options: RedisStoreOptions = {}): RedisStore => {
      const store = redisStore({ url: url(), namespace, ...defaults, ...options });
      opened.push(store);
      return store;
    },
  };
}

/** A manager on `store`, disposed after each test. Call inside `describe`. */
export function managersForTests(): (store: RedisStore) => TaskManager {
  const made: TaskManager[] = [];
  afterEach(async () => {
    await Promise.all(made.splice(0).map((manager) => manager.dispose()));
  });
  return (store) => {
    const manager = createTaskManager({ store });
    made.push(manager);
    return manager;
  };
}

/**
 * Cuts `victim` off as far as Redis can tell: its lease lapses and `reaper`'s heartbeat script
 * reaps it, in one transaction, so the victim's own renewal cannot come in between.
 */
export async function reapNow(url: string, namespace: string, victim: RedisStore, reaper: RedisStore): Promise<void> {
  const admin = await client(url);
  const prefix = `tooltask:{${namespace}}:`;
  const sha = createHash('sha1').update(beat.source).digest('hex');
  const { nodeId, generation } = reaper.cluster;
  await admin.sendCommand(['MULTI']);
  await admin.sendCommand(['ZADD', `${prefix}leases`, '0', victim.cluster.nodeId]);
  await admin.sendCommand(['EVALSHA', sha, '0', prefix, nodeId, generation, '1000', '1', '200', '100', '10000', '100']);
  await admin.sendCommand(['EXEC']);
  await admin.close();
}
