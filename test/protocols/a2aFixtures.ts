import {
  type Artifact,
  type ListTasksRequest,
  type Message,
  type Part,
  Role,
  type Task,
  TaskState,
  type TaskStatus,
} from '@a2a-js/sdk';
import { InMemoryTaskStore, type OwnerResolver, ServerCallContext, type TaskStore } from '@a2a-js/sdk/server';
import { createTaskManager, type TaskManager } from '../../src/index.js';
import { A2ATaskStore } from '../../src/protocols/a2a.js';

/**
 * The stores every A2A store test runs against: the SDK's own `InMemoryTaskStore` is the control
 * (it proves the port of the SDK's tests), tooltask's `A2ATaskStore` the subject.
 */
export interface StoreUnderTest {
  readonly store: TaskStore;
  /** The tooltask manager behind the store; undefined for the SDK's. */
  readonly tasks: TaskManager | undefined;
  dispose(): Promise<void>;
}

export type StoreFactory = (ownerResolver?: OwnerResolver) => StoreUnderTest;

export const STORES: ReadonlyArray<readonly [string, StoreFactory]> = [
  [
    'the SDK InMemoryTaskStore (control)',
    (ownerResolver) => ({
      store: new InMemoryTaskStore(ownerResolver),
      tasks: undefined,
      dispose: async () => {},
    }),
  ],
  [
    'tooltask A2ATaskStore',
    (ownerResolver) => {
      const tasks = createTaskManager();
      return { store: new A2ATaskStore(tasks, { ownerResolver }), tasks, dispose: () => tasks.dispose() };
    },
  ],
];

export function textPart(text: string): Part {
  return { content: { $case: 'text', value: text }, mediaType: 'text/plain', filename: '', metadata: undefined };
}

export function message(messageId: string, text: string, role: Role = Role.ROLE_USER): Message {
  return {
    messageId,
    role,
    parts: [textPart(text)],
    taskId: '',
    contextId: '',
    extensions: [],
    metadata: {},
    referenceTaskIds: [],
  };
}

export function artifact(artifactId: string, text: string): Artifact {
  return { artifactId, name: artifactId, description: '', parts: [textPart(text)], metadata: {}, extensions: [] };
}

export function status(state: TaskState, statusMessage?: Message): TaskStatus {
  return { state, message: statusMessage, timestamp: undefined };
}

export function task(id: string, contextId: string, overrides: Partial<Task> = {}): Task {
  return {
    id,
    contextId,
    status: status(TaskState.TASK_STATE_SUBMITTED),
    artifacts: [],
    history: [],
    metadata: {},
    ...overrides,
  };
}

export function context(tenant?: string, userName?: string): ServerCallContext {
  if (userName === undefined) return new ServerCallContext(tenant === undefined ? {} : { tenant });
  const user = {
    get isAuthenticated() {
      return true;
    },
    get userName() {
      return userName;
    },
  };
  return new ServerCallContext(tenant === undefined ? { user } : { tenant, user });
}

export function listRequest(overrides: Partial<ListTasksRequest> = {}): ListTasksRequest {
  return {
    tenant: '',
    contextId: '',
    status: TaskState.TASK_STATE_UNSPECIFIED,
    pageSize: 100,
    pageToken: '',
    statusTimestampAfter: '',
    ...overrides,
  };
}

export function textOf(part: Part | undefined): string | undefined {
  return part?.content?.$case === 'text' ? part.content.value : undefined;
}
