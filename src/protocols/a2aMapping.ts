import { type Artifact, Message, Part, Role, type Task, TaskState, type TaskStatusUpdateEvent } from '@a2a-js/sdk';
import { AgentEvent, type AgentExecutionEvent } from '@a2a-js/sdk/server';
import type { TaskAwaiting, TaskSnapshot, TaskState as TooltaskState } from '../task.js';
import { bindingOf } from './binding.js';

/** The metadata key under which an A2A task's binding is frozen in its tooltask task. */
export const BINDING = 'a2a';
/** The id (and name) of the artifact a `createA2AExecutor` work's value becomes. */
export const RESULT_ARTIFACT = 'result';

/** What the A2A side of a task remembers, frozen in the tooltask task's metadata at creation. */
export interface A2ABinding {
  /** The task's A2A id; the tooltask id differs when the task is scoped to a tenant or user. */
  readonly taskId: string;
  readonly contextId: string;
  readonly tenant: string;
  readonly owner: string;
  /** Run by `createA2AExecutor`: its work drives the state, saves only record what A2A keeps. */
  readonly run: boolean;
}

/** A task the agent refused (`TASK_STATE_REJECTED`): the tooltask task fails with this error. */
export class A2ARejectedError extends Error {
  override name = 'A2ARejectedError' as const;
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
 * The A2A `TaskStatusUpdateEvent` of a tooltask snapshot: state, the status text (the progress
 * text, the open question, the failure's message; none once complete) as an agent message, and the
 * ISO time of the change. `asked`: a question the reader published before, never shown again once
 * answered.
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
export function toA2AStatusUpdate(snapshot: TaskSnapshot, asked?: string): TaskStatusUpdateEvent {
  const binding = bindingOf<A2ABinding>(snapshot, BINDING);
  const contextId = binding?.contextId ?? '';
  return { taskId: binding?.taskId ?? snapshot.id, contextId, status: statusOf(snapshot, asked), metadata: undefined };
}

/**
 * The A2A `Task` of a tooltask snapshot alone: its status and, once complete, the work's result as
 * the `result` artifact. `A2ATaskStore` answers more: the history, artifacts and metadata the agent
 * saved.
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
  return {
    id: binding?.taskId ?? snapshot.id,
    contextId: binding?.contextId ?? '',
    status: statusOf(snapshot),
    artifacts: snapshot.state === 'complete' ? artifactsOf(snapshot.result) : [],
    history: [],
    metadata: {},
  };
}

/**
 * The A2A status of a snapshot; its message (the progress text) is `<task id>:<seq>`.
 *
 * The text is what the state says now: the question while the task awaits its client, the
 * progress text while it works (never a question already answered: the answer's own change shows
 * none, and `asked`, the last question a reader saw, is never shown again), the error once failed,
 * the reason once cancelled, and once complete none (an earlier step's progress text is no
 * completion message), or the `Message` the work returned.
 */
export function statusOf(snapshot: TaskSnapshot, asked?: string): Task['status'] {
  const binding = bindingOf<A2ABinding>(snapshot, BINDING);
  const taskId = binding?.taskId ?? snapshot.id;
  const contextId = binding?.contextId ?? '';
  const text = statusText(snapshot, asked);
  const reply = snapshot.state === 'complete' ? messageOf(snapshot.result) : undefined;
  return {
    state: toA2AState(snapshot.state, snapshot.error, snapshot.awaiting),
    message:
      reply !== undefined
        ? { ...reply, taskId, contextId: reply.contextId === '' ? contextId : reply.contextId }
        : text === undefined
          ? undefined
          : agentMessage(taskId, contextId, `${taskId}:${snapshot.seq}`, text),
    timestamp: new Date(snapshot.updatedAt).toISOString(),
  };
}

function statusText(snapshot: TaskSnapshot, asked: string | undefined): string | undefined {
  switch (snapshot.state) {
    case 'failed':
      return snapshot.error?.message ?? snapshot.message;
    case 'complete':
      return undefined;
    case 'running':
      if (snapshot.awaiting !== undefined) return snapshot.message;
      // The chart keeps the last text: after an answer that is the question.
      if (snapshot.event === 'task.respond' || snapshot.message === asked) return undefined;
      return snapshot.message;
    default:
      return snapshot.message;
  }
}

/**
 * The events a change of a followed task publishes: once complete, its result artifacts, then
 * its status update. `asked` is the last question the follower published (see `statusOf`).
 */
export function changeEvents(snapshot: TaskSnapshot, asked?: string): AgentExecutionEvent[] {
  const update = toA2AStatusUpdate(snapshot, asked);
  const events: AgentExecutionEvent[] = [];
  if (snapshot.state === 'complete') {
    for (const artifact of artifactsOf(snapshot.result)) {
      const { taskId, contextId } = update;
      events.push(
        AgentEvent.artifactUpdate({ taskId, contextId, artifact, append: false, lastChunk: true, metadata: undefined }),
      );
    }
  }
  events.push(AgentEvent.statusUpdate(update));
  return events;
}

/** The key under which a task's result holds the A2A `Message` its work answered with. */
const MESSAGE = '@a2a/message';

/** A Message as a task's result holds it: in A2A's own JSON form (`Message.toJSON`), under its key. */
export function encodeMessage(message: Message): { readonly [MESSAGE]: unknown } {
  return { [MESSAGE]: Message.toJSON(message) };
}

/** The Message a task's result holds (see `encodeMessage`), decoded as the SDK holds it; else `undefined`. */
export function messageOf(result: unknown): Message | undefined {
  if (typeof result !== 'object' || result === null || !Object.hasOwn(result, MESSAGE)) return undefined;
  return Message.fromJSON((result as Record<typeof MESSAGE, unknown>)[MESSAGE]);
}

/**
 * Parts as a task's result holds them: each in A2A's own JSON form (`Part.toJSON`, raw bytes as
 * base64), so the result is JSON data that any store keeps, in memory or in Redis.
 */
export function encodeParts(parts: readonly Part[]): unknown[] {
  // An agent's loose part (not an object) has nothing to keep.
  return parts.flatMap((part) => (typeof part === 'object' && part !== null ? [Part.toJSON(part)] : []));
}

/**
 * A part of a task's result as the SDK holds it: one `encodeParts` wrote is decoded with
 * `Part.fromJSON` (raw bytes as a `Buffer`, as the SDK's own decoder gives them); one completed
 * with the SDK's object form (it has `content`) is copied as it is.
 */
function decodePart(item: unknown): Part {
  if (typeof item === 'object' && item !== null && Object.hasOwn(item, 'content')) {
    return structuredClone(item as Part);
  }
  return Part.fromJSON(item);
}

/** A work's value as artifacts: text or parts become the `result` artifact; nothing, or a Message, none. */
export function artifactsOf(result: unknown): Artifact[] {
  if (messageOf(result) !== undefined) return [];
  const parts: Part[] =
    typeof result === 'string'
      ? [textPart(result)]
      : Array.isArray(result)
        ? result.map(decodePart)
        : result === undefined
          ? []
          : [
              {
                content: { $case: 'data', value: structuredClone(result) },
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

/** The text parts of a message, joined by newlines; `undefined` when it has none. */
export function textOf(message: Message | undefined): string | undefined {
  const texts = message?.parts.flatMap((part) => (part.content?.$case === 'text' ? [part.content.value] : []));
  return texts === undefined || texts.length === 0 ? undefined : texts.join('\n');
}
