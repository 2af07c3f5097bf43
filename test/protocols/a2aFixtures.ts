import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  AGENT_CARD_PATH,
  type Artifact,
  type ListTasksRequest,
  type Message,
  type Part,
  Role,
  type SendMessageRequest,
  type StreamResponse,
  type Task,
  TaskState,
  type TaskStatus,
} from '@a2a-js/sdk';
import { type Client, ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory } from '@a2a-js/sdk/client';
import { isJsonRpcError } from '@a2a-js/sdk/errors';
import {
  type AgentExecutor,
  DefaultRequestHandler,
  type ExecutionEventBusManager,
  InMemoryTaskStore,
  type OwnerResolver,
  ServerCallContext,
  type TaskStore,
} from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import express from 'express';
import { createTaskManager, type TaskManager } from '../../src/index.js';
import { A2ATaskStore, createAgentCard } from '../../src/protocols/a2a.js';

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

/** An A2A agent on loopback: the real SDK JSON-RPC server and client, around `store` and `executor`. */
export interface Agent {
  readonly client: Client;
  readonly url: string;
  close(): Promise<void>;
}

export async function startAgent(
  store: TaskStore,
  executor: AgentExecutor,
  buses?: ExecutionEventBusManager,
): Promise<Agent> {
  const app = express();
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const card = createAgentCard({ name: 'tooltask-test', description: 'test agent', url: `${url}/a2a/jsonrpc` });
  const handler = new DefaultRequestHandler(card, store, executor, buses);
  app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: handler }));
  app.use('/a2a/jsonrpc', jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, { transports: [new JsonRpcTransportFactory()] }),
  );
  const client = await factory.createFromUrl(url);
  return {
    client,
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A SendMessage request with one text part; `taskId` continues a task. */
export function send(text: string, taskId = '', tenant = ''): SendMessageRequest {
  return {
    tenant,
    metadata: undefined,
    configuration: undefined,
    message: { ...message(randomUUID(), text), taskId },
  };
}

/** A stream event as `kind:STATE:text`, for comparing streams. */
export function describeEvent(event: StreamResponse): string {
  const payload = event.payload;
  switch (payload?.$case) {
    case 'task':
    case 'statusUpdate': {
      const status = payload.value.status;
      return `${payload.$case}:${TaskState[status?.state ?? 0]}:${textOf(status?.message?.parts[0]) ?? ''}`;
    }
    case 'artifactUpdate':
      return `artifact:${textOf(payload.value.artifact?.parts[0]) ?? ''}`;
    default:
      return String(payload?.$case);
  }
}

/** The JSON-RPC error code a call failed with. */
export async function codeOf(promise: Promise<unknown>): Promise<number | undefined> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  return isJsonRpcError(error) ? error.envelopeCode : undefined;
}

/** Reads a stream in the background: its events, the task id once the first arrived, its end. */
export function readStream(events: AsyncGenerator<StreamResponse>) {
  const seen: StreamResponse[] = [];
  let resolveId: (id: string) => void = () => {};
  const id = new Promise<string>((resolve) => {
    resolveId = resolve;
  });
  const done = (async () => {
    for await (const event of events) {
      if (event.payload?.$case === 'task') resolveId(event.payload.value.id);
      seen.push(event);
    }
  })();
  return { events: seen, described: () => seen.map(describeEvent), id, done };
}
