/**
 * Tasks not live here: calls for a task being created (they wait for it), for a finished task
 * (refused), or for a task another process owns (sent to that owner as a command over a shared
 * store); commands other processes send to this one's tasks; following another process's task
 * (`wait`, `subscribe`); and other processes' changes and deletions for `changes$`/`deletions$`,
 * with the echo of this process's own writes dropped.
 *
 * Owns the cluster link and the echo record. It changes a local task only through the live
 * tasks' `dispatch` (the chart decides), and delivers only through Delivery.
 */
import { EMPTY, type Observable, type Subscription } from 'rxjs';
import type { TaskEvent } from '../../machines/taskMachine.js';
import { fromCommand, toCommand } from '../commands.js';
import {
  InvalidTransitionError,
  StoreError,
  TaskLostError,
  TaskNotFoundError,
  TaskUnreachableError,
  TooltaskError,
} from '../errors.js';
import type { ClusterEvent, TaskCluster, TaskCommand } from '../store/cluster.js';
import type { StoreWriter } from '../store/writer.js';
import { isTerminal, type TaskSnapshot } from '../task.js';
import type { Settle } from './abortable.js';
import type { Delivery } from './delivery.js';
import type { LiveTasks } from './live.js';
import type { Reads } from './reads.js';
import type { LiveTask } from './record.js';

export interface RemoteOptions {
  /** The processes sharing the store, when it is shared (Redis); else undefined. */
  readonly cluster: TaskCluster | undefined;
  readonly live: LiveTasks;
  readonly reads: Reads;
  readonly writer: StoreWriter;
  readonly delivery: Delivery<LiveTask>;
  readonly now: () => number;
}

/** How long a local task's final seq is remembered while its echo from the store may still come. */
const ECHO_WINDOW = 60_000;

export class RemoteTasks {
  readonly #options: RemoteOptions;
  readonly #links: Array<() => void> = [];
  /** Local tasks that ended, until the store's echo of their final snapshot came back (not news here). */
  readonly #echoes = new Map<string, { readonly seq: number; readonly at: number }>();
  #events: Subscription | undefined;
  #closed = false;

