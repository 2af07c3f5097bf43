import { createClient } from 'redis';
import { InvalidArgumentError } from '../errors.js';
import type { ClusterStore } from '../store/cluster.js';
import type { StorePageQuery, TaskPage } from '../store/store.js';
import { isTerminal, type TaskSnapshot, type TaskState } from '../task.js';
import { assertDuration, assertOptions, assertState, describe } from '../validate.js';
import { RedisTaskCluster } from './cluster.js';
import { decodeSnapshot, encodeSnapshot, type RedisClientLike, RedisConnection } from './connection.js';
import { deleteTask, insertTask, pageTasks, SCRIPTS, saveTask, sweepExpired } from './scripts.js';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** Where Redis is, e.g. `redis://127.0.0.1:6379`. Default: node-redis's default (`redis://localhost:6379`). */
  readonly url?: string;
  /** Keys start with `tooltask:{namespace}:`; managers sharing a namespace share their tasks. Default `'tooltask'`. */
  readonly namespace?: string;
  /** A node-redis v5 client to use instead of one from `url` (connected if closed, never closed by the store). */
  readonly client?: RedisClientLike;
  /** This process's id in the cluster. Default: host, pid and a random part. Give a fixed one to reap what a previous life of this process owned at once on `start()`. */
  readonly nodeId?: string;
  /** How long a lease lasts without renewal, in ms: a process dead for this long has its live tasks ended as lost. Default 10 000. */
  readonly lease?: number;
  /** The longest a Redis call may take before it rejects, in ms (Redis down, connection not back). Default 5 000. */
  readonly timeout?: number;
  /** How long `cluster.send()` waits for the owner's answer, in ms. Default 5 000. */
  readonly commandTimeout?: number;
  /** About how many snapshots each task's history keeps for followers catching up (`LTRIM`). Default 100. */
  readonly historyLength?: number;
  /** About how many events the namespace's stream keeps for `followAll()` readers reconnecting. Default 10 000. */
  readonly eventsLength?: number;
  /** How long a finished task's history stays for late followers, in ms. Default 10 000. */
  readonly historyGrace?: number;
  /** Connection errors (they are also the rejections of the calls they break). Default: ignored. */
  readonly onError?: (error: Error) => void;
}

const OPTIONS = [
  'url',
  'namespace',
  'client',
  'nodeId',
  'lease',
  'timeout',
  'commandTimeout',
  'historyLength',
  'eventsLength',
  'historyGrace',
  'onError',
] as const;

/** What the scripts are told about stream lengths and grace, as strings, once. */
export interface StreamLimits {
  readonly task: string;
  readonly events: string;
  readonly grace: string;
}

/**
 * A task store in Redis, shared by every manager on the same namespace, in any process.
 *
 * Each task is a hash (its encoded snapshot, seq, state, creation ordinal, owner); a sorted set
 * per state and one for all, scored by a creation counter, make `page` O(log n + limit); every
 * write is one Lua script that compares `seq`, moves the task between indexes, and appends the
 * snapshot to the task's history and the namespace's stream. A finished task with a `ttl` gets
 * `PEXPIRE`; a sweep on the store's heartbeat (and every `page` on its way) drops the index
 * entries of expired tasks. No timer per task.
 *
 * @example
 * ```ts
 * import { createTaskManager } from 'tooltask';
 * import { redisStore } from 'tooltask/redis';
 * const tasks = createTaskManager({ store: redisStore({ url: 'redis://127.0.0.1:6379', namespace: 'jobs' }) });
 * ```
 */
export class RedisStore implements ClusterStore {
  readonly expires = true;
  readonly cluster: RedisTaskCluster;
  readonly #connection: RedisConnection;
  readonly #heartbeatConnection: RedisConnection;
  readonly #limits: StreamLimits;
  readonly #heartbeat: ReturnType<typeof setInterval>;
  #inserts = 0;
  #closed = false;

