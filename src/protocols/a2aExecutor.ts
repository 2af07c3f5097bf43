import type { Message, Part } from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type OwnerResolver,
  type RequestContext,
} from '@a2a-js/sdk/server';
import { InvalidArgumentError, InvalidTransitionError, TaskNotFoundError } from '../errors.js';
import type { InputRequest, TaskManager, WorkContext } from '../manager.js';
import { isTerminal, type TaskSnapshot } from '../task.js';
import { assertOptions, describe } from '../validate.js';
import {
  type A2ABinding,
  BINDING,
  changeEvents,
  encodeMessage,
  encodeParts,
  messageOf,
  toA2AStatusUpdate,
} from './a2aMapping.js';
import { type A2ASide, readTask, recordOf, scopeOf, sideOf } from './a2aRecords.js';
import { findTask } from './binding.js';

/**
 * What an A2A work may return: text or parts become the task's `result` artifact; a `Message` is
 * the agent's answer (with `messageReplies`, the answer instead of a task; else the COMPLETED
 * status message).
 */
export type A2AWorkResult = string | readonly Part[] | Message | undefined;

/** What a work run by `createA2AExecutor` gets: tooltask's `WorkContext` plus the A2A request. */
export interface A2AWorkContext extends WorkContext {
  /** The message that started the task. */
  readonly message: Message;
  /**
   * Asks the client (the task shows INPUT_REQUIRED, or AUTH_REQUIRED with `need: 'auth'`) and
   * resolves with its answer: the client's next message to the task, or what `tasks.respond`
   * gives from outside (credentials received out of band).
   */
  ask<T = Message>(options?: InputRequest): Promise<T>;
  /** The SDK's request context (task id, context id, tenant, user). */
  readonly request: RequestContext;
}

/** A work run as an A2A task: its value completes the task, a throw fails it. */
export type A2AWork = (context: A2AWorkContext) => A2AWorkResult | PromiseLike<A2AWorkResult>;

/** Options of `createA2AExecutor`. */
export interface A2AExecutorOptions {
  /** Names the owner of a call; give `A2ATaskStore` the same one. Default: the SDK's `resolveUserScope`. */
  readonly ownerResolver?: OwnerResolver | undefined;
  /**
   * Lets a work answer with a plain `Message` instead of a task: nothing is published until the
   * work reports (progress, ask) or ends, and a `Message` it returns before reporting anything is
   * the whole answer (SendMessage's result, the stream's one event), and its tooltask task is
   * removed. The price: a work that stays silent shows no task until it reports. Default: `false`
   * (the task is published at once; a returned `Message` is its COMPLETED status message).
   */
  readonly messageReplies?: boolean | undefined;
}

/**
 * Makes an `AgentExecutor` whose every task runs `work` as a tooltask `run()` task, so CancelTask
 * aborts the work's `AbortSignal`.
 *
 * A new task is published first (the SDK requires it), then a `TaskStatusUpdateEvent` for every
 * change of the tooltask task, in order, none dropped, from the work's first line: progress as
 * WORKING with its message; `requestInput` as INPUT_REQUIRED or AUTH_REQUIRED; the `result` artifact
 * and COMPLETED, or FAILED, or CANCELED. `execute` returns when the task ends or waits for its
 * client; the stream ends there (A2A v1.0 has no `final` flag).
 *
 * Multi-turn: a message to a task that waits for input (or auth) is the answer. The turn's stream
 * starts with the task as it is, then the task resumes and its updates follow; the message itself
 * is the answer of every open request: the work's `ask()` resolves with it. A message to a
 * task that waits for nothing is refused by `A2ATaskStore` (`UnsupportedOperationError`, -32004).
 * `cancelTask` cancels the tooltask task: its work's signal aborts and CANCELED reaches the bus.
 * A work may answer with a `Message`: with `messageReplies`, one returned before any report is the
 * whole answer and no task remains; otherwise it is the task's COMPLETED status message.
 * Use it with an `A2ATaskStore` on the same manager.
 *
 * @example
 * ```ts
 * const executor = createA2AExecutor(tasks, async ({ message, signal, progress }) => {
 *   for (let step = 1; step <= 3; step++) {
 *     await new Promise((resolve) => setTimeout(resolve, 100));
 *     signal.throwIfAborted();
 *     progress(step / 3, `step ${step} of 3`);
 *   }
 *   return 'all done';
 * });
 * ```
 */
