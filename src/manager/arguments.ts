/**
 * The manager's argument checks: each public call's arguments, read once and checked once at the
 * boundary, into plain values the rooms can trust. A value whose reading throws (a getter, a
 * revoked Proxy, a trap) is refused like any wrong value: `InvalidArgumentError`, nothing changed.
 *
 * Owns no state; imports no room.
 */
import { type Clock, systemClock } from '../clock.js';
import { InvalidArgumentError } from '../errors.js';
import { MemoryStore } from '../store/memory.js';
import type { Store, StorePageQuery } from '../store/store.js';
import type { TaskMetadata, TaskState } from '../task.js';
import {
  assertDuration,
  assertOptions,
  assertState,
  assertTaskId,
  describe,
  readSafely,
  toError,
  toMetadata,
} from '../validate.js';
import type { InspectOption, ListFilter, PageOptions, RunOptions, TaskManagerOptions, TaskWork } from './options.js';

const MANAGER_OPTIONS = ['store', 'clock', 'concurrency', 'retention', 'inspect', 'storeTimeout'] as const;
const CREATE_OPTIONS = ['metadata', 'ttl'] as const;
const RUN_OPTIONS = ['id', 'signal', 'timeout', 'metadata', 'ttl'] as const;
const PAGE_OPTIONS = ['cursor', 'limit', 'state'] as const;
const MAX_PAGE = 1000;
const DEFAULT_STORE_TIMEOUT = 10_000;

/** The manager's options, checked, with their defaults. */
export interface ManagerSettings {
  readonly store: Store;
  readonly clock: Clock;
  readonly concurrency: number;
  readonly retention: number;
  readonly storeTimeout: number;
  readonly inspect: InspectOption | undefined;
}

export function managerSettings(options: TaskManagerOptions | undefined): ManagerSettings {
  return readSafely('options', () => {
    assertOptions('options', options, MANAGER_OPTIONS);
    const store = options?.store === undefined ? new MemoryStore() : options.store;
    const clock = options?.clock === undefined ? systemClock : options.clock;
    const concurrency = options?.concurrency === undefined ? Number.POSITIVE_INFINITY : options.concurrency;
    const retention = options?.retention === undefined ? Number.POSITIVE_INFINITY : options.retention;
    const storeTimeout = options?.storeTimeout === undefined ? DEFAULT_STORE_TIMEOUT : options.storeTimeout;
    assertStore(store);
    assertClock(clock);
    if (!(concurrency === Number.POSITIVE_INFINITY || (Number.isInteger(concurrency) && concurrency >= 1))) {
      throw new InvalidArgumentError(
        `Expected \`concurrency\` to be a whole number from 1 and up, or Infinity, got ${describe(concurrency)}`,
      );
    }
    assertDuration('retention', retention, true);
    assertDuration('storeTimeout', storeTimeout);
    const inspect = options?.inspect;
    if (inspect !== undefined && typeof inspect !== 'function' && (typeof inspect !== 'object' || inspect === null)) {
      throw new InvalidArgumentError(
        `Expected \`inspect\` to be an XState inspection observer, got ${describe(inspect)}`,
      );
    }
    return { store, clock, concurrency, retention, storeTimeout, inspect };
  });
}

/** What `create` and `run` make a task with, checked. */
export interface TaskSettings {
  readonly id: string;
  readonly metadata: TaskMetadata | undefined;
  /** The retention after the task ends, in ms; undefined for kept until deleted. */
  readonly ttl: number | undefined;
  readonly work: TaskWork | undefined;
  readonly timeout: number | undefined;
  readonly signal: AbortSignal | undefined;
}

export function createSettings(id: unknown, options: unknown, retention: number): TaskSettings {
  return readSafely('options', () => {
    assertTaskId(id);
    assertOptions('options', options, CREATE_OPTIONS);
    const given = options as { metadata?: unknown; ttl?: unknown } | undefined;
    return {
      id,
      metadata: toMetadata(given?.metadata),
      ttl: ttlOf(given?.ttl, retention),
      work: undefined,
      timeout: undefined,
      signal: undefined,
    };
  });
}

export function runSettings(
  work: unknown,
  options: RunOptions | undefined,
  retention: number,
  newId: () => string,
): TaskSettings {
  return readSafely('options', () => {
    if (typeof work !== 'function') {
      throw new InvalidArgumentError(`Expected \`work\` to be a function, got ${describe(work)}`);
    }
    assertOptions('options', options, RUN_OPTIONS);
    const id = options?.id === undefined ? newId() : options.id;
    assertTaskId(id);
    const signal = options?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new InvalidArgumentError(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
    }
    const timeout = options?.timeout;
    if (timeout !== undefined) assertDuration('timeout', timeout);
    return {
      id,
      metadata: toMetadata(options?.metadata),
      ttl: ttlOf(options?.ttl, retention),
      work: work as TaskWork,
      timeout,
      signal,
    };
  });
}

