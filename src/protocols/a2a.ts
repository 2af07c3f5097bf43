import {
  A2A_PROTOCOL_VERSION,
  type AgentCard,
  type AgentSkill,
  type Artifact,
  type ListTasksRequest,
  type ListTasksResponse,
  type Message,
  type Part,
  Role,
  type Task,
  TaskState,
  type TaskStatusUpdateEvent,
} from '@a2a-js/sdk';
import {
  AgentEvent,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
  type ServerCallContext,
  type TaskStore,
} from '@a2a-js/sdk/server';
import { InvalidArgumentError, InvalidTransitionError, TaskNotFoundError } from '../errors.js';
import type { TaskManager, WorkContext } from '../manager.js';
import { isTerminal, type TaskAwaiting, type TaskSnapshot, type TaskState as TooltaskState } from '../task.js';
import { describe } from '../validate.js';
import { bindingOf, findTask, isRunTask } from './binding.js';
import { scanPage } from './scan.js';

/** What the A2A side of a task remembers, frozen in the tooltask task's metadata at creation. */
interface A2ABinding {
  readonly contextId: string;
  /** `tenant \0 user`: who may read and cancel the task. */
  readonly scope: string;
  /** The messages the task was created with (the first user message). */
  readonly history: readonly Message[];
}

/** A task the agent refused (`TASK_STATE_REJECTED`): the tooltask task fails with this error. */
export class A2ARejectedError extends Error {
  override name = 'A2ARejectedError' as const;
}

/** What an A2A work may return: text or parts become the task's `result` artifact. */
export type A2AWorkResult = string | readonly Part[] | undefined;

/** What a work run by `createA2AExecutor` gets: tooltask's `WorkContext` plus the A2A request. */
export interface A2AWorkContext extends WorkContext {
  /** The message that started the task. */
  readonly message: Message;
  /** The SDK's request context (task id, context id, tenant, user). */
  readonly request: RequestContext;
}

/** A work run as an A2A task: its value completes the task, a throw fails it. */
export type A2AWork = (context: A2AWorkContext) => A2AWorkResult | PromiseLike<A2AWorkResult>;

const BINDING = 'a2a';
const MAX_SCAN = 10_000;
const RESULT_ARTIFACT = 'result';

/** What `createAgentCard` needs; the rest of an A2A v1.0 card gets its protocol defaults. */
export interface AgentCardOptions {
  readonly name: string;
  readonly description: string;
  /** Where the JSON-RPC handler is mounted, e.g. `http://127.0.0.1:8080/a2a/jsonrpc`. */
  readonly url: string;
  /** The agent's own version. Default: `1.0.0`. */
  readonly version?: string | undefined;
  readonly skills?: readonly AgentSkill[] | undefined;
  /** Media types the agent takes and gives. Default: `['text/plain']` each. */
  readonly inputModes?: readonly string[] | undefined;
  readonly outputModes?: readonly string[] | undefined;
}

/**
 * An A2A v1.0 agent card for an agent served with `createA2AExecutor`: one JSON-RPC interface at
 * `url`, streaming on (`SendStreamingMessage` and resubscribing need it), no push notifications,
 * no security schemes, and empty values for the rest of the card's required fields.
 *
 * @example
 * ```ts
 * import { createAgentCard } from 'tooltask/a2a';
 * const card = createAgentCard({
 *   name: 'reports',
 *   description: 'Builds reports; cancel stops the work',
 *   url: 'http://127.0.0.1:8080/a2a/jsonrpc',
 * });
 * card.capabilities?.streaming; // true
 * ```
 */
export function createAgentCard(options: AgentCardOptions): AgentCard {
  for (const key of ['name', 'description', 'url'] as const) {
    if (typeof options?.[key] !== 'string' || options[key] === '') {
      throw new InvalidArgumentError(`Expected \`${key}\` to be a non-empty string, got ${describe(options?.[key])}`);
    }
  }
  return {
    name: options.name,
    description: options.description,
    supportedInterfaces: [
      { url: options.url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_PROTOCOL_VERSION },
    ],
    provider: undefined,
    version: options.version ?? '1.0.0',
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: [...(options.inputModes ?? ['text/plain'])],
    defaultOutputModes: [...(options.outputModes ?? ['text/plain'])],
    skills: [...(options.skills ?? [])],
    signatures: [],
  };
}

