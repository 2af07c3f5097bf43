import { createHash } from 'node:crypto';
import { TimeoutError } from 'redis';
import { decodeValue, encodeValue } from '../store/codec.js';
import type { TaskSnapshot } from '../task.js';
import type { LuaScript } from './scripts.js';

/**
 * The part of a node-redis 6.2+ client (`createClient()` from `redis`) the store uses. Any client
 * you pass in is used as it is: the store connects it if it is closed, and leaves it open on `close()`.
 */
export interface RedisClientLike {
  readonly isOpen: boolean;
  /** Connected and ready for commands (node-redis); while not, calls wait in its offline queue. */
  readonly isReady?: boolean;
  connect(): Promise<unknown>;
  sendCommand<T>(args: readonly string[], options?: { timeout?: number }): Promise<T>;
  duplicate(): RedisClientLike;
  /** Pub/sub, on a duplicate of the client only (a subscribed connection runs no other command). */
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void>;
  unsubscribe(channel: string, listener: (message: string, channel: string) => void): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Connected and ready again after a reconnect (node-redis resubscribed the channels first). */
  on(event: 'ready', listener: () => void): unknown;
  destroy(): void;
  close(): Promise<void>;
}

/** `promise`, or a rejection with `timedOut()` after `ms`. */
export function bounded<T>(promise: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(timedOut()), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** When a call under way times out, unless it was answered. */
interface Deadline {
  readonly at: number;
  done: boolean;
  readonly args: readonly string[];
  readonly reject: (error: unknown) => void;
}

/** Settles nothing: `#settled` with it only moves past what expired. */
const EXPIRED: Deadline = { at: 0, done: true, args: [], reject: () => {} };

/**
 * One Redis client, the namespace's key prefix, and the scripts, with a time limit on every call.
 *
 * Every call waits for one shared promise (connected, every script loaded, the node's lease
 * taken) and is then sent at once: calls reach Redis in the order they were made, whatever they
 * are. A failed preparation (Redis down) is not kept; the next call prepares again.
 */
export class RedisConnection {
  readonly client: RedisClientLike;
  /** `tooltask:{namespace}:`: one hash tag, so every key of a namespace is in one cluster slot. */
  readonly prefix: string;
  readonly #owned: boolean;
  readonly #timeout: number;
  readonly #scripts: readonly LuaScript[];
  readonly #shas = new Map<LuaScript, string>();
  /** Script names by SHA, for error messages. */
  readonly #names = new Map<string, string>();
  /** Runs once connected and the scripts loaded, before any other call (the node takes its lease). */
  readonly #prepare: () => Promise<unknown>;
  #ready: Promise<void> | undefined;
  #prepared = false;
  readonly #deadlines: Deadline[] = [];
  #head = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #reopening: Promise<void> | undefined;
  #reloading: Promise<unknown> | undefined;

  constructor(options: {
    client: RedisClientLike;
    owned: boolean;
    namespace: string;
    timeout: number;
    scripts: readonly LuaScript[];
    prepare: () => Promise<unknown>;
  }) {
    this.client = options.client;
    this.#owned = options.owned;
    this.prefix = `tooltask:{${options.namespace}}:`;
    this.#timeout = options.timeout;
    this.#scripts = options.scripts;
    this.#prepare = options.prepare;
    for (const script of options.scripts) {
      const sha = createHash('sha1').update(script.source).digest('hex');
      this.#shas.set(script, sha);
      this.#names.set(sha, script.name);
    }
  }

  /** The key of `name` in this namespace. */
  key(name: string): string {
    return this.prefix + name;
  }

  /**
   * Sends one command, rejecting after the time limit (Redis down, or a dropped connection not back
   * yet). Once the connection is prepared, the command is queued before this returns: calls made
   * one after another reach Redis in that order, on this connection.
   */
  call<T>(args: readonly string[]): Promise<T> {
    if (this.#prepared) return this.#send<T>(args);
    return this.#gate().then(() => this.#send<T>(args));
  }

  /** Runs a script by its SHA; after a `NOSCRIPT` (a restarted Redis forgot them), loads every script again and retries. */
  run<T>(script: LuaScript, args: readonly string[]): Promise<T> {
    if (this.#prepared) return this.runNow(script, args);
    return this.#gate().then(() => this.runNow<T>(script, args));
  }

  /** `call` without waiting for readiness: only for the preparation itself. */
  callNow<T>(args: readonly string[]): Promise<T> {
    return this.#send<T>(args);
  }

  /** `run` without waiting for readiness: only for the preparation itself. */
  async runNow<T>(script: LuaScript, args: readonly string[]): Promise<T> {
    const argv = [this.#shas.get(script) as string, '0', this.prefix, ...args];
    try {
      return await this.#send<T>(['EVALSHA', ...argv]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      this.#reloading ??= this.#loadScripts().finally(() => {
        this.#reloading = undefined;
      });
      await this.#reloading;
      return this.#send<T>(['EVALSHA', ...argv]);
    }
  }

  #send<T>(args: readonly string[]): Promise<T> {
    // A client that gave up reconnecting (a client of yours with node-redis's default strategy,
    // after a socket timeout) is opened again rather than failing every call from then on.
    if (!this.client.isOpen) return this.#reopen().then(() => this.#send<T>(args));
    // Offline: node-redis's own time limit, which also drops the call from its offline queue.
    if (this.client.isReady === false) {
      return this.client.sendCommand<T>(args, { timeout: this.#timeout }).catch((error: unknown) => {
        throw this.#explain(args, error);
      });
    }
    return new Promise<T>((resolve, reject) => {
      const deadline: Deadline = { at: Date.now() + this.#timeout, done: false, args, reject };
      this.#watch(deadline);
      this.client.sendCommand<T>(args).then(
        (reply) => {
          this.#settled(deadline);
          resolve(reply);
        },
        (error: unknown) => {
          this.#settled(deadline);
          reject(this.#explain(args, error));
        },
      );
    });
  }

  /** Opens the client again, once for every call waiting; rejects after the time limit. */
  #reopen(): Promise<void> {
    this.#reopening ??= bounded(
      this.client.connect().then(() => {}),
      this.#timeout,
      () => this.#noConnection(),
    ).finally(() => {
      this.#reopening = undefined;
    });
    return this.#reopening;
  }

  /**
   * Calls under way, oldest first, with one timer for all of them: node-redis's per-call time
   * limit costs an `AbortSignal.timeout` and a listener each (about 30 µs a call, measured).
   * Every call has the same limit, so deadlines come in call order; answers come in call order
   * too, so the list stays about as long as the calls in flight.
   */
  #watch(deadline: Deadline): void {
    this.#deadlines.push(deadline);
    if (this.#timer === undefined) this.#arm(deadline.at);
  }

  #settled(deadline: Deadline): void {
    deadline.done = true;
    const list = this.#deadlines;
    while (this.#head < list.length && (list[this.#head] as Deadline).done) this.#head++;
    if (this.#head === list.length) {
      list.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > list.length) {
      list.splice(0, this.#head);
      this.#head = 0;
    }
  }

  #arm(at: number): void {
    this.#timer = setTimeout(() => this.#expire(), Math.max(1, at - Date.now()));
    this.#timer.unref();
  }

  #expire(): void {
    this.#timer = undefined;
    const now = Date.now();
    const list = this.#deadlines;
    while (this.#head < list.length) {
      const deadline = list[this.#head] as Deadline;
      if (!deadline.done && deadline.at > now) break;
      this.#head++;
      if (deadline.done) continue;
      deadline.done = true;
      deadline.reject(this.#explain(deadline.args, new TimeoutError()));
    }
    this.#settled(EXPIRED);
    const next = list[this.#head];
    if (next !== undefined) this.#arm(next.at);
  }

  /** node-redis's `TimeoutError` does not say which call (5.x: no message at all): say what did not answer, and within what limit. */
  #explain(args: readonly string[], error: unknown): unknown {
    if (!(error instanceof TimeoutError)) return error;
    const what = args[0] === 'EVALSHA' ? `the script ${this.#names.get(args[1] as string) ?? args[1]}` : args[0];
    const explained = new Error(
      `Expected Redis to answer ${what} within the store's timeout of ${this.#timeout} ms, got no answer`,
      {
        cause: error,
      },
    );
    explained.name = 'TimeoutError';
    return explained;
  }

  #noConnection(): Error {
    return new DOMException(`Expected Redis to answer within ${this.#timeout} ms, got no connection`, 'TimeoutError');
  }

  /** Readiness, or a TimeoutError after the time limit while not ready (connect() waits for Redis forever). */
  #gate(): Promise<void> {
    const ready = this.#whenReady();
    if (this.#prepared) return ready;
    return bounded(ready, this.#timeout, () => this.#noConnection());
  }

  #whenReady(): Promise<void> {
    if (this.#ready === undefined) {
      const ready = (async () => {
        if (!this.client.isOpen) await this.client.connect();
        await this.#loadScripts();
        await this.#prepare();
        this.#prepared = true;
      })();
      this.#ready = ready;
      ready.catch(() => {
        if (this.#ready === ready) this.#ready = undefined;
      });
    }
    return this.#ready;
  }

  #loadScripts(): Promise<unknown> {
    return Promise.all(this.#scripts.map((script) => this.#send(['SCRIPT', 'LOAD', script.source])));
  }

  /** A second connection to the same server, for blocking reads; connected, its errors passed on. */
  async duplicate(onError: (error: Error) => void): Promise<RedisClientLike> {
    await this.#whenReady();
    const reader = this.client.duplicate();
    reader.on('error', onError);
    await reader.connect();
    return reader;
  }

  /** Closes the client if the store opened it. */
  async close(): Promise<void> {
    if (!this.#owned) return;
    try {
      if (this.client.isOpen) await this.client.close();
    } catch {
      this.client.destroy();
    }
  }
}

/** Every field of a snapshot, in the order the manager makes them. */
const SNAPSHOT_FIELDS = [
  'id',
  'state',
  'progress',
  'message',
  'result',
  'error',
  'createdAt',
  'updatedAt',
  'startedAt',
  'completedAt',
  'seq',
  'metadata',
  'ttl',
  'awaiting',
  'inputRequests',
  'value',
  'event',
] as const satisfies readonly (keyof TaskSnapshot)[];

/**
 * The short name each field is stored under (one letter: a snapshot is stored in a task's record,
 * its history, the event stream and its channel, and key names were a third of its bytes).
 */
const SHORT: Readonly<Record<string, string>> = {
  id: 'i',
  state: 's',
  progress: 'p',
  message: 'm',
  result: 'r',
  error: 'x',
  createdAt: 'c',
  seq: 'q',
  metadata: 'd',
  ttl: 't',
  awaiting: 'a',
  inputRequests: 'n',
};

/** Times stored as ms after `createdAt`, under these names. */
const SINCE_CREATED: Readonly<Record<string, string>> = { updatedAt: 'u', startedAt: 'b', completedAt: 'f' };

const LONG: ReadonlyMap<string, string> = new Map(
  [...Object.entries(SHORT), ...Object.entries(SINCE_CREATED)].map(([long, short]) => [short, long]),
);

/** `"<short name>":` of each known field, made once. */
const SHORT_KEY: ReadonlyMap<string, string> = new Map(
  [...Object.entries(SHORT), ...Object.entries(SINCE_CREATED)].map(([long, short]) => [
    long,
    `${JSON.stringify(short)}:`,
  ]),
);

/**
 * A value as the codec writes it: JSON primitives directly (what a snapshot mostly holds),
 * anything else through {@link encodeValue} (errors, dates, `undefined` inside objects, cycles …).
 */
function fieldJson(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? String(value) : encodeValue(value);
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return value === null ? 'null' : isPlainJsonSafely(value) ? JSON.stringify(value) : encodeValue(value);
  }
}

/** {@link isPlainJson}, `false` where reading a field throws (the codec reads such a field as `undefined`). */
function isPlainJsonSafely(value: unknown): boolean {
  try {
    return isPlainJson(value, 0);
  } catch {
    return false;
  }
}

/**
 * Whether JSON writes `value` as the codec would: plain objects and arrays (a few levels deep) of
 * strings, booleans, null and finite numbers, with no `undefined` and no `$t` key. A task's
 * `value` (`{ running: { work: 'running', … } }`) and most results are.
 */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth > 4) return false;
      if (Array.isArray(value)) {
        for (const item of value) if (!isPlainJson(item, depth + 1)) return false;
        return true;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      for (const key in value) {
        if (key === '$t' || !isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * A snapshot as the store keeps it: the codec's string of its set fields only (an unset field
 * costs nothing; {@link decodeSnapshot} gives it back as `undefined`), under one-letter names,
 * with its times as ms after `createdAt`, `value` left out when it is the state's name (`v`
 * otherwise) and the event without its `task.` (`e`). A field it does not know keeps its name.
 * 110 B for a finished task where the plain form took 193 B. Written directly, field by field
 * (the codec is called only for what is not a JSON primitive): the writer encodes every snapshot.
 */
export function encodeSnapshot(snapshot: TaskSnapshot): string {
  const created = snapshot.createdAt;
  let out = '';
  const add = (key: string, json: string): void => {
    out += out === '' ? `{${key}${json}` : `,${key}${json}`;
  };
  for (const key of Object.keys(snapshot)) {
    const value = (snapshot as unknown as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const short = SHORT_KEY.get(key);
    if (SINCE_CREATED[key] !== undefined && typeof value === 'number' && typeof created === 'number') {
      add(short as string, fieldJson(value - created));
    } else if (short !== undefined) add(short, fieldJson(value));
    else if (key === 'value') {
      if (value !== snapshot.state) add('"v":', fieldJson(value));
    } else if (key === 'event' && typeof value === 'string' && value.startsWith('task.')) {
      add('"e":', JSON.stringify(value.slice(5)));
    } else if (key === '$t') {
      // A field named like the codec's tag: the codec escapes the whole object.
      return encodeValue(snapshot);
    } else add(`${JSON.stringify(key)}:`, fieldJson(value));
  }
  // A value that is not set, in a snapshot whose state is: kept as unset, not read as the state.
  if (snapshot.value === undefined && snapshot.state !== undefined) add('"v":', encodeValue(undefined));
  return out === '' ? '{}' : `${out}}`;
}

/** The fields of a stored snapshot under their own names (it reads the short form and the plain one). */
function expand(stored: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stored)) {
    if (key === 'v') fields.value = value;
    else if (key === 'e') fields.event = `task.${String(value)}`;
    else fields[LONG.get(key) ?? key] = value;
  }
  const created = fields.createdAt;
  for (const [long, short] of Object.entries(SINCE_CREATED)) {
    const since = stored[short];
    if (typeof since === 'number' && typeof created === 'number') fields[long] = created + since;
  }
  if (Object.hasOwn(stored, 's') && !Object.hasOwn(stored, 'v')) fields.value = fields.state;
  return fields;
}

/**
 * The snapshot a task's record at `t:<id>` holds: the record is
 * `<seq>|<state number>|<ordinal>|<lost>|<encoded snapshot>` (the scripts read the prefix; the
 * snapshot is everything after the fourth bar).
 */
export function decodeRecord(record: string): TaskSnapshot {
  let at = -1;
  for (let bars = 0; bars < 4; bars++) {
    at = record.indexOf('|', at + 1);
    if (at === -1)
      throw new Error(`Expected a task record (seq|state|ordinal|lost|snapshot), got ${record.slice(0, 40)}`);
  }
  return decodeSnapshot(record.slice(at + 1));
}

/**
 * The snapshot a stored string holds, every field present (unset ones `undefined`). The reaper
 * writes a lost task as `{"$p": patch, "$b": stored}` (it never parses JSON in Lua): the patch's
 * fields replace the stored ones.
 */
export function decodeSnapshot(text: string): TaskSnapshot {
  if (!text.startsWith('{"$p":')) return complete(expand(decodeValue(text) as Record<string, unknown>));
  const { $p: patch, $b: base } = JSON.parse(text) as { $p: object; $b: object };
  return complete({
    ...expand(decodeValue(JSON.stringify(base)) as Record<string, unknown>),
    ...expand(decodeValue(JSON.stringify(patch)) as Record<string, unknown>),
  });
}

function complete(fields: Record<string, unknown>): TaskSnapshot {
  const snapshot: Record<string, unknown> = {};
  for (const key of SNAPSHOT_FIELDS) snapshot[key] = fields[key];
  for (const key of Object.keys(fields)) if (!Object.hasOwn(snapshot, key)) snapshot[key] = fields[key];
  return Object.freeze(snapshot) as unknown as TaskSnapshot;
}
