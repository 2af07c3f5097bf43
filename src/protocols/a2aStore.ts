import { type ListTasksRequest, type ListTasksResponse, Role, type Task, TaskState } from '@a2a-js/sdk';
import { RequestMalformedError, UnsupportedOperationError } from '@a2a-js/sdk/errors';
import type { OwnerResolver, ServerCallContext, TaskStore } from '@a2a-js/sdk/server';
import { InvalidArgumentError, InvalidTransitionError } from '../errors.js';
import { storedSnapshot, type TaskManager } from '../manager.js';
import { isTerminal, type TaskSnapshot } from '../task.js';
import { assertOptions, describe } from '../validate.js';
import { openToken, pageByUpdate, tokenAfter } from './a2aList.js';
import { type A2ABinding, A2ARejectedError, BINDING, encodeParts, textOf, toA2AState } from './a2aMapping.js';
import {
  type A2ARecord,
  type A2AScope,
  findA2ATask,
  isVisible,
  readTask,
  recordOf,
  scopeOf,
  sideOf,
} from './a2aRecords.js';
import { bindingOf, findTask, isRunTask } from './binding.js';

const DEFAULT_MAX_HISTORY = 1000;

/** Options of `A2ATaskStore`. */
export interface A2ATaskStoreOptions {
  /**
   * Names the owner of a call, as the SDK's stores take it. Default: the SDK's `resolveUserScope`
   * (the user's name). Give `createA2AExecutor` the same one.
   */
  readonly ownerResolver?: OwnerResolver | undefined;
  /** How many messages of a task's history are kept, the latest. Default: 1000. */
  readonly maxHistory?: number | undefined;
}

/**
 * The `@a2a-js/sdk` server `TaskStore` on a tooltask manager: pass it to `DefaultRequestHandler`
 * and SendMessage, GetTask, ListTasks, CancelTask and SubscribeToTask read and write tooltask tasks.
 *
 * What the agent saves, a later `load` gives back, deep-copied both ways: history (the latest
 * `maxHistory` messages), artifacts with their ids and names, metadata, and the status with its
 * whole message. The tooltask task stays the truth of the state: `save` applies the saved state to
 * it (WORKING starts it, INPUT_REQUIRED / AUTH_REQUIRED make it await its client, COMPLETED
 * completes it, FAILED or REJECTED fails it, CANCELED cancels it and aborts its work), and once the
 * tooltask task moves on by itself (cancel, timeout, its work) `load` answers its newer state.
 * A `createA2AExecutor` task is driven by its work: saves record what A2A keeps and apply only an
 * ending the SDK decided (CANCELED, FAILED, REJECTED).
 *
 * Task ids are scoped to the tenant and owner of the call, as in the SDK's stores: another scope
 * never sees a task, and may use the same id for its own.
 *
 * @example
 * ```ts
 * import { DefaultRequestHandler } from '@a2a-js/sdk/server';
 * import { createTaskManager } from 'tooltask';
 * import { A2ATaskStore, createA2AExecutor, createAgentCard } from 'tooltask/a2a';
 *
 * const agentCard = createAgentCard({ name: 'reports', description: 'Builds reports', url: 'http://127.0.0.1:8080/a2a/jsonrpc' });
 * const tasks = createTaskManager();
 * const executor = createA2AExecutor(tasks, async ({ progress }) => {
 *   progress(0.5, 'halfway');
 *   return 'done';
 * });
 * const handler = new DefaultRequestHandler(agentCard, new A2ATaskStore(tasks), executor);
 * ```
 */
export class A2ATaskStore implements TaskStore {
  readonly #manager: TaskManager;
  readonly #owner: OwnerResolver | undefined;
  readonly #maxHistory: number;

  constructor(manager: TaskManager, options?: A2ATaskStoreOptions) {
    if (typeof manager?.page !== 'function' || typeof manager.get !== 'function') {
      throw new InvalidArgumentError(`Expected \`manager\` to be a TaskManager, got ${describe(manager)}`);
    }
    assertOptions('options', options, ['ownerResolver', 'maxHistory']);
    const maxHistory = options?.maxHistory ?? DEFAULT_MAX_HISTORY;
    if (!Number.isInteger(maxHistory) || maxHistory < 1) {
      throw new InvalidArgumentError(
        `Expected \`maxHistory\` to be a whole number from 1 and up, got ${describe(maxHistory)}`,
      );
    }
    if (options?.ownerResolver !== undefined && typeof options.ownerResolver !== 'function') {
      throw new InvalidArgumentError(
        `Expected \`ownerResolver\` to be a function, got ${describe(options.ownerResolver)}`,
      );
    }
    this.#manager = manager;
    this.#owner = options?.ownerResolver;
    this.#maxHistory = maxHistory;
  }

