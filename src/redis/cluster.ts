import { hostname } from 'node:os';
import { Observable, type Subscriber } from 'rxjs';
import { TaskNotFoundError } from '../errors.js';
import type { ClusterEvent, CommandHandler, CommandOutcome, TaskCluster, TaskCommand } from '../store/cluster.js';
import { decodeValue, encodeValue } from '../store/codec.js';
import { isTerminal, type TaskSnapshot } from '../task.js';
import { decodeSnapshot, type RedisClientLike, type RedisConnection } from './connection.js';
import { type ClusterNode, readClusterNodes } from './nodes.js';
import { reapLost, renewLease, sendCommand } from './scripts.js';
import type { StreamLimits } from './store.js';

/** What the store tells its cluster. */
export interface RedisClusterOptions {
  readonly nodeId: string | undefined;
  readonly lease: number;
  readonly commandTimeout: number;
  readonly onError: (error: Error) => void;
  /**
   * A connection of its own for renewing the lease and reaping: on the store's connection a
   * renewal would wait behind every write queued before it, and a busy node would lose its lease.
   */
  readonly heartbeat: RedisConnection;
}

/** One `follow()` subscription: what it has delivered, and what came while it caught up. */
interface Follower {
  next: number;
  caughtUp: boolean;
  readonly buffered: TaskSnapshot[];
  readonly subscriber: Subscriber<TaskSnapshot>;
}

interface PendingCommand {
  readonly resolve: (outcome: CommandOutcome) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

type StreamEntry = [id: string, fields: string[]];
type XReadReply = [key: string, entries: StreamEntry[]][] | null;

/** Most replies a node's reply stream keeps; a reply is read within milliseconds of being written. */
const REPLY_STREAM_LENGTH = '1000';
/** Most tasks one reaping script ends; more are left to the next heartbeat. */
const REAP_BATCH = '1000';

/**
 * The Redis side of {@link TaskCluster}: a lease key per node renewed on the store's heartbeat,
 * a command stream per node and a reply stream per node, and the namespace's event stream.
 * One extra connection per process does every blocking read (`XREAD` over the node's command
 * and reply streams and the event stream), resuming from the last entry ids it saw after a
 * dropped connection, so nothing is missed or seen twice.
 */
export class RedisTaskCluster implements TaskCluster {
  readonly nodeId: string;
  readonly #connection: RedisConnection;
  readonly #beat: RedisConnection;
  readonly #limits: StreamLimits;
  readonly #lease: string;
  readonly #commandTimeout: number;
  readonly #onError: (error: Error) => void;
  readonly #followers = new Map<string, Set<Follower>>();
  readonly #everything = new Set<Subscriber<ClusterEvent>>();
  readonly #pending = new Map<string, PendingCommand>();
  /** The last entry id read from the command, reply and event streams. */
  readonly #last: [string, string, string] = ['0-0', '0-0', '0-0'];
  readonly #keys: [string, string, string];
  #handler: CommandHandler | undefined;
  #started: Promise<void> | undefined;
  #reader: RedisClientLike | undefined;
  #requests = 0;
  #beating = false;
  #leased = false;
  #closed = false;

  constructor(connection: RedisConnection, limits: StreamLimits, options: RedisClusterOptions) {
    this.#connection = connection;
    this.#beat = options.heartbeat;
    this.#limits = limits;
    this.nodeId = options.nodeId ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
    this.#lease = String(Math.max(1, Math.round(options.lease)));
    this.#commandTimeout = options.commandTimeout;
    this.#onError = options.onError;
    this.#keys = [connection.key(`cmd:${this.nodeId}`), connection.key(`rep:${this.nodeId}`), connection.key('ev')];
  }

  /** Every process of the namespace: its lease, alive or lapsed, and how many live tasks it owns. */
  nodes(): Promise<ClusterNode[]> {
    return readClusterNodes(this.#connection);
  }

  start(): Promise<void> {
    // A failed start (Redis down) is not kept: the next call tries again.
    this.#started ??= this.#start().catch((error: unknown) => {
      this.#started = undefined;
      throw error;
    });
    return this.#started;
  }