export function createA2AExecutor(manager: TaskManager, work: A2AWork, options?: A2AExecutorOptions): AgentExecutor {
  if (typeof manager?.run !== 'function') {
    throw new InvalidArgumentError(`Expected \`manager\` to be a TaskManager, got ${describe(manager)}`);
  }
  if (typeof work !== 'function') {
    throw new InvalidArgumentError(`Expected \`work\` to be a function, got ${describe(work)}`);
  }
  assertOptions('options', options, ['ownerResolver', 'messageReplies']);
  const owner = options?.ownerResolver;
  if (owner !== undefined && typeof owner !== 'function') {
    throw new InvalidArgumentError(`Expected \`ownerResolver\` to be a function, got ${describe(owner)}`);
  }
  const replies = options?.messageReplies ?? false;
  if (typeof replies !== 'boolean') {
    throw new InvalidArgumentError(`Expected \`messageReplies\` to be a boolean, got ${describe(replies)}`);
  }
  const side = sideOf(manager);
  const followers = new Map<string, Follower>();
  /** The tooltask id behind each bus: `cancelTask` gets the A2A id, the same in every scope. */
  const ids = new WeakMap<ExecutionEventBus, string>();

  const follow = (id: string, bus: ExecutionEventBus): Follower => {
    const follower = new Follower(side, id, bus, replies, () => {
      followers.delete(id);
      side.buses.delete(id);
      side.answering.delete(id);
    });
    followers.set(id, follower);
    side.buses.set(id, bus);
    return follower;
  };

  const start = async (request: RequestContext, bus: ExecutionEventBus, id: string) => {
    const scope = scopeOf(request.context, owner);
    const message = request.userMessage;
    const binding: A2ABinding = {
      taskId: request.taskId,
      contextId: request.contextId,
      tenant: scope.tenant,
      owner: scope.owner,
      run: true,
    };
    // The work starts once its task is followed: what it reports before its first await is published too.
    let open: () => void = () => {};
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    const follower = follow(id, bus);
    try {
      const created = await manager.run(
        async (context) => {
          await opened;
          return toResult(await work({ ...context, message: structuredClone(message), request }));
        },
        { id, metadata: { [BINDING]: binding } },
      );
      side.records.set(id, recordOf(side, created, [structuredClone(message)]));
    } catch (error) {
      // Not followed: no stream. A task the manager made anyway (a store that failed to write it)
      // still runs its work, which sees its signal.
      follower.end();
      open();
      throw error;
    }
    follower.attach(manager);
    open();
    await follower.until(-1);
  };

  const answer = async (request: RequestContext, bus: ExecutionEventBus, id: string, found: TaskSnapshot) => {
    side.answering.delete(id);
    const follower = followers.get(id);
    const current = manager.peek(id) ?? found;
    if (follower === undefined) {
      // Not a task this executor follows (ended, or another's): its stream is the task as it is.
      bus.publish(AgentEvent.task(readTask(side, current, undefined)));
      return;
    }
    follower.bus = bus;
    side.buses.set(id, bus);
    follower.task(current);
    const keys = Object.keys(current.inputRequests ?? {});
    if (keys.length > 0) {
      const answer = request.userMessage;
      try {
        await manager.respond(id, Object.fromEntries(keys.map((key) => [key, structuredClone(answer)])));
      } catch (error) {
        // Ended meanwhile: the stream follows the task as it is.
        if (!(error instanceof InvalidTransitionError)) throw error;
      }
    }
    await follower.until(current.seq);
  };

  return {
    execute: async (request, bus) => {
      const id = scopeOf(request.context, owner).key(request.taskId);
      ids.set(bus, id);
      const found = await findTask(manager, id);
      if (found === undefined) await start(request, bus, id);
      else await answer(request, bus, id, found);
    },
    cancelTask: async (taskId, bus) => {
      try {
        await manager.cancel(ids.get(bus) ?? taskId, 'cancelled by the client');
      } catch (error) {
        // Ended meanwhile: its terminal update is on the bus already.
        if (!(error instanceof InvalidTransitionError || error instanceof TaskNotFoundError)) throw error;
      }
    },
  };
}

/** A work's value as the task's result, JSON data: parts and a Message in A2A's JSON form (bytes as base64). */
function toResult(value: A2AWorkResult): unknown {
  if (Array.isArray(value)) return encodeParts(value);
  return isMessage(value) ? encodeMessage(value) : value;
}

function isMessage(value: unknown): value is Message {
  if (typeof value !== 'object' || value === null) return false;
  const { messageId, parts } = value as Partial<Message>;
  return typeof messageId === 'string' && Array.isArray(parts);
}