  constructor(options: RemoteOptions) {
    this.#options = options;
    const { cluster } = options;
    if (cluster === undefined) return;
    this.#links.push(cluster.onCommand((command) => this.#runCommand(command)));
    this.#links.push(cluster.onLeaseLost(() => this.#lost(cluster.nodeId)));
    // Other processes' changes are read (decoded) only while someone reads changes$ or deletions$.
    options.delivery.onWatched((watched) => {
      if (this.#closed) return;
      this.#events?.unsubscribe();
      this.#events = watched ? cluster.followAll().subscribe((event) => this.#event(event)) : undefined;
    });
    this.#links.push(() => {
      this.#events?.unsubscribe();
      this.#events = undefined;
    });
  }

  /**
   * This process was cut off longer than its lease and a survivor ended its live tasks as lost:
   * by now the store holds every one of them as `failed` (TASK_LOST). Each ends the same way here,
   * through its chart, so its work's signal aborts with the `TaskLostError` and every reader
   * (snapshots, `wait`, `subscribe`, `changes$`) says what the store says. Tasks created after
   * (under the node's new lease) are not touched: they are not live yet when this runs.
   */
  #lost(nodeId: string): void {
    const { live, now } = this.#options;
    for (const id of live.ids()) {
      live.sendQuietly(id, { type: 'task.fail', error: new TaskLostError(id, nodeId), at: now() });
    }
  }

  /** Whether the store is shared with other processes. */
  get shared(): boolean {
    return this.#options.cluster !== undefined;
  }

  /**
   * A call for a task that is not live here: one being created waits for its creation; one another
   * process owns gets the event through that process's chart (a shared store); a finished one
   * refuses it.
   */
  async dispatch(id: string, body: TaskEvent): Promise<TaskSnapshot> {
    const { live, writer, reads, cluster } = this.#options;
    const creating = live.creating(id);
    if (creating !== undefined) {
      await creating;
      const here = live.dispatch(id, body);
      if (here !== undefined) return here;
    }
    if (cluster === undefined || writer.latest(id) !== undefined) {
      const found = await reads.find(id);
      if (isTerminal(found.state) || cluster !== undefined)
        throw new InvalidTransitionError(id, found.state, body.type);
      throw new TaskUnreachableError(id, 'this store carries no commands between managers (tooltask/redis does)');
    }
    let outcome: Awaited<ReturnType<TaskCluster['send']>>;
    try {
      outcome = await cluster.send(toCommand(id, body));
    } catch (error) {
      // The owner's own answer (InvalidTransitionError, InvalidArgumentError…) stands as it is.
      if (error instanceof TooltaskError && !(error instanceof StoreError)) throw error;
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new TaskUnreachableError(id, 'its owner did not answer in time', { cause: error });
      }
      throw reads.failed('send', id, error);
    }
    if (outcome.status === 'answered') return outcome.snapshot;
    if (outcome.status === 'final') throw new InvalidTransitionError(id, outcome.snapshot.state, body.type);
    throw new TaskNotFoundError(id);
  }

  /**
   * A task another process owns, from `found` on: its changes in order from the next `seq`,
   * completing after the final one; `found` alone where it is final or the store is not shared.
   */
  follow(found: TaskSnapshot): Observable<TaskSnapshot> {
    const { cluster } = this.#options;
    if (isTerminal(found.state) || cluster === undefined) return EMPTY;
    return cluster.follow(found.id, found.seq + 1);
  }

  /**
   * Waits for a task that is not live here to end: a finished one at once, one another process
   * owns by following its changes. Returns what stops following.
   */
  waitFor(id: string, done: Settle<TaskSnapshot>): () => void {
    let stop: (() => void) | undefined;
    this.#options.reads.find(id).then((found) => {
      if (done.settled()) return;
      const following = this.follow(found).subscribe({
        next: (snapshot) => {
          if (isTerminal(snapshot.state)) done.resolve(snapshot);
        },
        // Final already; or deleted before it ended (its retention cannot end first), or the store closed.
        complete: () => {
          if (isTerminal(found.state)) done.resolve(found);
          else this.#options.reads.find(id).then(done.resolve, done.reject);
        },
      });
      stop = () => following.unsubscribe();
      if (done.settled()) stop();
    }, done.reject);
    return () => stop?.();
  }

  /** A local task ended: its final snapshot will echo back from the store, and is not news then. */
  ended(snapshot: TaskSnapshot): void {
    if (this.#options.cluster === undefined) return;
    const now = this.#options.now();
    for (const [id, echo] of this.#echoes) {
      if (now - echo.at < ECHO_WINDOW) break;
      this.#echoes.delete(id);
    }
    this.#echoes.set(snapshot.id, { seq: snapshot.seq, at: now });
  }

  /** Stops running commands and following other processes. */
  close(): void {
    this.#closed = true;
    for (const unlink of this.#links.splice(0)) unlink();
  }

  /** A command from another process for a task this one owns: through the chart, like a local call. */
  async #runCommand(command: TaskCommand): Promise<TaskSnapshot> {
    const { id } = command;
    const { live, reads, now } = this.#options;
    await live.creating(id);
    const task = live.record(id);
    if (task === undefined) {
      const found = await reads.find(id);
      throw new InvalidTransitionError(id, found.state, `task.${command.method}`);
    }
    const answer = live.dispatch(
      id,
      fromCommand(command, now(), () => `r${++task.asked}`),
    );
    if (answer === undefined) throw new InvalidTransitionError(id, task.snapshot.state, `task.${command.method}`);
    return answer;
  }

  /** Another process's change or deletion; the echo of this process's own changes is dropped. */
  #event(event: ClusterEvent): void {
    const { delivery, live } = this.#options;
    if (event.kind === 'deleted') {
      delivery.deletion(event.id);
      return;
    }
    const { snapshot } = event;
    // Being created here: held until the create settles. Lost to another process's create, the
    // winner's changes (its seq 0 first) are news here; won, they are this process's own echo.
    const creating = live.creating(snapshot.id);
    if (creating !== undefined) {
      creating.then(() => this.#event(event));
      return;
    }
    if (live.busy(snapshot.id)) return;
    const echo = this.#echoes.get(snapshot.id);
    if (echo !== undefined && snapshot.seq <= echo.seq) {
      if (snapshot.seq === echo.seq) this.#echoes.delete(snapshot.id);
      return;
    }
    delivery.remoteChange(snapshot);
  }
}
