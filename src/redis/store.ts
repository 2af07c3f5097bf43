import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { InvalidArgumentError, TaskLostError } from '../errors.js';
import type { ClusterStore } from '../store/cluster.js';
import type { StorePageQuery, TaskPage } from '../store/store.js';
import type { TaskSnapshot, TaskState } from '../task.js';
import { assertDuration, assertOptions, assertState, assertTaskId, describe } from '../validate.js';
import { RedisTaskCluster } from './cluster.js';
import { bounded, decodeRecord, encodeSnapshot, type RedisClientLike, RedisConnection } from './connection.js';
import { deleteTask, insertTask, pageTasks, SCRIPTS, type StreamLimits, saveTask, sweepExpired } from './scripts.js';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** Where Redis is, e.g. `redis://127.0.0.1:6379`. Default: node-redis's default (`redis://localhost:6379`). */
  readonly url?: string;
  /** Keys start with `tooltask:{namespace}:`; managers sharing a namespace share their tasks. Default `'tooltask'`. */
  readonly namespace?: string;
  /** A node-redis client (6.2 or later, RESP2 or RESP3) to use instead of one from `url` (connected if closed, never closed by the store). */
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

/**
 * A task store in Redis, shared by every manager on the same namespace, in any process.
 *
 * Each task is one string (seq, state, creation ordinal and its encoded snapshot; a small hash beside it holds the owner while it is live); a sorted set
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
  readonly #onError: (error: Error) => void;
  readonly #timeout: number;
  /** Undos of failed inserts not run yet, by id: a new insert of the id goes after its undo. */
  readonly #undoing = new Map<string, Promise<void>>();
  #closed = false;
  #sweeping = false;

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
    this.#onError = onError;
    this.#timeout = timeout;
    let client = options.client;
    const owned = client === undefined;
    if (client === undefined) {
      // Reconnects whatever broke the connection: node-redis's default gives up for good on a
      // socket timeout (a connect that took over 5 s on a starved machine), which left the client
      // closed and every later call failing with "The client is closed".
      const socket = {
        reconnectStrategy: (retries: number) => backoff(retries) + Math.random() * 200,
      };
      // RESP2: node-redis 6 speaks RESP3 by default, which cost ~10% more CPU per task here
      // (create + complete, median of 8 alternating runs: 410 against 370 µs). A client of yours
      // may speak either.
      const made = { socket, RESP: 2 } as const;
      client = createClient(
        options.url === undefined ? made : { ...made, url: options.url },
      ) as unknown as RedisClientLike;
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
    // One timer for the store: sweeps expired tasks' index entries, renews the lease, reaps lost
    // nodes. Every lease / 10, so a dead node's tasks are lost within 1.1 × lease.
    this.#heartbeat = setInterval(() => this.#beat(), Math.max(20, Math.round(lease / 10)));
    this.#heartbeat.unref();
  }

  /**
   * Adds a new task atomically: `false` when the id exists, on this process or any other. Carries
   * this node's lease generation; one that was reaped meanwhile is replaced first (the node learns
   * it lost its lease) and the insert goes in under the new one.
   */
  async insert(task: TaskSnapshot): Promise<boolean> {
    assertTaskId(task.id);
    // A token per insert: a retry of this very insert after a lost reply is not "exists".
    const token = `${this.cluster.nodeId}:${++this.#inserts}`;
    const undoing = this.#undoing.get(task.id);
    if (undoing !== undefined) {
      // An earlier insert of this id failed and may yet land: this one goes after its undo.
      await bounded(
        undoing,
        this.#timeout,
        () =>
          new DOMException(
            `Expected the undo of an earlier failed insert of \`${task.id}\` within ${this.#timeout} ms, got none (Redis unreachable?)`,
            'TimeoutError',
          ),
      );
    }
    for (let attempt = 0; ; attempt++) {
      const generation = this.cluster.generation;
      const call = this.#connection.run<number>(insertTask, [
        task.id,
        encodeSnapshot(task),
        String(task.seq),
        task.state,
        ttlOf(task),
        this.cluster.nodeId,
        generation,
        token,
        ...this.#streams(),
      ]);
      const inserted = await call.catch((error: unknown) => {
        this.#undo(task.id, token);
        throw error;
      });
      if (inserted !== -2 || attempt === 1) return inserted === 1;
      await this.cluster.lapsed(generation, 'write');
    }
  }

  /**
   * An insert whose call failed (timed out, connection dropped) may still land: sent with no
   * answer yet, or waiting in the client's queue for a reconnect. The caller was told it failed,
   * so no actor runs that task: it is deleted, if it is there and that insert's (its token), by a
   * call on the same connection, which Redis runs after the insert. Tried again until it runs.
   */
  #undo(id: string, token: string): void {
    const undone = (async () => {
      for (let tries = 0; !this.#closed; tries++) {
        try {
          await this.#connection.run<number>(deleteTask, [id, this.#limits.events, this.#limits.grace, token]);
          return;
        } catch (error) {
          if (this.#closed) return;
          this.#onError(error as Error);
          await new Promise((resolve) => setTimeout(resolve, backoff(tries)).unref());
        }
      }
    })();
    this.#undoing.set(id, undone);
    undone.then(() => {
      if (this.#undoing.get(id) === undone) this.#undoing.delete(id);
    });
  }

  /**
   * Writes a snapshot when its `seq` is above the stored one and the stored task is live
   * (compare-and-set). Rejects with `TaskLostError` when the task was ended as lost because this
   * node's lease lapsed (fencing: a reaped owner never writes back).
   */
  async save(task: TaskSnapshot): Promise<void> {
    await this.saveAll([task]);
  }

  /**
   * Writes several snapshots of one task, in `seq` order, in one script call: each as `save`
   * would, each published to followers. The writer hands over what queued behind a write.
   */
  async saveAll(tasks: readonly TaskSnapshot[]): Promise<void> {
    const last = tasks.at(-1);
    if (last === undefined) return;
    assertTaskId(last.id);
    const generation = this.cluster.generation;
    const args = [last.id, ttlOf(last), this.cluster.nodeId, generation, ...this.#streams()];
    for (const task of tasks) {
      if (task.id !== last.id) {
        throw new InvalidArgumentError(
          `Expected snapshots of one task, got \`${task.id}\` among those of \`${last.id}\``,
        );
      }
      args.push(encodeSnapshot(task), String(task.seq), task.state);
    }
    const written = await this.#connection.run<number>(saveTask, args);
    if (written >= -1) return;
    // -2: this node's generation was reaped (it learns so now); -3: this task was, maybe long ago.
    if (written === -2) await this.cluster.lapsed(generation, 'write');
    throw new TaskLostError(last.id, this.cluster.nodeId);
  }

  /** The stream bounds every writing script takes last. */
  #streams(): string[] {
    return [this.#limits.task, this.#limits.events, this.#limits.grace];
  }

  async load(id: string): Promise<TaskSnapshot | undefined> {
    assertTaskId(id);
    const record = await this.#connection.call<string | null>(['GET', this.#connection.key(`t:${id}`)]);
    return record === null ? undefined : decodeRecord(record);
  }

  /** Every task in creation order, or those in one state, read a thousand at a time. */
  async loadAll(state?: TaskState): Promise<TaskSnapshot[]> {
    if (state !== undefined) assertState('state', state);
    const all: TaskSnapshot[] = [];
    let after: number | undefined = 0;
    while (after !== undefined) {
      const slice = await this.#slice(state, after, 1000);
      all.push(...slice.tasks);
      after = slice.next;
    }
    return all;
  }

  async delete(id: string): Promise<boolean> {
    assertTaskId(id);
    return (await this.#connection.run<number>(deleteTask, [id, this.#limits.events, this.#limits.grace, ''])) === 1;
  }

  /**
   * Tasks after the cursor in creation order; cursors are creation ordinals, valid on every process
   * of this namespace. A cursor this namespace never issued (edited, from another namespace, past
   * the last ordinal) throws `InvalidArgumentError`, as the in-memory store does.
   */
  async page({ cursor, limit, state }: StorePageQuery): Promise<TaskPage> {
    const after = cursor === undefined ? 0 : this.#decodeCursor(cursor);
    const { tasks, next } = await this.#slice(state, after, limit);
    return next === undefined ? { tasks } : { tasks, nextCursor: this.#encodeCursor(next) };
  }

  // A cursor is an ordinal and a check made from the namespace, so one from elsewhere or edited is refused.
  #encodeCursor(ordinal: number): string {
    const check = createHash('sha1').update(`${this.#connection.prefix}${ordinal}`).digest('base64url').slice(0, 8);
    return `c${ordinal.toString(36)}.${check}`;
  }

  #decodeCursor(cursor: string): number {
    const ordinal =
      typeof cursor === 'string' && cursor.startsWith('c')
        ? Number.parseInt(cursor.slice(1).split('.')[0] as string, 36)
        : Number.NaN;
    if (!Number.isSafeInteger(ordinal) || ordinal < 1 || cursor !== this.#encodeCursor(ordinal)) {
      throw new InvalidArgumentError(`Expected \`cursor\` to be a cursor returned by page(), got ${describe(cursor)}`);
    }
    return ordinal;
  }

  /**
   * Drops the index entries of tasks whose ttl ran out, in batches of about a millisecond each, as
   * many as are due; resolves with how many. Runs on the heartbeat, on the heartbeat's own
   * connection: not queued behind this process's writes, so the indexes keep up with any rate of
   * expiry, and a renewal waits behind one batch at most.
   */
  async sweep(): Promise<number> {
    let dropped = 0;
    for (;;) {
      const batch = await this.#heartbeatConnection.run<number>(sweepExpired, [SWEEP_BATCH, this.#limits.events]);
      dropped += batch;
      if (batch < Number(SWEEP_BATCH) || this.#closed) return dropped;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    await this.cluster.close();
    await Promise.all([this.#connection.close(), this.#heartbeatConnection.close()]);
  }

  /** Up to `limit` tasks after an ordinal, and the ordinal to go on from, if there may be more. */
  async #slice(
    state: TaskState | undefined,
    after: number,
    limit: number,
  ): Promise<{ tasks: TaskSnapshot[]; next: number | undefined }> {
    const index = state === undefined ? 'all' : `s:${state}`;
    let flat: string[];
    try {
      // One more than asked: whether a next page exists, without a second call.
      flat = await this.#connection.run<string[]>(pageTasks, [index, String(after), String(limit + 1), PAGE_CLEANUP]);
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('CURSOR')) {
        throw new InvalidArgumentError(
          `Expected \`cursor\` to be a cursor returned by page(), got one past the last task (ordinal ${after})`,
        );
      }
      throw error;
    }
    const tasks: TaskSnapshot[] = [];
    const found = (flat.length - 2) / 2;
    const count = Math.min(found, limit);
    let last = after;
    for (let i = 0; i < count; i++) {
      last = Number(flat[2 + 2 * i]);
      tasks.push(decodeRecord(flat[3 + 2 * i] as string));
    }
    if (found > limit) return { tasks, next: last };
    // Stopped early by its clean-up budget: go on from where it stopped, not from the last task found.
    if (flat[1] === '0') return { tasks, next: Number(flat[0]) };
    return { tasks, next: undefined };
  }

  #beat(): void {
    if (this.#closed) return;
    this.cluster.heartbeat();
    if (this.#sweeping) return;
    this.#sweeping = true;
    this.sweep()
      .catch(() => {})
      .finally(() => {
        this.#sweeping = false;
      });
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

/** Expired tasks one sweep script unindexes: about a millisecond of Redis time (`npm run bench:redis`, section 7). */
const SWEEP_BATCH = '50';

/** Most stale index entries (of expired tasks) one page drops on its way: a page never does unbounded work. */
const PAGE_CLEANUP = '100';

/** How long to wait before try `tries + 1` (from 0): 50 ms, doubling, at most 2 s. */
function backoff(tries: number): number {
  return Math.min(50 * 2 ** tries, 2000);
}

function ttlOf(task: TaskSnapshot): string {
  return task.ttl === undefined || !Number.isFinite(task.ttl) ? '' : String(Math.max(1, Math.round(task.ttl)));
}
