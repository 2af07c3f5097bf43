import { randomBytes } from 'node:crypto';
import type { StateValue } from 'xstate';
import type { TaskManager } from '../manager.js';
import type { TaskSnapshot } from '../task.js';
import type {
  WireChanges,
  WireError,
  WireRegistry,
  WireRow,
  WireSnapshot,
  WireTask,
  WireTimelineEntry,
} from './wire.js';

/**
 * How many events the inspector keeps per task: the first (its creation) and the latest
 * `TIMELINE_LIMIT - 1`. A task reporting progress in a loop would otherwise grow without end.
 */
export const TIMELINE_LIMIT = 100;
/** How many tasks keep a timeline: those that changed last. */
export const TIMELINES_KEPT = 10_000;
/** How many changes (at least) a reconnecting page can resume across; older, it is sent everything again. */
export const REPLAY_LIMIT = 50_000;

interface Entry {
  readonly event: string;
  readonly value: StateValue;
  readonly snapshot: TaskSnapshot;
}

interface Timeline {
  readonly first: Entry;
  readonly rest: Entry[];
  dropped: number;
}

/** A change as the feed numbers it: `n` is its place in the stream, from 1. */
type Logged = { readonly n: number; readonly row: WireRow } | { readonly n: number; readonly deleted: string };

/** A reader of the feed: gets changes after the ones it has, in order. */
export type FeedListener = (n: number, changes: WireChanges) => void;

/** Told when a task is made (or first seen) and when it ends: what the metrics count. */
export type LifecycleListener = (event: 'created' | 'ended', snapshot: TaskSnapshot) => void;

const FINAL = new Set(['complete', 'failed', 'cancelled']);

/**
 * The inspector's view of one manager: every task's row, a bounded timeline per task, and a
 * numbered log of recent changes, so a page that reconnects gets exactly what it missed.
 */
export class InspectorFeed {
  readonly #manager: TaskManager;
  readonly #rows = new Map<string, { snapshot: TaskSnapshot; row: WireRow }>();
  readonly #timelines = new Map<string, Timeline>();
  readonly #log: Logged[] = [];
  readonly #listeners = new Set<FeedListener>();
  readonly #lifecycle = new Set<LifecycleListener>();
  readonly #counts = new Map<string, number>();
  readonly #subscriptions: { unsubscribe(): void }[] = [];
  /** Tells this feed's change numbers from another's: a restarted server starts again from 1. */
  readonly instance: string = randomBytes(9).toString('base64url');
  #n = 0;
  #order = 0;
  #registry: WireRegistry;
  #pending: { rows: WireRow[]; deleted: string[]; registry?: WireRegistry } | undefined;
  #flush: ReturnType<typeof setTimeout> | undefined;

  constructor(manager: TaskManager) {
    this.#manager = manager;
    this.#registry = registryOf(manager);
  }

