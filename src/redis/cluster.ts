import { hostname } from 'node:os';
import { Observable, type Subscriber } from 'rxjs';
import { ChangesMissedError, TaskNotFoundError } from '../errors.js';
import type {
  ClusterEvent,
  CommandHandler,
  CommandOutcome,
  FollowAllOptions,
  LeaseLoss,
  TaskCluster,
  TaskCommand,
} from '../store/cluster.js';
import { decodeValue, encodeValue } from '../store/codec.js';
import { isTerminal, type TaskSnapshot } from '../task.js';
import { decodeRecord, decodeSnapshot, type RedisClientLike, type RedisConnection } from './connection.js';
import { type ClusterNode, readClusterNodes } from './nodes.js';
import { beat, leaveNode, replyCommand, type StreamLimits, sendCommand, takeLease } from './scripts.js';

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
  /** The task was deleted while this caught up: complete once what it buffered is delivered. */
  deleted: boolean;
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
/** `XREAD`'s reply as either protocol gives it: RESP2 an array of pairs, RESP3 a map (node-redis 6's default). */
type RawXReadReply = XReadReply | Record<string, StreamEntry[]> | Map<string, StreamEntry[]>;

/** Most replies a node's reply stream keeps; a reply is read within milliseconds of being written. */
const REPLY_STREAM_LENGTH = '1000';
/** How long a command or reply stream nobody writes to lives, in ms: a node that died leaves none behind. */
const STREAM_IDLE = '60000';
/** Most tasks one reaping script ends (a few ms of Redis time); more are left to the next call. */
const REAP_BATCH = '200';

/** One `followAll()` subscription. */
interface Reader {
  readonly subscriber: Subscriber<ClusterEvent>;
  readonly onMissed: ((error: ChangesMissedError) => void) | undefined;
}

/**
 * The Redis side of {@link TaskCluster}: a lease per node renewed on the store's heartbeat, a
 * command stream and a reply stream per node, a pub/sub channel per task, and the namespace's
 * event stream. Each process reads only what it needs, each on a connection of its own opened
 * when first needed:
 * - its command and reply streams (`XREAD`, resuming from the last ids it saw after a dropped
 *   connection, so nothing is missed or seen twice);
 * - the channels of the tasks it follows (`follow()`): each follower catches up from the task's
 *   history after its channel is subscribed, and again after every reconnect or `seq` gap;
 * - the namespace's event stream, only while `followAll()` has a reader.
 */