/**
 * Maps a tooltask state to an A2A (protocol v1.0) task state.
 *
 * `pending` is `TASK_STATE_SUBMITTED`, `running` is `TASK_STATE_WORKING` (or INPUT_REQUIRED /
 * AUTH_REQUIRED while it awaits its client), the final states map to COMPLETED, FAILED (REJECTED
 * when the failure is an `A2ARejectedError`) and CANCELED.
 *
 * @example
 * ```ts
 * import { TaskState } from '@a2a-js/sdk';
 * import { toA2AState } from 'tooltask/a2a';
 * toA2AState('running') === TaskState.TASK_STATE_WORKING; // true
 * ```
 */
export function toA2AState(state: TooltaskState, error?: Error, awaiting?: TaskAwaiting): TaskState {
  switch (state) {
    case 'pending':
      return TaskState.TASK_STATE_SUBMITTED;
    case 'running':
      if (awaiting === 'input') return TaskState.TASK_STATE_INPUT_REQUIRED;
      if (awaiting === 'auth') return TaskState.TASK_STATE_AUTH_REQUIRED;
      return TaskState.TASK_STATE_WORKING;
    case 'complete':
      return TaskState.TASK_STATE_COMPLETED;
    case 'failed':
      return error instanceof A2ARejectedError ? TaskState.TASK_STATE_REJECTED : TaskState.TASK_STATE_FAILED;
    case 'cancelled':
      return TaskState.TASK_STATE_CANCELED;
  }
}

/**
 * The A2A `TaskStatusUpdateEvent` of a tooltask snapshot: state, the progress message (or the
 * failure's message) as an agent message, and the ISO time of the change.
 *
 * @example
 * ```ts
 * import { AgentEvent, type ExecutionEventBus } from '@a2a-js/sdk/server';
 * import type { TaskSnapshot } from 'tooltask';
 * import { toA2AStatusUpdate } from 'tooltask/a2a';
 *
 * function publish(eventBus: ExecutionEventBus, task: TaskSnapshot) {
 *   eventBus.publish(AgentEvent.statusUpdate(toA2AStatusUpdate(task)));
 * }
 * ```
 */
export function toA2AStatusUpdate(snapshot: TaskSnapshot): TaskStatusUpdateEvent {
  const { contextId } = bindingOf<A2ABinding>(snapshot, BINDING) ?? { contextId: '' };
  return { taskId: snapshot.id, contextId, status: statusOf(snapshot, contextId), metadata: undefined };
}

/**
 * The A2A `Task` of a tooltask snapshot: its status, the history it was created with, and, once
 * complete, the work's result as the `result` artifact.
 *
 * @example
 * ```ts
 * import { createTaskManager } from 'tooltask';
 * import { toA2ATask } from 'tooltask/a2a';
 * const tasks = createTaskManager();
 * toA2ATask(await tasks.create('a')).status?.state; // TaskState.TASK_STATE_SUBMITTED
 * ```
 */
export function toA2ATask(snapshot: TaskSnapshot): Task {
  const binding = bindingOf<A2ABinding>(snapshot, BINDING);
  const contextId = binding?.contextId ?? '';
  return {
    id: snapshot.id,
    contextId,
    status: statusOf(snapshot, contextId),
    artifacts: snapshot.state === 'complete' ? artifactsOf(snapshot.result) : [],
    history: binding === undefined ? [] : [...binding.history],
    metadata: {},
  };
}

