import type { Observable } from 'rxjs';
import type { ChangesMissedError } from '../errors.js';
import type { TaskSnapshot } from '../task.js';
import type { MaybePromise, Store } from './store.js';

/**
 * A change the manager asks of a task another process owns. `method` names the manager method
 * the caller called, `args` its arguments after the id, exactly as given (encoded faithfully:
 * a `fail(id, error)` sends the Error itself).
 */
export interface TaskCommand {
  readonly method: 'update' | 'complete' | 'fail' | 'cancel' | 'requestInput' | 'resume' | 'respond';
  readonly id: string;
  readonly args: readonly unknown[];
}

/**
 * What came of sending a command: the owner's answer (the snapshot its event made), or why it was
 * not sent: no such task, or a finished one (which nobody owns any more). An error the owner threw
 * (InvalidTransitionError, InvalidArgumentError …) rejects the promise instead, as its own class.
 */
export type CommandOutcome =
  | { readonly status: 'answered'; readonly snapshot: TaskSnapshot }
  | { readonly status: 'final'; readonly snapshot: TaskSnapshot }
  | { readonly status: 'missing' };

/** Runs a command on a task this process owns; its answer goes back to the sender. */
export type CommandHandler = (command: TaskCommand) => Promise<TaskSnapshot>;

/** What `followAll()` delivers: every snapshot any process saved, and every deletion (retention, `remove`). */
export type ClusterEvent =
  | { readonly kind: 'snapshot'; readonly snapshot: TaskSnapshot }
  | { readonly kind: 'deleted'; readonly id: string };

/** Options of {@link TaskCluster.followAll}. */
export interface FollowAllOptions {
  /**
   * Called when this reader fell further behind than the shared event window keeps and changes
   * were trimmed before it read them (each task's followers catch up by themselves). Resync from
   * the store. Without it, the hole is reported to the store's `onError`.
   */
  readonly onMissed?: (error: ChangesMissedError) => void;
}

/** What a node learnt when its lease generation turned out to have been reaped. */
export interface LeaseLoss {
  readonly nodeId: string;
  /** The generation that was reaped: every live task this node owned under it is now `failed` (`TASK_LOST`) in the store. */
  readonly generation: string;
  /** How it learnt: its heartbeat's renewal was refused, or a write of it was (fencing). */
  readonly how: 'renewal' | 'write';
}

/**
 * What processes sharing one store use to act as one manager: events (every saved snapshot, in
 * `seq` order), commands (a change asked of the task's owner, answered by it), and leases (a
 * process that stops renewing its lease has its live tasks ended as lost by a survivor).
 *
 * The store publishes every snapshot it accepts as part of the same write (`save`, `insert`), so
 * the events are exactly the store's history: no event for a write it refused, none missing for
 * one it acknowledged.
 *
 * @example
 * ```ts
 * import { redisStore } from 'tooltask/redis';
 * const store = redisStore({ url: 'redis://127.0.0.1:6379', namespace: 'jobs' });
 * await store.cluster.start();
 * store.cluster.followAll().subscribe((event) => {
 *   if (event.kind === 'snapshot') console.log(event.snapshot.id, event.snapshot.state);
 * });
 * ```
 */
export interface TaskCluster {
  /** This process's id in the cluster: recorded as the owner of every live task its store inserts. */
  readonly nodeId: string;
  /**
   * Takes the lease and starts the heartbeat (renewal, reaping lapsed nodes) and the reader
   * (commands, replies, events). A node restarting under a fixed `nodeId` first ends what it
   * owned before as lost: its actors are gone. Idempotent.
   */
  start(): Promise<void>;
  /**
   * The snapshots of one task with `seq >= fromSeq`, in order, none dropped or repeated, then
   * complete after the final one (or when the task is deleted). Survives dropped connections and
   * a trimmed event stream: a hole in `seq` is filled from the task's history. A follower that
   * fell further behind than the history keeps (`historyLength`) gets the latest snapshot next
   * (a visible jump in `seq`, the one case), then every change again; the final snapshot always arrives.
   */
  follow(id: string, fromSeq: number): Observable<TaskSnapshot>;
  /**
   * Every snapshot and deletion of every task of the namespace, from now on, in each task's order.
   * Lossless for a reader that keeps up; one that falls behind the shared window is told
   * (`onMissed`), never left with a silent hole.
   */
  followAll(options?: FollowAllOptions): Observable<ClusterEvent>;
  /**
   * Asks the owner of a live task to run a command through its statechart and resolves with what
   * came of it. Rejects with the owner's error, or with a `DOMException` named `TimeoutError`
   * when no answer came within `timeout` ms (the owner died: its lease lapses, its task is reaped).
   */
  send(command: TaskCommand, options?: { readonly timeout?: number }): Promise<CommandOutcome>;
  /** Sets who runs the commands sent to this node's tasks (the manager); returns a function that unsets it. */
  onCommand(handler: CommandHandler): () => void;
  /**
   * Ends every live task of every node whose lease lapsed as failed with `TaskLostError`, in one
   * script per batch: exactly one survivor reaps each. Runs on every heartbeat; resolves with the
   * ids it reaped.
   */
  reapLost(): Promise<string[]>;
  /**
   * Calls `listener` when this node learns that its lease lapsed and its live tasks were ended as
   * lost by a survivor (cut off longer than the lease): by then the store holds every one of them
   * as `failed`, and the node goes on under a new generation. Returns a function that unsets it.
   */
  onLeaseLost(listener: (loss: LeaseLoss) => void): () => void;
  /** Stops the heartbeat and reader, lets the lease lapse, completes every follower. */
  close(): Promise<void>;
}

/**
 * A store shared by processes: the Store semantics of issue 10 (`insert`, compare-and-set
 * `save`), plus a {@link TaskCluster} for events, commands and leases.
 */
export interface ClusterStore extends Store {
  /** Adds a new task (seq 0) atomically; `false` when the id exists (on any process). */
  insert(task: TaskSnapshot): MaybePromise<boolean>;
  /**
   * Writes several snapshots of one task, in `seq` order, in one call, each as `save` would (each
   * published to followers). Optional: the writer then hands over everything that queued behind a
   * write at once instead of one snapshot per call.
   */
  saveAll?(tasks: readonly TaskSnapshot[]): MaybePromise<void>;
  /** True: finished tasks with a ttl are deleted by the store itself (Redis `PEXPIRE`). */
  readonly expires: boolean;
  readonly cluster: TaskCluster;
  /** Closes the cluster and the connections the store opened. */
  close(): Promise<void>;
}

/** Whether a store is shared by processes (has a `cluster`). */
export function isClusterStore(store: Store): store is ClusterStore {
  return typeof (store as Partial<ClusterStore>).cluster === 'object';
}
