import type { Artifact, Message, Task, TaskStatus } from '@a2a-js/sdk';
import { type ExecutionEventBus, type OwnerResolver, resolveUserScope, ServerCallContext } from '@a2a-js/sdk/server';
import { InvalidTaskIdError } from '../errors.js';
import type { TaskManager } from '../manager.js';
import type { TaskSnapshot } from '../task.js';
import { type A2ABinding, artifactsOf, BINDING, statusOf } from './a2aMapping.js';
import { bindingOf, findTask } from './binding.js';

/**
 * Who an A2A call comes from. Task ids are kept apart per tenant and owner, as the SDK's own stores
 * do: `key` is the tooltask id of an A2A task id in this scope. It is the A2A id itself for a caller
 * with no tenant and no user (the common, single-tenant case), and `["tenant","owner","id"]` (JSON)
 * otherwise, so two scopes never meet on one tooltask id.
 */
export interface A2AScope {
  readonly tenant: string;
  readonly owner: string;
  key(taskId: string): string;
}

const ANONYMOUS = new ServerCallContext();

/** The scope of a call, with the owner named by `resolver` (the SDK's `resolveUserScope` by default). */
export function scopeOf(context: ServerCallContext | undefined, resolver: OwnerResolver = resolveUserScope): A2AScope {
  const tenant = context?.tenant ?? '';
  const owner = resolver(context ?? ANONYMOUS);
  const open = tenant === '' && owner === resolver(ANONYMOUS);
  return {
    tenant,
    owner,
    key: (taskId) => (open && !taskId.startsWith('[') ? taskId : JSON.stringify([tenant, owner, taskId])),
  };
}

/**
 * The task behind an A2A task id, or `undefined` when there is none. An id no tooltask task can
 * have (over 256 characters, scoped or not) is one there is none of: A2A answers TaskNotFound.
 */
export async function findA2ATask(manager: TaskManager, key: string): Promise<TaskSnapshot | undefined> {
  try {
    return await findTask(manager, key);
  } catch (error) {
    if (error instanceof InvalidTaskIdError) return undefined;
    throw error;
  }
}

/** Whether a tooltask task is an A2A task of this scope. */
export function isVisible(snapshot: TaskSnapshot, scope: A2AScope): boolean {
  const binding = bindingOf<A2ABinding>(snapshot, BINDING);
  return binding !== undefined && binding.tenant === scope.tenant && binding.owner === scope.owner;
}

/** What A2A keeps of a task beyond its tooltask snapshot: what the agent's result manager saved. */
export interface A2ARecord {
  contextId: string;
  history: Message[];
  artifacts: Artifact[];
  metadata: Record<string, unknown>;
  /** The status last saved, for a task the agent drives through the store (not `createA2AExecutor`'s). */
  status: TaskStatus | undefined;
  /** The tooltask `seq` that status was saved at: once the task moves on, the snapshot's status is newer. */
  statusSeq: number;
  /** The last question a `createA2AExecutor` task asked: once answered, no status shows it again. */
  asked: string | undefined;
}

/**
 * The A2A side of one manager, shared by its `A2ATaskStore` and `createA2AExecutor`: one record per
 * task, deleted with the task.
 */
export interface A2ASide {
  readonly records: Map<string, A2ARecord>;
  /**
   * The status each request last saved, per task: the SDK reads a task back right after its result
   * manager saved it, and must get that status, not a newer one the stream has yet to deliver.
   */
  readonly views: WeakMap<ServerCallContext, Map<string, TaskStatus>>;
  /** The bus each `createA2AExecutor` task publishes to, by tooltask id, while it is followed. */
  readonly buses: Map<string, ExecutionEventBus>;
  /**
   * The tasks whose answer the store took and the executor has yet to give the work: a second
   * message meanwhile finds the task still waiting, and must not answer it twice.
   */
  readonly answering: Set<string>;
}

const sides = new WeakMap<TaskManager, A2ASide>();

/** The A2A side of a manager, made on first use. */
export function sideOf(manager: TaskManager): A2ASide {
  let side = sides.get(manager);
  if (side === undefined) {
    const records = new Map<string, A2ARecord>();
    side = { records, views: new WeakMap(), buses: new Map(), answering: new Set() };
    sides.set(manager, side);
    // A record goes with its task (retention, `remove`).
    manager.deletions$.subscribe((id) => records.delete(id));
  }
  return side;
}

/** The record of a task, or a fresh one (its context id from the binding). */
export function recordOf(side: A2ASide, snapshot: TaskSnapshot, history: Message[] = []): A2ARecord {
  const record = side.records.get(snapshot.id);
  if (record !== undefined) return record;
  return {
    contextId: bindingOf<A2ABinding>(snapshot, BINDING)?.contextId ?? '',
    history,
    artifacts: [],
    metadata: {},
    status: undefined,
    statusSeq: -1,
    asked: undefined,
  };
}

/**
 * The A2A task as a caller reads it, a deep copy: the record's history, artifacts and metadata, and
 * a status that is the request's own last save (see `views`), else the saved status while the
 * tooltask task has not moved since, else the snapshot's. A finished `createA2AExecutor` task always
 * carries its `result` artifact, even before the result manager saved it.
 */
export function readTask(side: A2ASide, snapshot: TaskSnapshot, context: ServerCallContext | undefined): Task {
  const binding = bindingOf<A2ABinding>(snapshot, BINDING);
  const record = recordOf(side, snapshot);
  const run = binding?.run === true;
  const view = run && context !== undefined ? side.views.get(context)?.get(snapshot.id) : undefined;
  let status = view;
  let artifacts = record.artifacts;
  if (status === undefined) {
    const saved = !run && record.statusSeq === snapshot.seq ? record.status : undefined;
    status = saved ?? statusOf(snapshot, record.asked);
    if (snapshot.state === 'complete' && (run || artifacts.length === 0)) {
      const missing = artifactsOf(snapshot.result).filter(
        (artifact) => !artifacts.some((kept) => kept.artifactId === artifact.artifactId),
      );
      artifacts = [...artifacts, ...missing];
    }
  }
  return structuredClone({
    id: binding?.taskId ?? snapshot.id,
    contextId: record.contextId,
    status,
    artifacts,
    history: record.history,
    metadata: record.metadata,
  });
}