export class RedisTaskCluster implements TaskCluster {
  readonly nodeId: string;
  readonly #connection: RedisConnection;
  readonly #beat: RedisConnection;
  readonly #limits: StreamLimits;
  readonly #lease: string;
  readonly #leaseMs: number;
  readonly #commandTimeout: number;
  readonly #onError: (error: Error) => void;
  readonly #followers = new Map<string, Set<Follower>>();
  readonly #everything = new Set<Reader>();
  readonly #lost = new Set<(loss: LeaseLoss) => void>();
  readonly #pending = new Map<string, PendingCommand>();
  /** The last entry id read from the command and reply streams. */
  readonly #last: [string, string] = ['0-0', '0-0'];
  readonly #keys: [string, string];
  readonly #eventsKey: string;
  /** The last entry id read from the event stream, while `followAll()` has readers. */
  #lastEvent = '0-0';
  #handler: CommandHandler | undefined;
  #started: Promise<void> | undefined;
  /** Started: the command reader is up, the lease taken. */
  #running = false;
  #reader: RedisClientLike | undefined;
  /** The connection reading the event stream, opened with the first `followAll()` reader. */
  readonly #eventsReader = new LazyConnection(() => this.#connection.duplicate(this.#onError));
  /** Whether the event stream is being read (stops within a second of the last reader leaving). */
  #readingEvents = false;
  /** The connection on the followed tasks' channels, opened with the first `follow()`. */
  readonly #subscriber = new LazyConnection(() =>
    this.#connection.duplicate(this.#onError).then((client) => {
      // Ready again after a reconnect, channels resubscribed: what was published meanwhile is
      // lost to pub/sub, so every follower catches up from its task's history again (also one
      // whose catch-up read may have come before the drop; seq dedupes a second one).
      client.on('ready', () => {
        for (const [followed, followers] of this.#followers) {
          for (const follower of followers) this.#resync(followed, follower);
        }
      });
      return client;
    }),
  );
  readonly #onMessage = (message: string, channel: string): void => this.#message(message, channel);
  #requests = 0;
  /** The heartbeat's renewal under way, if one is. */
  #beating: Promise<void> | undefined;
  /** Every beat under way (heartbeat and `reapLost`): `close` lets them land before the lease goes. */
  readonly #beats = new Set<Promise<unknown>>();
  #leased = false;
  #closed = false;
  /** This node's lease generation: every write carries it, and Redis refuses it once it was reaped. */
  #generation = '';
  /** When the last heartbeat reached Redis (ms): a node that was cut off does not reap as it comes back. */
  #lastBeat = 0;
  /** Taking a new generation after this node learnt its lease lapsed and its tasks were reaped. */
  #relapsing: Promise<void> | undefined;

  constructor(connection: RedisConnection, limits: StreamLimits, options: RedisClusterOptions) {
    this.#connection = connection;
    this.#beat = options.heartbeat;
    this.#limits = limits;
    this.nodeId = options.nodeId ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 10)}`;
    this.#leaseMs = Math.max(1, Math.round(options.lease));
    this.#lease = String(this.#leaseMs);
    this.#commandTimeout = options.commandTimeout;
    this.#onError = options.onError;
    this.#keys = [connection.key(`cmd:${this.nodeId}`), connection.key(`rep:${this.nodeId}`)];
    this.#eventsKey = connection.key('ev');
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
      const follower: Follower = { next: fromSeq, caughtUp: false, deleted: false, buffered: [], subscriber };
      // Listen first, then read what came before: every change is in one or the other (or both: seq dedupes).
      let followers = this.#followers.get(id);
      if (followers === undefined) {
        followers = new Set();
        this.#followers.set(id, followers);
      }
      followers.add(follower);
      // Catching up is idempotent (seq dedupes): on a dropped connection, try again until it works.
      const catchUp = (): void => {
        this.#listen(id)
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
        if (set?.size !== 0) return;
        this.#followers.delete(id);
        this.#subscriber.opened
          ?.then((client) => client.unsubscribe(this.#channel(id), this.#onMessage))
          .catch((error: unknown) => this.#onError(error as Error));
      };
    });
  }

  followAll(options?: FollowAllOptions): Observable<ClusterEvent> {
    return new Observable<ClusterEvent>((subscriber) => {
      const reader: Reader = { subscriber, onMissed: options?.onMissed };
      this.#everything.add(reader);
      const start = (): void => {
        this.#readEvents().catch((error: unknown) => {
          this.#onError(error as Error);
          if (!subscriber.closed && !this.#closed) setTimeout(start, 50);
        });
      };
      start();
      return () => {
        this.#everything.delete(reader);
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
        STREAM_IDLE,
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
    if (this.#closed) return [];
    return this.#beatOnce(true);
  }

  onLeaseLost(listener: (loss: LeaseLoss) => void): () => void {
    this.#lost.add(listener);
    return () => {
      this.#lost.delete(listener);
    };
  }

  /** This node's lease generation, which every write carries (the store's fencing token). */
  get generation(): string {
    return this.#generation;
  }

  /**
   * Renews the lease and reaps lapsed nodes; the store calls it on its heartbeat. Never throws.
   * Reaps only when the previous beat reached Redis recently: a node that was cut off itself
   * lets the others renew first.
   */
  heartbeat(): void {
    if (!this.#leased || this.#closed || this.#beating !== undefined) return;
    const connected = Date.now() - this.#lastBeat < this.#leaseMs / 2;
    this.#beating = this.#beatOnce(connected)
      .then(
        () => {},
        (error: unknown) => this.#onError(error as Error),
      )
      .finally(() => {
        this.#beating = undefined;
      });
  }

  #beatOnce(reap: boolean): Promise<string[]> {
    const beat = this.#renew(reap);
    const settled = beat.then(
      () => {},
      () => {},
    );
    this.#beats.add(settled);
    settled.then(() => this.#beats.delete(settled));
    return beat;
  }

  async #renew(reap: boolean): Promise<string[]> {
    const generation = this.#generation;
    const [held, ...reaped] = await this.#beat.run<[number, ...string[]]>(beat, [
      this.nodeId,
      generation,
      this.#lease,
      reap ? '1' : '0',
      REAP_BATCH,
      ...this.#streamLimits(),
    ]);
    this.#lastBeat = Date.now();
    if (held === 0) await this.lapsed(generation, 'renewal');
    return reaped;
  }

  /**
   * This node learnt that its lease generation was reaped (a refused renewal or write): it takes
   * a new one, once the store has ended every task of the old one as lost, then tells the
   * `onLeaseLost` listeners. A generation that is not the current one any more was handled already.
   */
  lapsed(generation: string, how: LeaseLoss['how']): Promise<void> {
    if (generation !== this.#generation || this.#closed) return this.#relapsing ?? Promise.resolve();
    this.#relapsing ??= (async () => {
      try {
        await this.#takeLease((args) => this.#beat.run<string[]>(takeLease, args));
      } finally {
        this.#relapsing = undefined;
      }
      const loss: LeaseLoss = { nodeId: this.nodeId, generation, how };
      this.#onError(
        new Error(
          `The lease of node ${this.nodeId} (generation ${generation}) lapsed and its live tasks were ended as lost; it goes on as generation ${this.#generation}`,
        ),
      );
      for (const listener of this.#lost) listener(loss);
    })();
    return this.#relapsing;
  }

  /** Takes a new generation, reaping what the node owned before first (a batch per call). */
  async #takeLease(run: (args: string[]) => Promise<string[]>): Promise<void> {
    for (;;) {
      const [generation] = await run([this.nodeId, this.#lease, REAP_BATCH, ...this.#streamLimits()]);
      if (generation !== undefined && generation !== '') {
        this.#generation = generation;
        this.#lastBeat = Date.now();
        return;
      }
    }
  }

  #streamLimits(): string[] {
    return [this.#limits.task, this.#limits.events, this.#limits.grace];
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
    for (const reader of this.#everything) reader.subscriber.complete();
    this.#reader?.destroy();
    this.#subscriber.destroy();
    this.#eventsReader.destroy();
    if (this.#leased) {
      // A renewal (or a new lease) still under way would land after the lease went and renew it.
      await Promise.all([...this.#beats, this.#relapsing?.catch(() => {})]);
      // Let the lease go at once: a closed node runs nothing, so what it owned is lost now.
      await this.#connection.run(leaveNode, [this.nodeId, this.#generation]).catch(() => {});
    }
  }

  /**
   * Takes the lease before the store's first call (the connection runs it as its preparation), so
   * every task this node owns has a lease a survivor can see lapse.
   */
  async join(): Promise<void> {
    // A restart under a fixed node id: what the previous life owned has no actor any more.
    await this.#takeLease((args) => this.#connection.runNow<string[]>(takeLease, args));
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
    this.#running = true;
    void this.#read(reader);
  }

  #channel(id: string): string {
    return this.#connection.key(`c:${id}`);
  }

  /** Subscribes this process to a task's channel; resolves once Redis confirmed it. */
  async #listen(id: string): Promise<void> {
    await this.start();
    const client = await this.#subscriber.get();
    if (!client.isOpen) await client.connect();
    if (this.#followers.has(id)) await client.subscribe(this.#channel(id), this.#onMessage);
  }

  /** A message on a followed task's channel: `s:<seq>:<encoded>`, `d:<seq>:<encoded>` or `d`. */
  #message(message: string, channel: string): void {
    const id = channel.slice(this.#connection.key('c:').length);
    const followers = this.#followers.get(id);
    if (followers === undefined) return;
    if (message === 'd') {
      this.#toFollowers(id, followers, 'd', undefined);
      return;
    }
    const encoded = message.slice(message.indexOf(':', 2) + 1);
    this.#toFollowers(id, followers, message[0] === 'd' ? 'd' : 's', decodeSnapshot(encoded));
  }

  /**
   * Reads the namespace's event stream from now on, while `followAll()` has readers: the loop
   * stops after its read once the last reader left, and starts again (from then) with the next.
   */
  async #readEvents(): Promise<void> {
    if (this.#readingEvents || this.#closed) return;
    this.#readingEvents = true;
    try {
      // Where "now" is, asked at once (queued before this returns, once started), on the open
      // connection: a reader gets every event written after it subscribed.
      if (!this.#running) await this.start();
      const last = await this.#connection.call<StreamEntry[]>(['XREVRANGE', this.#eventsKey, '+', '-', 'COUNT', '1']);
      this.#lastEvent = last[0]?.[0] ?? '0-0';
      void this.#readEventsFrom(await this.#eventsReader.get());
    } catch (error) {
      this.#readingEvents = false;
      throw error;
    }
  }

  async #readEventsFrom(reader: RedisClientLike): Promise<void> {
    while (!this.#closed && this.#everything.size > 0) {
      const reply = await this.#readStreams(reader, [this.#eventsKey], [this.#lastEvent]);
      for (const [, entries] of reply ?? []) {
        for (const [entryId, fields] of entries) {
          this.#checkGap(this.#lastEvent, entryId);
          this.#lastEvent = entryId;
          this.#dispatch(toRecord(fields));
        }
      }
    }
    this.#readingEvents = false;
  }

  /**
   * One blocking read of streams from the ids given (up to a second, 1,000 entries): `null` when
   * nothing came, or when the connection dropped (reported; the client reconnects, and the
   * caller reads again from the same ids).
   */
  async #readStreams(reader: RedisClientLike, keys: readonly string[], ids: readonly string[]): Promise<XReadReply> {
    try {
      return fromEitherProtocol(
        await reader.sendCommand<RawXReadReply>([
          'XREAD',
          'COUNT',
          '1000',
          'BLOCK',
          '1000',
          'STREAMS',
          ...keys,
          ...ids,
        ]),
      );
    } catch (error) {
      if (this.#closed) return null;
      this.#onError(error as Error);
      await new Promise((resolve) => setTimeout(resolve, 20));
      // A client that gave up reconnecting is opened again (it keeps failing otherwise).
      if (!reader.isOpen && !this.#closed)
        await reader.connect().catch((failed: unknown) => this.#onError(failed as Error));
      return null;
    }
  }

  async #read(reader: RedisClientLike): Promise<void> {
    while (!this.#closed) {
      const reply = await this.#readStreams(reader, this.#keys, this.#last);
      if (reply === null) continue;
      for (const [key, entries] of reply) {
        const stream = this.#keys.indexOf(key);
        for (const [entryId, fields] of entries) {
          this.#last[stream] = entryId;
          const record = toRecord(fields);
          if (stream === 0) this.#runCommand(record);
          else this.#answer(record);
        }
      }
    }
  }

  /**
   * The event stream's ids are 0-1, 0-2 … without a hole: a jump means the stream was trimmed past
   * this reader (it fell behind `eventsLength`). `followAll()` readers are told, with how many they
   * missed. (Followers are not on this stream: each has its task's channel and history.)
   */
  #checkGap(last: string, next: string): void {
    const before = Number(last.slice(last.indexOf('-') + 1));
    const missed = Number(next.slice(next.indexOf('-') + 1)) - before - 1;
    if (before === 0 || missed <= 0 || !last.startsWith('0-') || !next.startsWith('0-')) return;
    const error = new ChangesMissedError(missed, last, next);
    let told = false;
    for (const reader of this.#everything) {
      if (reader.onMissed === undefined) continue;
      told = true;
      reader.onMissed(error);
    }
    if (!told && this.#everything.size > 0) this.#onError(error);
  }

  /** A follower that may have missed a change: it catches up again (seq dedupes what it has). */
  #resync(id: string, follower: Follower): void {
    follower.caughtUp = false;
    const retry = (): void => {
      this.#catchUp(id, follower).catch((error: unknown) => {
        this.#onError(error as Error);
        if (!follower.subscriber.closed && !this.#closed) setTimeout(retry, 50);
      });
    };
    retry();
  }

  #runCommand(record: Record<string, string>): void {
    const from = record.from as string;
    const reply = (ok: '0' | '1', value: unknown) =>
      this.#connection.run(replyCommand, [
        from,
        record.rid as string,
        ok,
        encodeValue(value),
        REPLY_STREAM_LENGTH,
        STREAM_IDLE,
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

  /** An entry of the namespace's event stream, for the `followAll()` readers. */
  #dispatch(record: Record<string, string>): void {
    if (record.k === 'd') {
      for (const reader of this.#everything) reader.subscriber.next({ kind: 'deleted', id: record.id as string });
      return;
    }
    const snapshot = decodeSnapshot(record.v as string);
    for (const reader of this.#everything) reader.subscriber.next({ kind: 'snapshot', snapshot });
  }

  /** A change of a followed task, from its channel. */
  #toFollowers(id: string, followers: Set<Follower>, kind: 's' | 'd', snapshot: TaskSnapshot | undefined): void {
    if (kind === 'd') {
      // The deletion carries the last snapshot: the final one reaches a follower before the end.
      for (const follower of followers) {
        if (snapshot !== undefined) follower.buffered.push(snapshot);
        follower.deleted = true;
        if (follower.caughtUp) this.#flush(id, follower, follower.buffered.splice(0));
      }
      return;
    }
    for (const follower of followers) {
      if (!follower.caughtUp) follower.buffered.push(snapshot as TaskSnapshot);
      else if ((snapshot as TaskSnapshot).seq > follower.next) {
        // A seq this follower never got: catch up from the task's history before going on.
        follower.buffered.push(snapshot as TaskSnapshot);
        this.#resync(id, follower);
      } else deliver(follower, snapshot as TaskSnapshot);
    }
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
      const record = await this.#connection.call<string | null>(['GET', this.#connection.key(`t:${id}`)]);
      if (record === null) {
        // Deleted: what its deletion carried (the final snapshot) is all there is left.
        follower.deleted = true;
        this.#flush(id, follower, follower.buffered.splice(0));
        return;
      }
      deliver(follower, decodeRecord(record));
    }
    for (const entry of history) if (entry.seq >= follower.next) deliver(follower, decodeSnapshot(entry.encoded));
    follower.caughtUp = true;
    this.#flush(id, follower, follower.buffered.splice(0));
  }

  /** Delivers what came while a follower caught up, then completes it if the task was deleted. */
  #flush(id: string, follower: Follower, buffered: TaskSnapshot[]): void {
    for (const [i, snapshot] of buffered.entries()) {
      if (snapshot.seq > follower.next && !follower.subscriber.closed && !follower.deleted) {
        // Still a hole (the stream was trimmed while this caught up): again, from the history.
        follower.buffered.push(...buffered.slice(i));
        this.#resync(id, follower);
        return;
      }
      deliver(follower, snapshot);
    }
    if (follower.deleted) follower.subscriber.complete();
  }
}

