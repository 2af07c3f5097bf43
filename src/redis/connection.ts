import { decodeValue, encodeValue } from '../store/codec.js';
import type { TaskSnapshot } from '../task.js';
import type { LuaScript } from './scripts.js';

/**
 * The part of a node-redis v5 client (`createClient()` from `redis`) the store uses. Any client
 * you pass in is used as it is: the store connects it if it is closed, and leaves it open on `close()`.
 */
export interface RedisClientLike {
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
  sendCommand<T>(args: readonly string[], options?: { timeout?: number }): Promise<T>;
  duplicate(): RedisClientLike;
  on(event: 'error', listener: (error: Error) => void): unknown;
  destroy(): void;
  close(): Promise<void>;
}

/** One Redis client, the namespace's key prefix, and the scripts, with a time limit on every call. */
export class RedisConnection {
  readonly client: RedisClientLike;
  /** `tooltask:{namespace}:`: one hash tag, so every key of a namespace is in one cluster slot. */
  readonly prefix: string;
  readonly #ready: Promise<unknown>;
  readonly #owned: boolean;
  readonly #timeout: number;
  readonly #shas = new Map<LuaScript, Promise<string>>();

  constructor(client: RedisClientLike, owned: boolean, namespace: string, timeout: number) {
    this.client = client;
    this.#owned = owned;
    this.prefix = `tooltask:{${namespace}}:`;
    this.#timeout = timeout;
    this.#ready = client.isOpen ? Promise.resolve() : client.connect();
    // Until connect() settles, a failure to connect is the calls' to report, not an unhandled rejection.
    this.#ready.catch(() => {});
  }

  /** The key of `name` in this namespace. */
  key(name: string): string {
    return this.prefix + name;
  }

  /** Sends one command, rejecting after the time limit (Redis down, or a dropped connection not back yet). */
  async call<T>(args: readonly string[]): Promise<T> {
    await this.#ready;
    return this.client.sendCommand<T>(args, { timeout: this.#timeout });
  }

  /**
   * Runs a script by its SHA. The script is loaded once (`SCRIPT LOAD`, one call however many
   * run at once), and again after a `NOSCRIPT` (a restarted Redis has forgotten it).
   */
  async run<T>(script: LuaScript, args: readonly string[]): Promise<T> {
    const argv = ['0', this.prefix, ...args];
    const sha = await this.#load(script, false);
    try {
      return await this.call<T>(['EVALSHA', sha, ...argv]);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.call<T>(['EVALSHA', await this.#load(script, true), ...argv]);
    }
  }

  #load(script: LuaScript, again: boolean): Promise<string> {
    let loading = this.#shas.get(script);
    if (loading === undefined || again) {
      loading = this.call<string>(['SCRIPT', 'LOAD', script.source]);
      this.#shas.set(script, loading);
      // A failed load is not kept: the next run loads again.
      const mine = loading;
      mine.catch(() => {
        if (this.#shas.get(script) === mine) this.#shas.delete(script);
      });
    }
    return loading;
  }

  /** A second connection to the same server, for blocking reads; connected, its errors passed on. */
  async duplicate(onError: (error: Error) => void): Promise<RedisClientLike> {
    await this.#ready;
    const reader = this.client.duplicate();
    reader.on('error', onError);
    await reader.connect();
    return reader;
  }

  /** Closes the client if the store opened it. */
  async close(): Promise<void> {
    if (!this.#owned) return;
    try {
      await this.#ready;
      await this.client.close();
    } catch {
      this.client.destroy();
    }
  }
}

/** A snapshot as the store keeps it (the codec's string). */
export function encodeSnapshot(snapshot: TaskSnapshot): string {
  return encodeValue(snapshot);
}

/**
 * The snapshot a stored string holds. The reaper writes a lost task as `{"$p": patch, "$b": stored}`
 * (it never parses JSON in Lua): the patch's fields replace the stored ones the snapshot has.
 */
export function decodeSnapshot(text: string): TaskSnapshot {
  if (!text.startsWith('{"$p":')) return decodeValue(text) as TaskSnapshot;
  const { $p: patch, $b: base } = JSON.parse(text) as { $p: object; $b: object };
  const snapshot = { ...(decodeValue(JSON.stringify(base)) as TaskSnapshot) } as Record<string, unknown>;
  const changes = decodeValue(JSON.stringify(patch)) as Record<string, unknown>;
  for (const key of Object.keys(changes)) {
    if (Object.hasOwn(snapshot, key) || key === 'state' || key === 'error') snapshot[key] = changes[key];
  }
  return Object.freeze(snapshot) as unknown as TaskSnapshot;
}
