import type { MaybePromise } from '../maybePromise.js';
import type { TaskSnapshot, TaskState } from '../task.js';

export type { MaybePromise } from '../maybePromise.js';

/** One page of tasks, in creation order. */
export interface TaskPage {
  readonly tasks: readonly TaskSnapshot[];
  /** Pass it back as `cursor` for the next page; absent on the last page. */
  readonly nextCursor?: string;
}

/** What `Store.page` is asked for. */
export interface StorePageQuery {
  /** A cursor from an earlier page; absent for the first page. */
  readonly cursor?: string | undefined;
  readonly limit: number;
  readonly state?: TaskState | undefined;
}

/**
 * Where a manager keeps every task's latest snapshot. Written through on every change, so a task
 * stays readable after its actor stops, until its retention ends.
 *
 * The Go contract's `save`, `load`, `loadAll` and `delete`, plus `insert` for an atomic create and
 * `page` for cursor pagination in creation order. Methods may answer synchronously or with a
 * Promise, and may throw or reject: the manager never lets that crash the process (see `StoreError`).
 *
 * What the manager promises a store: per task, one write at a time, in `seq` order (it may skip
 * snapshots that a newer one replaced while a write was under way), and a task's delete only after
 * its last save. What a store promises the manager: `save` keeps the highest `seq` it was given (a
 * snapshot whose `seq` is not above the stored one is ignored), so a write that arrives late, from
 * this process or another, never overwrites a newer one.
 */
export interface Store {
  /**
   * Adds a new task (its first snapshot, `seq` 0) unless the id is taken: answers `true` when it
   * was added, `false` when a task with that id exists. Atomic, for stores shared by several
   * processes: of two racing inserts of one id, exactly one answers `true`. Optional: without it
   * the manager loads, then saves (atomic within one process only).
   */
  insert?(task: TaskSnapshot): MaybePromise<boolean>;
  /**
   * Replaces a task's snapshot if its `seq` is above the stored one (or inserts it); otherwise
   * does nothing. A new id goes after every earlier one in creation order.
   */
  save(task: TaskSnapshot): MaybePromise<void>;
  load(id: string): MaybePromise<TaskSnapshot | undefined>;
  /** Every task in creation order, or those in one state, as a new array the caller may keep. */
  loadAll(state?: TaskState): MaybePromise<TaskSnapshot[]>;
  /** Removes a task; answers whether it was there. */
  delete(id: string): MaybePromise<boolean>;
  /**
   * The tasks created after the cursor's task, in creation order, at most `limit`. A cursor stays
   * valid while tasks come and go: no task is returned twice in one walk, and none that lived
   * throughout is missed. A cursor this store did not make throws `InvalidArgumentError`.
   */
  page(query: StorePageQuery): MaybePromise<TaskPage>;
  /**
   * `true` when the store deletes a finished task by itself once its `ttl` has passed (Redis
   * `PEXPIRE`): the manager then schedules no retention timer of its own.
   */
  readonly expires?: boolean;
}