/**
 * The `@a2a-js/sdk` server `TaskStore` on a tooltask manager: pass it to `DefaultRequestHandler`
 * and GetTask, ListTasks, CancelTask and SubscribeToTask read tooltask tasks.
 *
 * The tooltask task is the truth for state: `load` answers the live snapshot, so a resubscriber
 * never gets a state older than the events already published. `save` applies what an executor
 * published to the task (WORKING starts it, COMPLETED completes it with the artifacts, FAILED or
 * REJECTED fails it, CANCELED cancels it and aborts its work); saving a finished task changes
 * nothing. INPUT_REQUIRED and AUTH_REQUIRED are the chart's `running.client.awaiting`
 * (`requestInput`); WORKING after them resumes the task.
 * Tasks are scoped to the tenant and authenticated user that created them.
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

  constructor(manager: TaskManager) {
    if (typeof manager?.page !== 'function' || typeof manager.get !== 'function') {
      throw new InvalidArgumentError(`Expected \`manager\` to be a TaskManager, got ${describe(manager)}`);
    }
    this.#manager = manager;
  }

  /** The tooltask manager the tasks live in. */
  get manager(): TaskManager {
    return this.#manager;
  }

  /** Applies a task the SDK's result manager saved: creates the tooltask task or moves it. */
  async save(task: Task, context: ServerCallContext): Promise<void> {
    let snapshot = await findTask(this.#manager, task.id);
    if (snapshot === undefined) {
      snapshot = await this.#manager.create(task.id, {
        metadata: { [BINDING]: bind(task.contextId, context, task.history) },
      });
    } else if (bindingOf<A2ABinding>(snapshot, BINDING)?.scope !== scopeOf(context)) {
      throw new InvalidArgumentError(`Expected task \`${task.id}\` to belong to this caller, got another's`);
    }
    if (isTerminal(snapshot.state)) return;
    const state = task.status?.state ?? TaskState.TASK_STATE_SUBMITTED;
    const message = textOf(task.status?.message);
    try {
      switch (state) {
        case TaskState.TASK_STATE_INPUT_REQUIRED:
        case TaskState.TASK_STATE_AUTH_REQUIRED: {
          const need = state === TaskState.TASK_STATE_AUTH_REQUIRED ? 'auth' : 'input';
          if (snapshot.awaiting !== need) await this.#manager.requestInput(task.id, { need, message });
          return;
        }
        case TaskState.TASK_STATE_WORKING:
          if (snapshot.awaiting !== undefined) await this.#manager.resume(task.id, message);
          else if (snapshot.state === 'pending' && !isRunTask(this.#manager, task.id)) {
            await this.#manager.update(task.id, snapshot.progress, message);
          }
          return;
        case TaskState.TASK_STATE_COMPLETED:
          await this.#manager.complete(
            task.id,
            task.artifacts.flatMap((artifact) => artifact.parts),
          );
          return;
        case TaskState.TASK_STATE_FAILED:
          await this.#manager.fail(task.id, message ?? 'failed');
          return;
        case TaskState.TASK_STATE_REJECTED:
          await this.#manager.fail(task.id, new A2ARejectedError(message ?? 'rejected'));
          return;
        case TaskState.TASK_STATE_CANCELED:
          await this.#manager.cancel(task.id, message);
          return;
        default:
          return;
      }
    } catch (error) {
      // The task ended meanwhile (its work finished first): tooltask's final state stands.
      if (!(error instanceof InvalidTransitionError)) throw error;
    }
  }

  /** The task as A2A sees it, or `undefined` when unknown or another caller's. */
  async load(taskId: string, context: ServerCallContext): Promise<Task | undefined> {
    const snapshot = await findTask(this.#manager, taskId);
    if (snapshot === undefined || bindingOf<A2ABinding>(snapshot, BINDING)?.scope !== scopeOf(context))
      return undefined;
    return toA2ATask(snapshot);
  }

  /**
   * One page of this caller's tasks in creation order, filtered by `contextId` and `status`;
   * `pageToken` is the manager's cursor. `totalSize` counts this page only: counting every match
   * would cost O(n) per call.
   */
  async list(params: ListTasksRequest, context: ServerCallContext): Promise<ListTasksResponse> {
    const scope = scopeOf(context);
    const pageSize = params.pageSize ?? 50;
    const after = params.statusTimestampAfter === undefined ? undefined : Date.parse(params.statusTimestampAfter);
    const page = await scanPage(
      this.#manager,
      { cursor: params.pageToken === '' ? undefined : params.pageToken, limit: pageSize, maxScan: MAX_SCAN },
      (snapshot) => {
        const binding = bindingOf<A2ABinding>(snapshot, BINDING);
        if (binding?.scope !== scope) return false;
        if (params.contextId !== '' && binding.contextId !== params.contextId) return false;
        if (after !== undefined && !(snapshot.updatedAt > after)) return false;
        const state = toA2AState(snapshot.state, snapshot.error, snapshot.awaiting);
        return (
          params.status === TaskState.TASK_STATE_UNSPECIFIED || params.status === undefined || state === params.status
        );
      },
    );
    const tasks = page.tasks.map((snapshot) => {
      const task = toA2ATask(snapshot);
      return params.includeArtifacts === true ? task : { ...task, artifacts: [] };
    });
    return { tasks, nextPageToken: page.nextCursor ?? '', pageSize, totalSize: tasks.length };
  }
}