function ttlOf(ttl: unknown, retention: number): number | undefined {
  if (ttl !== undefined) assertDuration('ttl', ttl, true);
  const effective = ttl === undefined ? retention : (ttl as number);
  return effective === Number.POSITIVE_INFINITY ? undefined : effective;
}

/** `list`'s filter: the one state the store can filter by, and the test for the rest. */
export interface ListSettings {
  readonly one: TaskState | undefined;
  readonly wanted: ((task: { readonly state: TaskState }) => boolean) | undefined;
}

export function listSettings(filter: ListFilter | undefined): ListSettings {
  return readSafely('filter', () => {
    assertOptions('filter', filter, ['state']);
    const state = filter?.state;
    if (state === undefined) return { one: undefined, wanted: undefined };
    if (!Array.isArray(state)) {
      assertState('state', state);
      const one = state as TaskState;
      return { one, wanted: (task) => task.state === one };
    }
    for (const each of state) assertState('state', each);
    const states = new Set<TaskState>(state);
    return { one: undefined, wanted: (task) => states.has(task.state) };
  });
}

/** `page`'s options, checked, with the default limit. */
export function pageSettings(options: PageOptions | undefined): StorePageQuery {
  return readSafely('options', () => {
    assertOptions('options', options, PAGE_OPTIONS);
    const limit = options?.limit === undefined ? 100 : options.limit;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw new InvalidArgumentError(
        `Expected \`limit\` to be a whole number from 1 to ${MAX_PAGE}, got ${describe(limit)}`,
      );
    }
    const cursor = options?.cursor;
    if (cursor !== undefined && typeof cursor !== 'string') {
      throw new InvalidArgumentError(`Expected \`cursor\` to be a cursor returned by page(), got ${describe(cursor)}`);
    }
    const state = options?.state;
    if (state !== undefined) assertState('state', state);
    return { cursor, limit, state };
  });
}

/** An optional `AbortSignal` option (`wait`'s), checked. */
export function signalOption(options: unknown): AbortSignal | undefined {
  return readSafely('options', () => {
    assertOptions('options', options, ['signal']);
    const signal = (options as { signal?: unknown } | undefined)?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new InvalidArgumentError(`Expected \`signal\` to be an AbortSignal, got ${describe(signal)}`);
    }
    return signal;
  });
}

/** `respond`'s answers: a shallow copy of an object of answers by request key. */
export function answersOf(answers: unknown): Readonly<Record<string, unknown>> {
  return readSafely('answers', () => {
    if (typeof answers !== 'object' || answers === null || Array.isArray(answers)) {
      throw new InvalidArgumentError(
        `Expected \`answers\` to be an object of answers by request key, got ${describe(answers)}`,
      );
    }
    return { ...answers };
  });
}

/** `fail`'s error: an Error, or a message string that becomes one. */
export function failureOf(error: unknown): Error {
  return readSafely('error', () => {
    if (!(error instanceof Error) && typeof error !== 'string') {
      throw new InvalidArgumentError(`Expected \`error\` to be an Error or a message string, got ${describe(error)}`);
    }
    return toError(error);
  });
}

function assertStore(store: unknown): asserts store is Store {
  const methods = ['save', 'load', 'loadAll', 'delete', 'page'] as const;
  const candidate = store as Partial<Record<(typeof methods)[number] | 'insert', unknown>> | null;
  const missing = methods.filter((name) => typeof candidate?.[name] !== 'function');
  if (typeof store !== 'object' || store === null || missing.length > 0) {
    throw new InvalidArgumentError(
      `Expected \`store\` to implement ${methods.join(', ')}, got ${describe(store)}${
        missing.length > 0 && typeof store === 'object' && store !== null ? ` missing ${missing.join(', ')}` : ''
      }`,
    );
  }
  if (candidate?.insert !== undefined && typeof candidate.insert !== 'function') {
    throw new InvalidArgumentError(
      `Expected \`store.insert\` to be a function when given, got ${describe(candidate.insert)}`,
    );
  }
}

function assertClock(clock: unknown): asserts clock is Clock {
  const candidate = clock as Partial<Record<'now' | 'setTimeout' | 'clearTimeout', unknown>> | null;
  if (
    typeof clock !== 'object' ||
    clock === null ||
    typeof candidate?.now !== 'function' ||
    typeof candidate.setTimeout !== 'function' ||
    typeof candidate.clearTimeout !== 'function'
  ) {
    throw new InvalidArgumentError(
      `Expected \`clock\` to have now, setTimeout and clearTimeout, got ${describe(clock)}`,
    );
  }
}