/** A connection of the cluster's own, opened when first needed; a failed open is not kept (the next `get` tries again). */
class LazyConnection {
  readonly #open: () => Promise<RedisClientLike>;
  #opening: Promise<RedisClientLike> | undefined;

  constructor(open: () => Promise<RedisClientLike>) {
    this.#open = open;
  }

  /** The connection, opening it if none is open or opening. */
  get(): Promise<RedisClientLike> {
    if (this.#opening === undefined) {
      const opening = this.#open();
      this.#opening = opening;
      opening.catch(() => {
        if (this.#opening === opening) this.#opening = undefined;
      });
    }
    return this.#opening;
  }

  /** The connection if one is open or opening, without opening one. */
  get opened(): Promise<RedisClientLike> | undefined {
    return this.#opening;
  }

  destroy(): void {
    this.#opening?.then((client) => client.destroy()).catch(() => {});
  }
}

function deliver(follower: Follower, snapshot: TaskSnapshot): void {
  if (snapshot.seq < follower.next || follower.subscriber.closed) return;
  follower.next = snapshot.seq + 1;
  follower.subscriber.next(snapshot);
  if (isTerminal(snapshot.state)) follower.subscriber.complete();
}

function fromEitherProtocol(reply: RawXReadReply): XReadReply {
  if (reply === null || Array.isArray(reply)) return reply;
  return reply instanceof Map ? [...reply] : Object.entries(reply);
}

function toRecord(fields: string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i] as string] = fields[i + 1] as string;
  return record;
}