/**
 * Makes an `AgentExecutor` whose every task runs `work` as a tooltask `run()` task, so CancelTask
 * aborts the work's `AbortSignal`.
 *
 * `execute` publishes the task first (the SDK requires it), then a `TaskStatusUpdateEvent` for every
 * change of the tooltask task, in order, none dropped: progress as WORKING with its message, then
 * the `result` artifact and COMPLETED, or FAILED, or CANCELED. The stream ends on that terminal
 * state (A2A v1.0 has no `final` flag). `cancelTask` cancels the tooltask task; its work's signal
 * aborts and the CANCELED update reaches the bus. Use it with an `A2ATaskStore` on the same manager.
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
export function createA2AExecutor(manager: TaskManager, work: A2AWork): AgentExecutor {
  if (typeof manager?.run !== 'function') {
    throw new InvalidArgumentError(`Expected \`manager\` to be a TaskManager, got ${describe(manager)}`);
  }
  if (typeof work !== 'function') {
    throw new InvalidArgumentError(`Expected \`work\` to be a function, got ${describe(work)}`);
  }
  return {
    execute: async (request, bus) => {
      const message = request.userMessage;
      const started = manager.run((context) => work({ ...context, message, request }), {
        id: request.taskId,
        metadata: { [BINDING]: bind(request.contextId, request.context, [message]) },
      });
      // The task is first published as it was created, then every change after it: following from
      // here, before any await, misses none (a store answering later is followed once it has).
      let published = -1;
      const publish = (snapshot: TaskSnapshot) => {
        if (snapshot.seq <= published) return;
        if (published < 0) bus.publish(AgentEvent.task(toA2ATask(snapshot)));
        else {
          if (snapshot.state === 'complete') publishResult(bus, snapshot);
          bus.publish(AgentEvent.statusUpdate(toA2AStatusUpdate(snapshot)));
        }
        published = snapshot.seq;
      };
      const follow = () =>
        new Promise<boolean>((resolve) => {
          manager.subscribe(request.taskId).subscribe({
            next: publish,
            complete: () => resolve(true),
            error: () => resolve(false),
          });
        });
      const following = follow();
      await started;
      if (!(await following)) await follow();
    },
    cancelTask: async (taskId) => {
      try {
        await manager.cancel(taskId, 'cancelled by the client');
      } catch (error) {
        // Ended meanwhile: its terminal update is on the bus already.
        if (!(error instanceof InvalidTransitionError || error instanceof TaskNotFoundError)) throw error;
      }
    },
  };
}

function publishResult(bus: ExecutionEventBus, snapshot: TaskSnapshot): void {
  const contextId = bindingOf<A2ABinding>(snapshot, BINDING)?.contextId ?? '';
  for (const artifact of artifactsOf(snapshot.result)) {
    bus.publish(
      AgentEvent.artifactUpdate({
        taskId: snapshot.id,
        contextId,
        artifact,
        append: false,
        lastChunk: true,
        metadata: undefined,
      }),
    );
  }
}

function statusOf(snapshot: TaskSnapshot, contextId: string): Task['status'] {
  const text = snapshot.state === 'failed' ? (snapshot.error?.message ?? snapshot.message) : snapshot.message;
  return {
    state: toA2AState(snapshot.state, snapshot.error, snapshot.awaiting),
    message:
      text === undefined ? undefined : agentMessage(snapshot.id, contextId, `${snapshot.id}:${snapshot.seq}`, text),
    timestamp: new Date(snapshot.updatedAt).toISOString(),
  };
}

function artifactsOf(result: unknown): Artifact[] {
  const parts: Part[] =
    typeof result === 'string'
      ? [textPart(result)]
      : Array.isArray(result)
        ? (result as Part[])
        : result === undefined
          ? []
          : [
              {
                content: { $case: 'data', value: result },
                metadata: undefined,
                filename: '',
                mediaType: 'application/json',
              },
            ];
  if (parts.length === 0) return [];
  return [
    {
      artifactId: RESULT_ARTIFACT,
      name: RESULT_ARTIFACT,
      description: '',
      parts,
      metadata: undefined,
      extensions: [],
    },
  ];
}

function agentMessage(taskId: string, contextId: string, messageId: string, text: string): Message {
  return {
    messageId,
    contextId,
    taskId,
    role: Role.ROLE_AGENT,
    parts: [textPart(text)],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  };
}

function textPart(text: string): Part {
  return { content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' };
}

function textOf(message: Message | undefined): string | undefined {
  const texts = message?.parts.flatMap((part) => (part.content?.$case === 'text' ? [part.content.value] : []));
  return texts === undefined || texts.length === 0 ? undefined : texts.join('\n');
}

function bind(contextId: string, context: ServerCallContext, history: readonly Message[]): A2ABinding {
  return Object.freeze({ contextId, scope: scopeOf(context), history: Object.freeze([...history]) });
}

function scopeOf(context: ServerCallContext): string {
  const user = context.user;
  return `${context.tenant ?? ''}\u0000${user?.isAuthenticated === true ? user.userName : ''}`;
}
