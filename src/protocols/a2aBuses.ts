import {
  DefaultExecutionEventBus,
  DefaultExecutionEventBusManager,
  type ExecutionEventBus,
  type ExecutionEventBusManager,
  type OwnerResolver,
  type ServerCallContext,
} from '@a2a-js/sdk/server';
import { InvalidArgumentError } from '../errors.js';
import type { TaskManager } from '../manager.js';
import { isTerminal, type TaskSnapshot } from '../task.js';
import { assertOptions, describe } from '../validate.js';
import { type A2ABinding, BINDING, changeEvents } from './a2aMapping.js';
import { scopeOf } from './a2aRecords.js';
import { bindingOf } from './binding.js';

/** Options of `createA2AEventBusManager`. */
export interface A2AEventBusManagerOptions {
  /** Who owns a call's tasks: the same resolver `A2ATaskStore` and `createA2AExecutor` are given. */
  readonly ownerResolver?: OwnerResolver | undefined;
}

/**
 * The SDK's event bus manager, plus a bus for a task this agent does not run: one that follows
 * the tooltask task (`manager.subscribe`, which follows another process's task on a shared store
 * such as `tooltask/redis`) and publishes its changes as A2A events. With it, `SubscribeToTask`
 * on any agent of a cluster streams a task another agent runs, to its end, and `CancelTask` there
 * reaches the task's owner (the executor's `cancelTask` goes through the manager).
 *
 * Pass it as the `DefaultRequestHandler`'s fourth argument.
 *
 * @example
 * ```ts
 * import { DefaultRequestHandler } from '@a2a-js/sdk/server';
 * import { createTaskManager } from 'tooltask';
 * import { A2ATaskStore, createA2AEventBusManager, createA2AExecutor, createAgentCard } from 'tooltask/a2a';
 * const tasks = createTaskManager();
 * const card = createAgentCard({ name: 'agent', description: 'does work', url: 'http://127.0.0.1:8080/a2a/jsonrpc' });
 * const executor = createA2AExecutor(tasks, async () => 'done');
 * const handler = new DefaultRequestHandler(card, new A2ATaskStore(tasks), executor, createA2AEventBusManager(tasks));
 * ```
 */
export function createA2AEventBusManager(
  manager: TaskManager,
  options?: A2AEventBusManagerOptions,
): ExecutionEventBusManager {
  if (typeof manager?.subscribe !== 'function') {
    throw new InvalidArgumentError(`Expected \`manager\` to be a TaskManager, got ${describe(manager)}`);
  }
  assertOptions('options', options, ['ownerResolver']);
  const resolver = options?.ownerResolver;
  if (resolver !== undefined && typeof resolver !== 'function') {
    throw new InvalidArgumentError(`Expected \`ownerResolver\` to be a function, got ${describe(resolver)}`);
  }
  const local = new DefaultExecutionEventBusManager(resolver);
  const followed = new Map<string, ExecutionEventBus>();

  const follow = (taskId: string, context: ServerCallContext | undefined): ExecutionEventBus | undefined => {
    const key = scopeOf(context, resolver).key(taskId);
    const existing = followed.get(key);
    if (existing !== undefined) return existing;
    const known = manager.peek(key);
    if (known !== undefined && !isFollowed(known)) return undefined;
    const bus = new DefaultExecutionEventBus();
    followed.set(key, bus);
    let first = true;
    let ended = false;
    let asked: string | undefined;
    const end = () => {
      if (ended) return;
      ended = true;
      followed.delete(key);
      // The handler attaches its queue right after `getByTaskId` returns: finish after that.
      queueMicrotask(() => bus.finished());
    };
    const publish = (snapshot: TaskSnapshot) => {
      if (ended) return;
      // The handler yields the stored task itself first; what follows are its changes.
      if (first) {
        first = false;
        if (!isFollowed(snapshot)) end();
        if (snapshot.awaiting !== undefined) asked = snapshot.message;
        return;
      }
      for (const event of changeEvents(snapshot, asked)) bus.publish(event);
      if (snapshot.awaiting !== undefined) asked = snapshot.message;
    };
    const subscription = manager.subscribe(key).subscribe({ next: publish, complete: end, error: end });
    if (ended) subscription.unsubscribe();
    else bus.once('finished', () => subscription.unsubscribe());
    return bus;
  };

  return {
    createOrGetByTaskId: (taskId, context) => local.createOrGetByTaskId(taskId, context),
    getByTaskId: (taskId, context) => local.getByTaskId(taskId, context) ?? follow(taskId, context),
    cleanupByTaskId: (taskId, context) => local.cleanupByTaskId(taskId, context),
  };
}

/**
 * Whether a task without a local bus goes on, so its bus follows it: only a `createA2AExecutor`
 * task has a work that does (here, or in its owner's process; a dead owner's is failed by a
 * survivor). One the agent drove through the store alone changes no more once its bus is gone:
 * the SDK's contract for it is its snapshot, then the end, as with the SDK's own bus manager.
 */
function isFollowed(snapshot: TaskSnapshot): boolean {
  return !isTerminal(snapshot.state) && bindingOf<A2ABinding>(snapshot, BINDING)?.run === true;
}
