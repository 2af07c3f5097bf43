/** What the inspector's server sends its page: shared by both ends, so the two never disagree. */

/**
 * One task as the list shows it, as a tuple to keep 100,000 of them small on the wire:
 * id, state, awaiting (`''` for none), progress, message (`''` for none; a failed task's error message), createdAt, updatedAt,
 * seq, and the order the inspector first saw it in (creation order when times tie).
 */
export type WireRow = [
  id: string,
  state: string,
  awaiting: string,
  progress: number,
  message: string,
  createdAt: number,
  updatedAt: number,
  seq: number,
  order: number,
];

/** The registry's concurrency slots and queue. */
export interface WireRegistry {
  readonly live: number;
  readonly running: number;
  readonly queued: number;
  /** `null` for no limit (JSON has no Infinity). */
  readonly concurrency: number | null;
}

/**
 * The first message of a stream that cannot resume: the page drops what it had and takes these
 * rows. Every task comes in pieces of at most `RESET_CHUNK` rows, so no message is large and no
 * connecting page holds the server's event loop: `more` says further pieces follow (as `more`
 * messages), and until the last one the page does not count itself caught up.
 */
export interface WireReset {
  readonly rows: readonly WireRow[];
  readonly registry: WireRegistry;
  readonly actions: boolean;
  /** Whether the server lists the cluster's processes (`GET /api/nodes`). */
  readonly nodes: boolean;
  readonly more: boolean;
}

/** A batch of changes, in order: rows that changed, ids that were deleted. */
export interface WireChanges {
  readonly rows: readonly WireRow[];
  readonly deleted: readonly string[];
  readonly registry?: WireRegistry;
  /** On a piece of a reset or a resume (event `more`): whether further pieces follow. */
  readonly more?: boolean;
}

/** The most rows one message carries. */
export const RESET_CHUNK = 2000;

/**
 * A stream message's id: the server instance, then the change's number. A page that reconnects
 * to another instance (a restarted server, even with the same token) gets a reset, never a diff
 * against numbers that meant other changes.
 */
export function eventId(instance: string, n: number): string {
  return `${instance}.${n}`;
}

/** The instance and number of an event id, or `undefined` for anything else. */
export function parseEventId(id: string | undefined): { readonly instance: string; readonly n: number } | undefined {
  if (id === undefined) return undefined;
  const dot = id.lastIndexOf('.');
  const n = Number(id.slice(dot + 1));
  if (dot <= 0 || !Number.isSafeInteger(n) || n < 0) return undefined;
  return { instance: id.slice(0, dot), n };
}

/** An error as the page shows it. */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
  readonly cause?: unknown;
}

/** A task snapshot as JSON: the error spelled out, values made JSON-safe. */
export interface WireSnapshot {
  readonly id: string;
  readonly state: string;
  readonly awaiting: string | null;
  readonly progress: number;
  readonly message: string | null;
  readonly result: unknown;
  readonly error: WireError | null;
  readonly metadata: unknown;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly startedAt: number | null;
  readonly completedAt: number | null;
  readonly seq: number;
  readonly ttl: number | null;
  /** The outstanding input requests by key, as `TaskSnapshot.inputRequests`; `null` for none. */
  readonly inputRequests: unknown;
}

/** One entry of a task's timeline: the event, when, its seq, and the snapshot it made. */
export interface WireTimelineEntry {
  readonly event: string;
  readonly at: number;
  readonly seq: number;
  /** The chart's state value after the event. */
  readonly value: unknown;
  readonly snapshot: WireSnapshot;
}

/** One task opened: its latest snapshot and chart state, and its (bounded) timeline. */
export interface WireTask {
  readonly task: WireSnapshot;
  readonly value: unknown;
  readonly event: string;
  readonly timeline: readonly WireTimelineEntry[];
  /** Entries left out between the first and the rest, past the bound. */
  readonly dropped: number;
}

/** A process of the cluster, as `GET /api/nodes` lists it. */
export interface WireNode {
  readonly id: string;
  readonly alive: boolean;
  readonly leaseLeft: number;
  readonly live: number;
}

/** The header every inspector request carries its token in. */
export const AUTH_HEADER = 'authorization';