  /** The tooltask manager the tasks live in. */
  get manager(): TaskManager {
    return this.#manager;
  }

  /**
   * Keeps what the agent saved and applies its state to the tooltask task (creating it first).
   * A new user message for a `createA2AExecutor` task that waits for nothing is refused with
   * `UnsupportedOperationError`, and the task stays as it was.
   */
  async save(task: Task, context: ServerCallContext): Promise<void> {
    const scope = this.#scope(context);
    const id = scope.key(task.id);
    const side = sideOf(this.#manager);
    let snapshot = await findTask(this.#manager, id);
    if (snapshot === undefined) {
      const binding: A2ABinding = {
        taskId: task.id,
        contextId: task.contextId,
        tenant: scope.tenant,
        owner: scope.owner,
        run: false,
      };
      snapshot = await this.#manager.create(id, { metadata: { [BINDING]: Object.freeze(binding) } });
    } else if (!isVisible(snapshot, scope)) {
      throw new InvalidArgumentError(
        `Expected task id \`${task.id}\` to be free or an A2A task's, got a tooltask task made without A2A`,
      );
    }
    const run = bindingOf<A2ABinding>(snapshot, BINDING)?.run === true;
    const record = recordOf(side, snapshot);
    if (run && !isTerminal(snapshot.state) && answers(task, record)) {
      if (snapshot.awaiting === undefined || side.answering.has(id)) {
        throw new UnsupportedOperationError(`Task ${task.id} is not waiting for input; it takes no message now.`);
      }
      side.answering.add(id);
      // The task's first stream stays open at AUTH_REQUIRED (the SDK keeps draining it for
      // credentials given out of band); the answer's stream starts with a Task, which that stream
      // would refuse as an ordering violation. End the streams of this turn before the next begins.
      if (snapshot.awaiting === 'auth') side.buses.get(id)?.finished();
    }
    this.#keep(id, record, task);
    if (run && task.status !== undefined) {
      let views = side.views.get(context);
      if (views === undefined) {
        views = new Map();
        side.views.set(context, views);
      }
      views.set(id, structuredClone(task.status));
    }
    const state = task.status?.state ?? TaskState.TASK_STATE_SUBMITTED;
    if (run && isStop(state) && (isTerminal(snapshot.state) || snapshot.awaiting !== undefined)) {
      // The SDK answers the client once this returns: make it what every agent sharing the store
      // reads, so the next call may go to any of them (behind a load balancer).
      const truth = await storedSnapshot(this.#manager, snapshot);
      if (truth !== snapshot) {
        // The store ended the task as lost while this agent was cut off: no COMPLETED goes out.
        throw truth.error ?? new InvalidTransitionError(id, truth.state, 'save');
      }
    }
    if (isTerminal(snapshot.state)) return;
    if (run && !isEnding(state)) return;
    const applied = await this.#apply(snapshot, task);
    if (!run && toA2AState(applied.state, applied.error, applied.awaiting) === state) {
      record.status = structuredClone(task.status);
      record.statusSeq = applied.seq;
    }
  }

  /** The task as this caller's scope sees it, a deep copy; `undefined` when unknown or another scope's. */
  async load(taskId: string, context: ServerCallContext): Promise<Task | undefined> {
    // A request without an id (a malformed one the SDK passes on) names no task, as in the SDK's stores.
    if (typeof taskId !== 'string') return undefined;
    const scope = this.#scope(context);
    const id = scope.key(taskId);
    const snapshot = await findA2ATask(this.#manager, id);
    if (snapshot === undefined) {
      sideOf(this.#manager).records.delete(id);
      return undefined;
    }
    if (!isVisible(snapshot, scope)) return undefined;
    return readTask(sideOf(this.#manager), snapshot, context);
  }

  /**
   * One page of this scope's tasks, the last updated first (A2A v1.0's order), filtered by
   * `contextId`, `status` and `statusTimestampAfter` (an empty value filters nothing). `pageToken`
   * continues after the last task of the previous page, and stays sound while tasks change: no task
   * comes twice, and every task that does not change during the walk comes exactly once (one that
   * changes moves ahead of the walk). It is empty once no further task matches; one the store never
   * gave is `RequestMalformedError` (-32602). Each page walks every task the manager holds.
   * `totalSize` counts this page only.
   */
  async list(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    const scope = this.#scope(context);
    const side = sideOf(this.#manager);
    const pageSize = params.pageSize ?? 50;
    const stamp = params.statusTimestampAfter;
    const after = stamp === undefined || stamp === '' ? undefined : Date.parse(stamp);
    if (after !== undefined && Number.isNaN(after)) {
      throw new RequestMalformedError('statusTimestampAfter must be a valid ISO 8601 date string');
    }
    const from = params.pageToken === '' || params.pageToken === undefined ? undefined : openToken(params.pageToken);
    const visible = (snapshot: TaskSnapshot) => {
      if (!isVisible(snapshot, scope)) return false;
      const record = recordOf(side, snapshot);
      if (params.contextId !== '' && params.contextId !== undefined && record.contextId !== params.contextId) {
        return false;
      }
      if (after !== undefined && !(snapshot.updatedAt > after)) return false;
      const state = toA2AState(snapshot.state, snapshot.error, snapshot.awaiting);
      return (
        params.status === TaskState.TASK_STATE_UNSPECIFIED || params.status === undefined || state === params.status
      );
    };
    const page = await pageByUpdate(this.#manager, { after: from, limit: pageSize }, visible);
    const tasks = page.tasks.map((snapshot) => {
      const task = readTask(side, snapshot, context);
      return params.includeArtifacts === true ? task : { ...task, artifacts: [] };
    });
    const last = page.tasks.at(-1);
    const nextPageToken = page.more && last !== undefined ? tokenAfter(last) : '';
    return { tasks, nextPageToken, pageSize, totalSize: tasks.length };
  }

  #scope(context: ServerCallContext | undefined): A2AScope {
    return scopeOf(context, this.#owner);
  }

  /** Keeps a deep copy of what A2A holds of the task, the latest `maxHistory` messages of its history. */
  #keep(id: string, record: A2ARecord, task: Task): void {
    const history = task.history ?? [];
    record.contextId = task.contextId;
    record.history = structuredClone(history.slice(Math.max(0, history.length - this.#maxHistory)));
    record.artifacts = structuredClone(task.artifacts ?? []);
    record.metadata = structuredClone(task.metadata ?? {});
    sideOf(this.#manager).records.set(id, record);
  }

  /** Moves the tooltask task to the saved state; answers the snapshot it is in afterwards. */
  async #apply(snapshot: TaskSnapshot, task: Task): Promise<TaskSnapshot> {
    const id = snapshot.id;
    const manager = this.#manager;
    const state = task.status?.state ?? TaskState.TASK_STATE_SUBMITTED;
    const message = textOf(task.status?.message);
    try {
      switch (state) {
        case TaskState.TASK_STATE_INPUT_REQUIRED:
        case TaskState.TASK_STATE_AUTH_REQUIRED: {
          const need = state === TaskState.TASK_STATE_AUTH_REQUIRED ? 'auth' : 'input';
          if (snapshot.awaiting !== need) return await manager.requestInput(id, { need, message });
          return snapshot;
        }
        case TaskState.TASK_STATE_WORKING:
          if (snapshot.awaiting !== undefined) return await manager.resume(id, message);
          if (isRunTask(manager, id)) return snapshot;
          if (snapshot.state === 'pending' || (message !== undefined && message !== snapshot.message)) {
            return await manager.update(id, snapshot.progress, message);
          }
          return snapshot;
        case TaskState.TASK_STATE_COMPLETED:
          return await manager.complete(id, encodeParts(task.artifacts.flatMap((artifact) => artifact.parts ?? [])));
        case TaskState.TASK_STATE_FAILED:
          return await manager.fail(id, message ?? 'failed');
        case TaskState.TASK_STATE_REJECTED:
          return await manager.fail(id, new A2ARejectedError(message ?? 'rejected'));
        case TaskState.TASK_STATE_CANCELED:
          return await manager.cancel(id, message);
        default:
          return snapshot;
      }
    } catch (error) {
      // The task ended meanwhile (its work finished first): tooltask's final state stands.
      if (!(error instanceof InvalidTransitionError)) throw error;
      return manager.get(id);
    }
  }
}

/** Whether a blocking `SendMessage` answers at this state: the task ended, or waits for its client. */
function isStop(state: TaskState): boolean {
  return (
    isEnding(state) ||
    state === TaskState.TASK_STATE_COMPLETED ||
    state === TaskState.TASK_STATE_INPUT_REQUIRED ||
    state === TaskState.TASK_STATE_AUTH_REQUIRED
  );
}

/** An ending the SDK itself decides for a task (CancelTask without a live executor, a failed stream). */
function isEnding(state: TaskState): boolean {
  return (
    state === TaskState.TASK_STATE_CANCELED ||
    state === TaskState.TASK_STATE_FAILED ||
    state === TaskState.TASK_STATE_REJECTED
  );
}

/** Whether the saved task carries a user message the record has not seen: the client's answer. */
function answers(task: Task, record: A2ARecord): boolean {
  const known = new Set(record.history.map((message) => message.messageId));
  return (task.history ?? []).some((message) => message.role === Role.ROLE_USER && !known.has(message.messageId));
}
