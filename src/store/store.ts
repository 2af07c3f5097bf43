import type { TaskSnapshot, TaskState } from '../task.js';

/** A value now, or later: the in-memory store answers at once, a remote one with a Promise. */
export type MaybePromise<T> = T | Promise<T>;

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
 * The Go contract's `save`, `load`, `loadAll` and `delete`, plus `page` for cursor pagination in
 * creation order. Methods may answer synchronously or with a Promise.
 */
export interface Store {
  /** Inserts or replaces a task's snapshot; a new id goes after every earlier one in creation order. */
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
}