  follow(id: string, fromSeq: number): Observable<TaskSnapshot> {
    return new Observable<TaskSnapshot>((subscriber) => {
      const follower: Follower = { next: fromSeq, caughtUp: false, buffered: [], subscriber };
      // Listen first, then read what came before: every entry is in one or the other (or both: seq dedupes).
      let followers = this.#followers.get(id);
      if (followers === undefined) {
        followers = new Set();
        this.#followers.set(id, followers);
      }
      followers.add(follower);
      // Catching up is idempotent (seq dedupes): on a dropped connection, try again until it works.
      const catchUp = (): void => {
        this.start()
          .then(() => this.#catchUp(id, follower))
          .catch((error: unknown) => {
            this.#onError(error as Error);
            if (!subscriber.closed && !this.#closed) setTimeout(catchUp, 50);
          });
      };
      catchUp();
      return () => {
        const set = this.#followers.get(id);
        set?.delete(follower);
        if (set?.size === 0) this.#followers.delete(id);
      };
    });
  }

  followAll(): Observable<ClusterEvent> {
    return new Observable<ClusterEvent>((subscriber) => {
      this.#everything.add(subscriber);
      const start = (): void => {
        this.start().catch((error: unknown) => {
          this.#onError(error as Error);
          if (!subscriber.closed && !this.#closed) setTimeout(start, 50);
        });
      };
      start();
      return () => {
        this.#everything.delete(subscriber);
      };
    });
  }

  async send(command: TaskCommand, options?: { readonly timeout?: number }): Promise<CommandOutcome> {
    await this.start();
    const requestId = String(++this.#requests);
    const timeout = options?.timeout ?? this.#commandTimeout;
    const answer = new Promise<CommandOutcome>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        reject(
          new DOMException(
            `Expected an answer to \`${command.method}\` on task \`${command.id}\` within ${timeout} ms, got none`,
            'TimeoutError',
          ),
        );
      }, timeout);
      this.#pending.set(requestId, { resolve, reject, timer });
    });
    const settle = (): void => {
      const pending = this.#pending.get(requestId);
      if (pending !== undefined) clearTimeout(pending.timer);
      this.#pending.delete(requestId);
    };
    let sent: [string, string | undefined];
    try {
      sent = await this.#connection.run(sendCommand, [
        command.id,
        this.nodeId,
        requestId,
        encodeValue(command),
        REPLY_STREAM_LENGTH,
      ]);
    } catch (error) {
      settle();
      throw error;
    }
    if (sent[0] === 'sent') return answer;
    settle();
    answer.catch(() => {});
    return sent[0] === 'missing'
      ? { status: 'missing' }
      : { status: 'final', snapshot: decodeSnapshot(sent[1] as string) };
  }

  onCommand(handler: CommandHandler): () => void {
    this.#handler = handler;
    // Commands arrive through the reader: open it now, and keep trying while Redis is away.
    const start = (): void => {
      this.start().catch((error: unknown) => {
        this.#onError(error as Error);
        if (!this.#closed && this.#handler === handler) setTimeout(start, 50);
      });
    };
    start();
    return () => {
      if (this.#handler === handler) this.#handler = undefined;
    };
  }

  async reapLost(): Promise<string[]> {
    return this.#reap('');
  }

  /** Renews the lease and reaps lapsed nodes; the store calls it on its heartbeat. Never throws. */
  heartbeat(): void {
    if (!this.#leased || this.#closed || this.#beating) return;
    this.#beating = true;
    this.#beat
      .run<number>(renewLease, [this.nodeId, this.#lease])
      .then((held) => {
        if (held === 0)
          this.#onError(new Error(`The lease of node ${this.nodeId} had lapsed; its live tasks may have been reaped`));
        return this.#reap('');
      })
      .catch((error: unknown) => this.#onError(error as Error))
      .finally(() => {
        this.#beating = false;
      });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const [, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`Expected an open cluster, got a closed one (node ${this.nodeId})`));
    }
    this.#pending.clear();
    for (const followers of this.#followers.values()) for (const follower of followers) follower.subscriber.complete();
    for (const subscriber of this.#everything) subscriber.complete();
    this.#reader?.destroy();
    if (this.#leased) {
      // Let the lease go at once: a closed node runs nothing, so what it owned is lost now.
      await this.#connection.call(['DEL', this.#connection.key(`lease:${this.nodeId}`)]).catch(() => {});
    }
  }

  /**
   * Takes the lease before the store's first call (the connection runs it as its preparation), so
   * every task this node owns has a lease a survivor can see lapse.
   */
  async join(): Promise<void> {
    await this.#connection.runNow<number>(renewLease, [this.nodeId, this.#lease]);
    // A restart under a fixed node id: what the previous life owned has no actor any more.
    await this.#connection.runNow<string[]>(reapLost, [
      this.#limits.task,
      this.#limits.events,
      this.#limits.grace,
      REAP_BATCH,
      this.nodeId,
    ]);
    // Commands for this node's tasks, and replies to its own, all come after this point: no task
    // was ours before. Older entries were for a previous life of this node id.
    for (let i = 0; i < 2; i++) this.#last[i] = await this.#lastEntry(i, true);
    this.#leased = true;
  }

  async #lastEntry(stream: number, now: boolean): Promise<string> {
    const args = ['XREVRANGE', this.#keys[stream] as string, '+', '-', 'COUNT', '1'];
    const last = await (now
      ? this.#connection.callNow<StreamEntry[]>(args)
      : this.#connection.call<StreamEntry[]>(args));
    return last[0]?.[0] ?? '0-0';
  }

  async #start(): Promise<void> {
    const reader = await this.#connection.duplicate(this.#onError);
    this.#reader = reader;
    this.#last[2] = await this.#lastEntry(2, false);
    void this.#read(reader);
  }

  async #reap(self: string): Promise<string[]> {
    return this.#beat.run<string[]>(reapLost, [
      this.#limits.task,
      this.#limits.events,
      this.#limits.grace,
      REAP_BATCH,
      self,
    ]);
  }

  async #read(reader: RedisClientLike): Promise<void> {
    while (!this.#closed) {
      let reply: XReadReply;
      try {
        reply = await reader.sendCommand<XReadReply>([
          'XREAD',
          'COUNT',
          '1000',
          'BLOCK',
          '1000',
          'STREAMS',
          ...this.#keys,
          ...this.#last,
        ]);
      } catch (error) {
        if (this.#closed) return;
        // The connection dropped: the client reconnects; read again from the same ids.
        this.#onError(error as Error);
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      if (reply === null) continue;
      for (const [key, entries] of reply) {
        const stream = this.#keys.indexOf(key);
        for (const [entryId, fields] of entries) {
          this.#last[stream] = entryId;
          const record = toRecord(fields);
          if (stream === 0) this.#runCommand(record);
          else if (stream === 1) this.#answer(record);
          else this.#dispatch(record);
        }
      }
    }
  }

  #runCommand(record: Record<string, string>): void {
    const from = record.from as string;
    const reply = (ok: '0' | '1', value: unknown) =>
      this.#connection.call([
        'XADD',
        this.#connection.key(`rep:${from}`),
        'MAXLEN',
        '~',
        REPLY_STREAM_LENGTH,
        '*',
        'rid',
        record.rid as string,
        'ok',
        ok,
        'v',
        encodeValue(value),
      ]);
    const command = decodeValue(record.v as string) as TaskCommand;
    const handler = this.#handler;
    // Started in stream order, not awaited: commands to one task reach the manager in the order they were sent.
    const result =
      handler === undefined
        ? Promise.reject(new TaskNotFoundError(command.id))
        : Promise.resolve().then(() => handler(command));
    result
      .then(
        (snapshot) => reply('1', snapshot),
        (error: unknown) => reply('0', error),
      )
      .catch((error: unknown) => this.#onError(error as Error));
  }

  #answer(record: Record<string, string>): void {
    const pending = this.#pending.get(record.rid as string);
    if (pending === undefined) return;
    this.#pending.delete(record.rid as string);
    clearTimeout(pending.timer);
    if (record.ok === '1') pending.resolve({ status: 'answered', snapshot: decodeSnapshot(record.v as string) });
    else pending.reject(decodeValue(record.v as string));
  }

  #dispatch(record: Record<string, string>): void {
    const id = record.id as string;
    const followers = this.#followers.get(id);
    if (followers === undefined && this.#everything.size === 0) return;
    if (record.k === 'd') {
      for (const follower of followers ?? []) follower.subscriber.complete();
      for (const subscriber of this.#everything) subscriber.next({ kind: 'deleted', id });
      return;
    }
    const snapshot = decodeSnapshot(record.v as string);
    for (const follower of followers ?? []) {
      if (follower.caughtUp) deliver(follower, snapshot);
      else follower.buffered.push(snapshot);
    }
    for (const subscriber of this.#everything) subscriber.next({ kind: 'snapshot', snapshot });
  }

  /** Delivers what the task's history holds from the follower's seq on, then what came meanwhile. */
  async #catchUp(id: string, follower: Follower): Promise<void> {
    const history = (await this.#connection.call<string[]>(['LRANGE', this.#connection.key(`h:${id}`), '0', '-1'])).map(
      (entry) => {
        const colon = entry.indexOf(':');
        return { seq: Number(entry.slice(0, colon)), encoded: entry.slice(colon + 1) };
      },
    );
    const first = history[0];
    if (first === undefined || first.seq > follower.next) {
      // Nothing kept from that seq (trimmed, or the history's grace ended): the latest snapshot is next.
      const encoded = await this.#connection.call<string | null>(['HGET', this.#connection.key(`t:${id}`), 'v']);
      if (encoded === null) {
        follower.subscriber.complete();
        return;
      }
      deliver(follower, decodeSnapshot(encoded));
    }
    for (const entry of history) if (entry.seq >= follower.next) deliver(follower, decodeSnapshot(entry.encoded));
    follower.caughtUp = true;
    for (const snapshot of follower.buffered.splice(0)) deliver(follower, snapshot);
  }
}

function deliver(follower: Follower, snapshot: TaskSnapshot): void {
  if (snapshot.seq < follower.next || follower.subscriber.closed) return;
  follower.next = snapshot.seq + 1;
  follower.subscriber.next(snapshot);
  if (isTerminal(snapshot.state)) follower.subscriber.complete();
}

function toRecord(fields: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i] as string] = fields[i + 1] as string;
  return record;
}
