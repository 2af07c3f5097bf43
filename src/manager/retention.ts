/**
 * Retention: deletes a finished task once its `ttl` has passed since it ended, on the manager's
 * one timer queue (no platform timer per task).
 *
 * Owns only that schedule. The delete goes through the store writer, as the last write of the
 * task's chain, so it never overtakes the task's final save. A task that is live again under the
 * same id (created anew after a `remove`) is never deleted by an old schedule. Where the store
 * expires tasks itself (`store.expires`, Redis), nothing is scheduled here.
 */
import { isPromise } from '../maybePromise.js';
import type { Store } from '../store/store.js';
import type { StoreWriter } from '../store/writer.js';
import type { TaskSnapshot } from '../task.js';
import type { TimerQueue } from '../timers.js';

export interface RetentionOptions {
  readonly store: Store;
  readonly writer: StoreWriter;
  readonly timers: TimerQueue;
  /** Whether a task with this id is live here, or being created: not to be deleted. */
  readonly busy: (id: string) => boolean;
}

export class Retention {
  readonly #options: RetentionOptions;

  constructor(options: RetentionOptions) {
    this.#options = options;
  }

  /** Schedules the deletion of a task that just ended, by its `ttl`. */
  ended(snapshot: TaskSnapshot): void {
    const { ttl, id } = snapshot;
    if (ttl === undefined || this.#options.store.expires === true) return;
    if (ttl === 0) {
      this.#drop(id);
      return;
    }
    const at = (snapshot.completedAt ?? snapshot.updatedAt) + ttl;
    this.#options.timers.schedule(at, () => this.#drop(id), false);
  }

  #drop(id: string): void {
    if (this.#options.busy(id)) return;
    const deleted = this.#options.writer.delete(id);
    // A failed delete is on `errors$` already (the writer reports it): nobody waits for this one.
    if (isPromise(deleted)) deleted.catch(() => {});
  }
}