  constructor(options: RedisStoreOptions = {}) {
    assertOptions('options', options, OPTIONS);
    const namespace = options.namespace ?? 'tooltask';
    if (typeof namespace !== 'string' || namespace.length === 0 || /[{}]/.test(namespace)) {
      throw new InvalidArgumentError(
        `Expected \`namespace\` to be a non-empty string without braces, got ${describe(namespace)}`,
      );
    }
    const lease = options.lease ?? 10_000;
    const timeout = options.timeout ?? 5_000;
    for (const [name, value] of [
      ['lease', lease],
      ['timeout', timeout],
      ['commandTimeout', options.commandTimeout ?? timeout],
      ['historyGrace', options.historyGrace ?? 10_000],
    ] as const) {
      assertDuration(name, value);
    }
    const counts = [
      ['historyLength', options.historyLength ?? 100],
      ['eventsLength', options.eventsLength ?? 10_000],
    ] as const;
    for (const [name, value] of counts) {
      if (!Number.isInteger(value) || value < 1) {
        throw new InvalidArgumentError(`Expected \`${name}\` to be a whole number from 1 up, got ${describe(value)}`);
      }
    }
    const onError = options.onError ?? (() => {});
    let client = options.client;
    const owned = client === undefined;
    if (client === undefined) {
      client = createClient(options.url === undefined ? {} : { url: options.url }) as unknown as RedisClientLike;
    }
    client.on('error', onError);
    this.#limits = {
      task: String(counts[0][1]),
      events: String(counts[1][1]),
      grace: String(Math.max(1, Math.round(options.historyGrace ?? 10_000))),
    };
    this.#connection = new RedisConnection({
      client,
      owned,
      namespace,
      timeout,
      scripts: SCRIPTS,
      prepare: () => this.cluster.join(),
    });
    const beatClient = client.duplicate();
    beatClient.on('error', onError);
    this.#heartbeatConnection = new RedisConnection({
      client: beatClient,
      owned: true,
      namespace,
      timeout,
      scripts: SCRIPTS,
      prepare: async () => {},
    });
    this.cluster = new RedisTaskCluster(this.#connection, this.#limits, {
      heartbeat: this.#heartbeatConnection,
      nodeId: options.nodeId,
      lease,
      commandTimeout: options.commandTimeout ?? timeout,
      onError,
    });
    // One timer for the store: sweeps expired tasks' index entries, renews the lease, reaps lost nodes.
    this.#heartbeat = setInterval(() => this.#beat(), Math.max(50, Math.round(lease / 3)));
    this.#heartbeat.unref();
  }

  /** Adds a new task atomically: `false` when the id exists, on this process or any other. */
  async insert(task: TaskSnapshot): Promise<boolean> {
    // A token per insert: a retry of this very insert after a lost reply is not "exists".
    const token = `${this.cluster.nodeId}:${++this.#inserts}`;
    const inserted = await this.#connection.run<number>(insertTask, [...this.#task(task), token, ...this.#streams()]);
    return inserted === 1;
  }

  /** Writes a snapshot when its `seq` is above the stored one and the stored task is live (compare-and-set). */
  async save(task: TaskSnapshot): Promise<void> {
    await this.#connection.run<number>(saveTask, [...this.#task(task), ...this.#streams()]);
  }

  /** What `insertTask` and `saveTask` are told of a snapshot: id, encoding, seq, state, ttl, owner while live. */
  #task(task: TaskSnapshot): string[] {
    const owner = isTerminal(task.state) ? '' : this.cluster.nodeId;
    return [task.id, encodeSnapshot(task), String(task.seq), task.state, ttlOf(task), owner];
  }

  /** The stream bounds every writing script takes last. */
  #streams(): string[] {
    return [this.#limits.task, this.#limits.events, this.#limits.grace];
  }

  async load(id: string): Promise<TaskSnapshot | undefined> {
    const encoded = await this.#connection.call<string | null>(['HGET', this.#connection.key(`t:${id}`), 'v']);
    return encoded === null ? undefined : decodeSnapshot(encoded);
  }

  /** Every task in creation order, or those in one state, read a thousand at a time. */
  async loadAll(state?: TaskState): Promise<TaskSnapshot[]> {
    if (state !== undefined) assertState('state', state);
    const all: TaskSnapshot[] = [];
    let after = 0;
    for (;;) {
      const { tasks, last } = await this.#slice(state, after, 1000);
      all.push(...tasks);
      if (tasks.length < 1000) return all;
      after = last;
    }
  }

  async delete(id: string): Promise<boolean> {
    return (await this.#connection.run<number>(deleteTask, [id, this.#limits.events])) === 1;
  }

  /** Tasks after the cursor in creation order; cursors are creation ordinals, valid on every process. */
  async page({ cursor, limit, state }: StorePageQuery): Promise<TaskPage> {
    const after = cursor === undefined ? 0 : decodeCursor(cursor);
    const { tasks, last, more } = await this.#slice(state, after, limit);
    return more ? { tasks: tasks.slice(0, limit), nextCursor: `c${last.toString(36)}` } : { tasks };
  }

  /** Drops the index entries of tasks whose ttl ran out; resolves with how many. Runs on the heartbeat. */
  async sweep(): Promise<number> {
    return this.#connection.run<number>(sweepExpired, ['1000', this.#limits.events]);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    await this.cluster.close();
    await Promise.all([this.#connection.close(), this.#heartbeatConnection.close()]);
  }

  async #slice(
    state: TaskState | undefined,
    after: number,
    limit: number,
  ): Promise<{ tasks: TaskSnapshot[]; last: number; more: boolean }> {
    const index = state === undefined ? 'all' : `s:${state}`;
    // One more than asked: whether a next page exists, without a second call.
    const flat = await this.#connection.run<string[]>(pageTasks, [index, String(after), String(limit + 1)]);
    const tasks: TaskSnapshot[] = [];
    let last = after;
    const count = Math.min(flat.length / 2, limit);
    for (let i = 0; i < count; i++) {
      last = Number(flat[2 * i]);
      tasks.push(decodeSnapshot(flat[2 * i + 1] as string));
    }
    return { tasks, last, more: flat.length / 2 > limit };
  }

  #beat(): void {
    if (this.#closed) return;
    this.sweep().catch(() => {});
    this.cluster.heartbeat();
  }
}

/**
 * Creates a {@link RedisStore}: pass it as the manager's `store`.
 *
 * @example
 * ```ts
 * import { createTaskManager } from 'tooltask';
 * import { redisStore } from 'tooltask/redis';
 * const store = redisStore({ url: 'redis://127.0.0.1:6379', namespace: 'jobs', lease: 10_000 });
 * const tasks = createTaskManager({ store });
 * ```
 */
export function redisStore(options?: RedisStoreOptions): RedisStore {
  return new RedisStore(options);
}

function ttlOf(task: TaskSnapshot): string {
  return task.ttl === undefined || !Number.isFinite(task.ttl) ? '' : String(Math.max(1, Math.round(task.ttl)));
}

function decodeCursor(cursor: string): number {
  const ordinal =
    typeof cursor === 'string' && cursor.startsWith('c') ? Number.parseInt(cursor.slice(1), 36) : Number.NaN;
  if (!Number.isSafeInteger(ordinal) || ordinal < 0 || cursor !== `c${ordinal.toString(36)}`) {
    throw new InvalidArgumentError(`Expected \`cursor\` to be a cursor returned by page(), got ${describe(cursor)}`);
  }
  return ordinal;
}