  /** Starts following the manager: changes from now on, then everything it already has. */
  async start(): Promise<void> {
    const manager = this.#manager;
    this.#subscriptions.push(manager.changes$.subscribe((snapshot) => this.#changed(snapshot)));
    this.#subscriptions.push(manager.deletions$.subscribe((id) => this.#deleted(id)));
    this.#subscriptions.push(
      manager.registry.subscribe(() => {
        const next = registryOf(manager);
        const current = this.#registry;
        if (
          next.live === current.live &&
          next.running === current.running &&
          next.queued === current.queued &&
          next.concurrency === current.concurrency
        ) {
          return;
        }
        this.#registry = next;
        this.#queue({ rows: [], deleted: [], registry: next });
      }),
    );
    // What the manager had before: part of every page's first message, so not logged as changes.
    for (const snapshot of await manager.list()) {
      const known = this.#rows.get(snapshot.id);
      if (known === undefined || known.snapshot.seq < snapshot.seq) this.#changed(snapshot, false);
    }
  }

  stop(): void {
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    this.#subscriptions.length = 0;
    if (this.#flush !== undefined) clearTimeout(this.#flush);
    this.#listeners.clear();
  }

  /** The number of the last change. */
  get n(): number {
    return this.#n;
  }

  /** The registry's slots and queue, as last seen. */
  get registry(): WireRegistry {
    return this.#registry;
  }

  /**
   * Every task's row, read as the iteration goes: a task changed after it was read is in the
   * changes that follow, one deleted before is not read, one added is read at the end.
   */
  rows(): IterableIterator<WireRow> {
    return (function* (entries) {
      for (const { row } of entries) yield row;
    })(this.#rows.values());
  }

  /** Sends the changes queued for this tick to the listeners now. */
  flush(): void {
    this.#flushNow();
  }

  /**
   * What changed after `n`: each task's latest row, or its deletion, whichever came last (so a
   * task deleted and made again is its new row, never a deletion after it). `undefined` when
   * those changes are no longer kept (then the page gets everything again).
   */
  since(n: number): WireChanges | undefined {
    this.#flushNow();
    if (n > this.#n || n < 0) return undefined;
    const first = this.#log[0]?.n ?? this.#n + 1;
    if (n + 1 < first) return undefined;
    const latest = new Map<string, Logged>();
    for (let i = n + 1 - first; i < this.#log.length; i++) {
      const logged = this.#log[i];
      if (logged === undefined) continue;
      const id = 'row' in logged ? logged.row[0] : logged.deleted;
      // Re-inserted, so the map keeps the order of each task's last change.
      latest.delete(id);
      latest.set(id, logged);
    }
    const rows: WireRow[] = [];
    const deleted: string[] = [];
    for (const logged of latest.values()) {
      if ('row' in logged) rows.push(logged.row);
      else deleted.push(logged.deleted);
    }
    return { rows, deleted, registry: this.#registry };
  }

  /** How many tasks the feed holds in each state (`running` includes those awaiting input). */
  counts(): ReadonlyMap<string, number> {
    return this.#counts;
  }

  /** Follows tasks made and ended from now on (those already there are not replayed). */
  onLifecycle(listener: LifecycleListener): () => void {
    this.#lifecycle.add(listener);
    return () => this.#lifecycle.delete(listener);
  }

  listen(listener: FeedListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** One task opened: its latest snapshot, chart state and timeline; `undefined` if unknown. */
  task(id: string): WireTask | undefined {
    const known = this.#rows.get(id);
    if (known === undefined) return undefined;
    const timeline = this.#timelines.get(id);
    const entries = timeline === undefined ? [] : [timeline.first, ...timeline.rest];
    const last = entries.at(-1);
    return {
      task: toWireSnapshot(known.snapshot),
      value: last?.value ?? known.snapshot.state,
      event: last?.event ?? '',
      timeline: entries.map(toWireEntry),
      dropped: timeline?.dropped ?? 0,
    };
  }

  #changed(snapshot: TaskSnapshot, log = true): void {
    const known = this.#rows.get(snapshot.id);
    if (known !== undefined && known.snapshot.seq >= snapshot.seq && known.snapshot.createdAt === snapshot.createdAt) {
      return;
    }
    const replaced = known !== undefined && known.snapshot.createdAt !== snapshot.createdAt;
    const order = known === undefined || replaced ? ++this.#order : known.row[8];
    const row: WireRow = [
      snapshot.id,
      snapshot.state,
      snapshot.awaiting ?? '',
      snapshot.progress,
      // A failed task's row says why it failed, not what it was last doing.
      snapshot.state === 'failed' && snapshot.error !== undefined ? snapshot.error.message : (snapshot.message ?? ''),
      snapshot.createdAt,
      snapshot.updatedAt,
      snapshot.seq,
      order,
    ];
    this.#rows.set(snapshot.id, { snapshot, row });
    if (known !== undefined) this.#count(known.snapshot.state, -1);
    this.#count(snapshot.state, 1);
    if (log && (known === undefined || replaced)) for (const listener of this.#lifecycle) listener('created', snapshot);
    if (log && FINAL.has(snapshot.state) && (known === undefined || replaced || !FINAL.has(known.snapshot.state))) {
      for (const listener of this.#lifecycle) listener('ended', snapshot);
    }
    this.#record(snapshot);
    if (log) this.#queue({ rows: [row], deleted: [] });
  }

  #count(state: string, by: number): void {
    this.#counts.set(state, (this.#counts.get(state) ?? 0) + by);
  }

  #deleted(id: string): void {
    const known = this.#rows.get(id);
    if (known === undefined) return;
    this.#rows.delete(id);
    this.#count(known.snapshot.state, -1);
    this.#timelines.delete(id);
    this.#queue({ rows: [], deleted: [id] });
  }

  #record(snapshot: TaskSnapshot): void {
    const timeline = this.#timelines.get(snapshot.id);
    // A task first seen after its creation (the inspector started later) starts its timeline there.
    const value: StateValue = snapshot.value;
    const event = timeline === undefined && snapshot.seq > 0 ? '' : snapshot.event;
    const entry: Entry = { event, value, snapshot };
    if (timeline === undefined) {
      this.#timelines.set(snapshot.id, { first: entry, rest: [], dropped: 0 });
      if (this.#timelines.size > TIMELINES_KEPT) {
        const oldest = this.#timelines.keys().next().value;
        if (oldest !== undefined) this.#timelines.delete(oldest);
      }
      return;
    }
    // Most recently changed last, so the oldest timeline is the first to go.
    this.#timelines.delete(snapshot.id);
    this.#timelines.set(snapshot.id, timeline);
    timeline.rest.push(entry);
    if (timeline.rest.length > TIMELINE_LIMIT - 1) {
      timeline.rest.shift();
      timeline.dropped++;
    }
  }

  /** Numbers a change and sends it to the listeners with the others of this tick. */
  #queue(changes: WireChanges): void {
    for (const row of changes.rows) this.#log.push({ n: ++this.#n, row });
    for (const deleted of changes.deleted) this.#log.push({ n: ++this.#n, deleted });
    // Trimmed in bulk, so each change costs O(1): between REPLAY_LIMIT and twice that are kept.
    if (this.#log.length > 2 * REPLAY_LIMIT) this.#log.splice(0, this.#log.length - REPLAY_LIMIT);
    let pending = this.#pending;
    if (pending === undefined) {
      pending = { rows: [], deleted: [] };
      this.#pending = pending;
    }
    pending.rows.push(...changes.rows);
    pending.deleted.push(...changes.deleted);
    if (changes.registry !== undefined) pending.registry = changes.registry;
    // One message per tick (and at most every 25 ms), however many changes it holds.
    this.#flush ??= setTimeout(() => this.#flushNow(), 25);
  }

  #flushNow(): void {
    if (this.#flush !== undefined) clearTimeout(this.#flush);
    this.#flush = undefined;
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending === undefined) return;
    for (const listener of [...this.#listeners]) listener(this.#n, pending);
  }
}

function registryOf(manager: TaskManager): WireRegistry {
  const { live, running, queued, concurrency } = manager.registry.getSnapshot().context;
  return { live, running, queued, concurrency: Number.isFinite(concurrency) ? concurrency : null };
}

const MAX_JSON = 64 * 1024;

/** A value made JSON-safe: cycles, functions, bigints and symbols written out, big values cut. */
export function toJsonSafe(value: unknown): unknown {
  const seen = new WeakSet<object>();
  let text: string | undefined;
  try {
    text = JSON.stringify(value, (_key, item: unknown) => {
      if (typeof item === 'bigint') return `${item}n`;
      if (typeof item === 'function') return `[function ${item.name || 'anonymous'}]`;
      if (typeof item === 'symbol') return item.toString();
      if (item instanceof Error) return errorOf(item);
      if (typeof item === 'object' && item !== null) {
        if (seen.has(item)) return '[circular]';
        seen.add(item);
      }
      return item;
    });
  } catch (error) {
    return `[unserialisable: ${error instanceof Error ? error.message : String(error)}]`;
  }
  if (text === undefined) return null;
  if (text.length > MAX_JSON) return `${text.slice(0, MAX_JSON)}… (${text.length} characters)`;
  return JSON.parse(text) as unknown;
}

function errorOf(error: Error): WireError {
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(error.stack === undefined ? {} : { stack: error.stack }),
    ...(error.cause === undefined ? {} : { cause: toJsonSafe(error.cause) }),
  };
}

function toWireSnapshot(snapshot: TaskSnapshot): WireSnapshot {
  return {
    id: snapshot.id,
    state: snapshot.state,
    awaiting: snapshot.awaiting ?? null,
    progress: snapshot.progress,
    message: snapshot.message ?? null,
    result: toJsonSafe(snapshot.result) ?? null,
    error: snapshot.error === undefined ? null : errorOf(snapshot.error),
    metadata: toJsonSafe(snapshot.metadata) ?? null,
    createdAt: snapshot.createdAt,
    updatedAt: snapshot.updatedAt,
    startedAt: snapshot.startedAt ?? null,
    completedAt: snapshot.completedAt ?? null,
    seq: snapshot.seq,
    ttl: snapshot.ttl ?? null,
    inputRequests: toJsonSafe(snapshot.inputRequests) ?? null,
  };
}

function toWireEntry(entry: Entry): WireTimelineEntry {
  return {
    event: entry.event,
    at: entry.snapshot.updatedAt,
    seq: entry.snapshot.seq,
    value: entry.value,
    snapshot: toWireSnapshot(entry.snapshot),
  };
}
