/**
 * Delivery: ordered fan-out of changes to their readers (a task's subscribers and waiters,
 * `changes$`, `deletions$`), the job TanStack Query's `notifyManager` does.
 *
 * Owns the delivery queue and the two outward streams. It knows nothing of actors, the store or
 * other processes: the live tasks and the remote room hand it changes, and it hands them out one at
 * a time, first in first out. A change a reader makes while handling one is queued behind it, so
 * every reader sees changes in the order they happened and no reader is ever re-entered.
 * It may not change a task: it calls back `onFinal` once a local task's final change is out.
 */
import { Observable, Subject, type Subscriber, type TeardownLogic } from 'rxjs';
import { isTerminal, type TaskSnapshot } from '../task.js';

/** A reader of one task's changes. */
export type Listener = (snapshot: TaskSnapshot) => void;

/** What delivery needs of a local task: the readers of its changes. */
export interface Readers {
  /** Internal readers (`wait`). */
  listeners: Set<Listener> | undefined;
  /** `subscribe()`'s subscribers, made on the first: one `next` reaches them all, as a bare Subject does. */
  subscribers: Subject<TaskSnapshot> | undefined;
  /** The latest snapshot handed to the readers: where a new subscriber starts, so it skips nothing queued. */
  delivered: TaskSnapshot;
}

/** One shape for all three kinds of delivery, so the loop stays monomorphic (it runs once per change). */
interface Item {
  /** The local task that changed, for its listeners; undefined for another process's change. */
  readonly task: Readers | undefined;
  /** The change, for `changes$`; undefined for a deletion. */
  readonly snapshot: TaskSnapshot | undefined;
  /** The id of a deleted task. */
  readonly deleted: string | undefined;
}

export class Delivery<Task extends Readers = Readers> {
  readonly #changes = new Subject<TaskSnapshot>();
  readonly #deletions = new Subject<string>();
  readonly #queue: Item[] = [];
  readonly #onFinal: (task: Task, snapshot: TaskSnapshot) => void;
  #delivering = false;
  /** How many read `changes$` or `deletions$`, and who is told when that becomes or stops being any. */
  #readers = 0;
  #onWatched: ((watched: boolean) => void) | undefined;

  /** Every change of every task, from now on. */
  readonly changes$: Observable<TaskSnapshot>;
  /** The id of every deleted task. */
  readonly deletions$: Observable<string>;

  /** `onFinal` runs once a local task's final change has reached every reader. */
  constructor(onFinal: (task: Task, snapshot: TaskSnapshot) => void) {
    this.#onFinal = onFinal;
    this.changes$ = this.#counted(this.#changes);
    this.deletions$ = this.#counted(this.#deletions);
  }

  /**
   * Calls `listener(true)` when `changes$` or `deletions$` gets its first reader and
   * `listener(false)` when the last one leaves: other processes' changes are read only meanwhile.
   */
  onWatched(listener: (watched: boolean) => void): void {
    this.#onWatched = listener;
    if (this.#readers > 0) listener(true);
  }

  #counted<T>(subject: Subject<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      if (++this.#readers === 1) this.#onWatched?.(true);
      const inner = subject.subscribe(subscriber);
      return () => {
        inner.unsubscribe();
        if (--this.#readers === 0) this.#onWatched?.(false);
      };
    });
  }

  /** A local task's change: to its listeners, then `changes$`. */
  change(task: Task, snapshot: TaskSnapshot): void {
    this.#push({ task, snapshot, deleted: undefined });
  }

  /** Another process's change: to `changes$` only (its followers read the store's stream). */
  remoteChange(snapshot: TaskSnapshot): void {
    this.#push({ task: undefined, snapshot, deleted: undefined });
  }

  /** A deletion, to `deletions$`. */
  deletion(id: string): void {
    this.#push({ task: undefined, snapshot: undefined, deleted: id });
  }

  /** Adds a reader of one task's changes. */
  listen(task: Readers, listener: Listener): void {
    if (task.listeners === undefined) task.listeners = new Set();
    task.listeners.add(listener);
  }

  /**
   * Adds a subscriber to a live task: first the latest snapshot its readers got, as one delivery
   * (what the subscriber changes meanwhile queues behind it), then every change after it, in order,
   * completing after the final one. Changes queued but not yet delivered reach it in turn, so no
   * `seq` is skipped or seen twice.
   */
  subscribe(task: Readers, subscriber: Subscriber<TaskSnapshot>): TeardownLogic {
    if (task.subscribers === undefined) task.subscribers = new Subject();
    // The subscriber itself, not a wrapper: RxJS adds a Subscriber to a Subject as it is.
    const subscription = task.subscribers.subscribe(subscriber);
    this.batch(() => subscriber.next(task.delivered));
    return subscription;
  }

  /** Runs `body` as part of one delivery: what it (or a reader it calls) queues is delivered after it. */
  batch(body: () => void): void {
    if (this.#delivering) {
      body();
      return;
    }
    this.#delivering = true;
    try {
      body();
    } finally {
      this.#delivering = false;
    }
    this.#drain();
  }

  /** Completes `changes$` and `deletions$`. */
  complete(): void {
    this.#changes.complete();
    this.#deletions.complete();
  }

  #push(item: Item): void {
    this.#queue.push(item);
    if (!this.#delivering) this.#drain();
  }

  /**
   * Hands every queued change to its task's readers and `changes$`, first in first out: a change
   * a reader makes while handling one is queued behind it, so every reader sees changes in the
   * order they happened, and each call of a reader returns before the next begins.
   */
  #drain(): void {
    if (this.#delivering) return;
    this.#delivering = true;
    const queue = this.#queue;
    try {
      for (let index = 0; index < queue.length; index++) {
        const { task, snapshot, deleted } = queue[index] as Item;
        if (snapshot === undefined) {
          if (this.#deletions.observed) this.#deletions.next(deleted as string);
          continue;
        }
        if (task !== undefined) {
          task.delivered = snapshot;
          if (task.listeners !== undefined) for (const listener of task.listeners) listener(snapshot);
          task.subscribers?.next(snapshot);
        }
        if (this.#changes.observed) this.#changes.next(snapshot);
        if (task !== undefined && isTerminal(snapshot.state)) {
          task.listeners = undefined;
          task.subscribers?.complete();
          task.subscribers = undefined;
          this.#onFinal(task as Task, snapshot);
        }
      }
    } finally {
      queue.length = 0;
      this.#delivering = false;
    }
  }
}