/** Whether a snapshot is more than the task's creation and start: a report of its work, or its end. */
function isReport(snapshot: TaskSnapshot): boolean {
  return snapshot.state !== 'pending' && snapshot.event !== 'task.start';
}

/** A point where `execute` returns: the task ended, or waits for its client. */
function isStop(snapshot: TaskSnapshot): boolean {
  return isTerminal(snapshot.state) || snapshot.awaiting !== undefined;
}

/**
 * Publishes every change of one task to its bus, in `seq` order, none twice: a Task event first,
 * then status (and artifact) updates. It follows the task to its end, across turns: each turn's
 * `execute` hands it that turn's bus (the SDK keeps one per task while it waits for input).
 */
class Follower {
  bus: ExecutionEventBus;
  readonly #side: A2ASide;
  readonly #id: string;
  readonly #ended: () => void;
  #published = -1;
  #stoppedAt = -1;
  /** The last question published: once answered, no status shows it again. */
  #asked: string | undefined;
  /** Publishing waits for the work's first report (`messageReplies`): the task so far. */
  #hold: boolean;
  #held: TaskSnapshot | undefined;
  #manager: TaskManager | undefined;
  #waiters = new Set<{ readonly after: number; readonly resolve: () => void }>();

  constructor(side: A2ASide, id: string, bus: ExecutionEventBus, hold: boolean, ended: () => void) {
    this.#side = side;
    this.#id = id;
    this.bus = bus;
    this.#hold = hold;
    this.#ended = ended;
  }

  /** Subscribes to the task: its current snapshot becomes the Task event, every change an update. */
  attach(manager: TaskManager): void {
    this.#manager = manager;
    manager.subscribe(this.#id).subscribe({
      next: (snapshot) => this.#next(snapshot),
      complete: () => this.end(),
      error: () => this.end(),
    });
  }

  /**
   * Publishes the task as it is now: the first event of a turn's stream. Its history is empty, as
   * the SDK asks of follow-up turns: the result manager keeps the stored history and adds the
   * turn's message to it.
   */
  task(snapshot: TaskSnapshot): void {
    this.bus.publish(AgentEvent.task({ ...readTask(this.#side, snapshot, undefined), history: [] }));
    this.#published = Math.max(this.#published, snapshot.seq);
  }

  /** Resolves at the first stop (end, or a wait for the client) published after `seq`. */
  until(seq: number): Promise<void> {
    if (this.#stoppedAt > seq) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.add({ after: seq, resolve }));
  }

  /** Stops following: every waiting `execute` returns. */
  end(): void {
    this.#ended();
    for (const waiter of this.#waiters) waiter.resolve();
    this.#waiters.clear();
  }

  #next(snapshot: TaskSnapshot): void {
    if (snapshot.seq <= this.#published) return;
    if (this.#hold) {
      const reply = snapshot.state === 'complete' ? messageOf(snapshot.result) : undefined;
      if (reply !== undefined) {
        this.#reply(reply, snapshot);
        return;
      }
      if (!isReport(snapshot)) {
        this.#held = snapshot;
        return;
      }
      this.#hold = false;
      if (this.#held !== undefined) this.task(this.#held);
    }
    if (this.#published < 0) this.task(snapshot);
    else {
      for (const event of changeEvents(snapshot, this.#asked)) this.bus.publish(event);
      this.#published = snapshot.seq;
    }
    if (snapshot.awaiting !== undefined) {
      this.#asked = snapshot.message;
      const record = this.#side.records.get(this.#id);
      if (record !== undefined) record.asked = snapshot.message;
    }
    if (!isStop(snapshot)) return;
    this.#stoppedAt = snapshot.seq;
    for (const waiter of this.#waiters) {
      if (waiter.after >= snapshot.seq) continue;
      this.#waiters.delete(waiter);
      waiter.resolve();
    }
  }

  /** Answers with the work's Message alone: no task was published, none remains. */
  #reply(reply: Message, snapshot: TaskSnapshot): void {
    const contextId = toA2AStatusUpdate(snapshot).contextId;
    this.bus.publish(AgentEvent.message({ ...reply, taskId: '', contextId: reply.contextId || contextId }));
    this.#published = snapshot.seq;
    this.#hold = false;
    this.#stoppedAt = snapshot.seq;
    for (const waiter of this.#waiters) waiter.resolve();
    this.#waiters.clear();
    this.#manager?.remove(this.#id).catch(() => {
      // Gone already, or a store that failed, which the manager reports on its own error stream:
      // the answer stands either way.
    });
  }
}
