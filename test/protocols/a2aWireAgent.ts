// An A2A agent in its own process, for the over-the-wire tests: the SDK's express server with both
// of its transports (JSON-RPC at /a2a/jsonrpc, HTTP+JSON at /a2a/rest) around tooltask's store,
// executor and bus manager. `node --import tsx test/protocols/a2aWireAgent.ts [<redis url> <namespace>]`
// listens on a free loopback port and prints `listening <url>`; it runs until killed.
//
// The work is chosen by the first message's text:
//   bytes        returns a text part and a raw-bytes file part (bytes 0..255)
//   steps        reports `half`, then returns `done`
//   ask          reports `looking`, asks `Which city?`, reports progress without text, returns `trip to <answer>`
//   wait         asks `Go on?`, then returns `went on`
//   reply        answers with a Message (`hello back`), no task
//   reply-late   reports `thinking`, then returns a Message (`final word`): the task's COMPLETED message
// and two tasks the SDK's own way, through the store only (an executor that publishes events and returns):
//   abandon      a Task in WORKING, then nothing: a stored task no process runs
//   sdk-bytes    a Task, a raw-bytes artifact, COMPLETED
import type { AddressInfo } from 'node:net';
import { AGENT_CARD_PATH, type Message, type Part, Role, TaskState } from '@a2a-js/sdk';
import { AgentEvent, type AgentExecutor, DefaultRequestHandler } from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, restHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import express from 'express';
import { createTaskManager } from '../../src/index.js';
import { A2ATaskStore, createA2AEventBusManager, createA2AExecutor, createAgentCard } from '../../src/protocols/a2a.js';
import { redisStore } from '../../src/redis/index.js';

const [redisUrl, namespace = ''] = process.argv.slice(2);
const store = redisUrl === undefined ? undefined : redisStore({ url: redisUrl, namespace, lease: 2000 });
const tasks = createTaskManager(store === undefined ? {} : { store });
await store?.cluster.start();

/** Bytes 0..255: every byte value, so a lossy encoding shows. */
const BYTES: Uint8Array = Uint8Array.from({ length: 256 }, (_, index) => index);

const part = (content: Part['content'], mediaType: string, filename = ''): Part => ({
  content,
  metadata: undefined,
  filename,
  mediaType,
});

const agentMessage = (text: string): Message => ({
  messageId: crypto.randomUUID(),
  contextId: '',
  taskId: '',
  role: Role.ROLE_AGENT,
  parts: [part({ $case: 'text', value: text }, 'text/plain')],
  metadata: undefined,
  extensions: [],
  referenceTaskIds: [],
});

const textOf = (message: Message) =>
  message.parts.map((item) => (item.content?.$case === 'text' ? item.content.value : '')).join('');

const tooltask = createA2AExecutor(
  tasks,
  async ({ message, progress, ask }) => {
    switch (textOf(message)) {
      case 'bytes':
        return [
          part({ $case: 'text', value: 'a file follows' }, 'text/plain'),
          part({ $case: 'raw', value: Buffer.from(BYTES) }, 'application/octet-stream', 'bytes.bin'),
        ];
      case 'steps':
        progress(0.5, 'half');
        return 'done';
      case 'ask': {
        progress(0.2, 'looking');
        const answer = await ask<Message>({ message: 'Which city?' });
        progress(0.8);
        return `trip to ${textOf(answer)}`;
      }
      case 'wait':
        await ask({ message: 'Go on?' });
        return 'went on';
      case 'reply':
        return agentMessage('hello back');
      case 'reply-late':
        progress(0.5, 'thinking');
        return agentMessage('final word');
      default:
        return `unknown ${textOf(message)}`;
    }
  },
  { messageReplies: true },
);

/** Tasks made the SDK's way: events on the bus, which the SDK's result manager saves to the store. */
const sdkWay: AgentExecutor = {
  execute: async (request, bus) => {
    const { taskId, contextId } = request;
    const status = (state: TaskState) => ({ state, message: undefined, timestamp: new Date().toISOString() });
    bus.publish(
      AgentEvent.task({
        id: taskId,
        contextId,
        status: status(TaskState.TASK_STATE_WORKING),
        artifacts: [],
        history: [request.userMessage],
        metadata: {},
      }),
    );
    if (textOf(request.userMessage) === 'sdk-bytes') {
      const file = part({ $case: 'raw', value: Buffer.from(BYTES) }, 'application/octet-stream', 'bytes.bin');
      bus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: { artifactId: 'file', name: 'file', description: '', parts: [file], metadata: {}, extensions: [] },
          append: false,
          lastChunk: true,
          metadata: undefined,
        }),
      );
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: status(TaskState.TASK_STATE_COMPLETED),
          metadata: undefined,
        }),
      );
    }
  },
  cancelTask: async () => {},
};

const executor: AgentExecutor = {
  execute: (request, bus) =>
    request.task === undefined && ['abandon', 'sdk-bytes'].includes(textOf(request.userMessage))
      ? sdkWay.execute(request, bus)
      : tooltask.execute(request, bus),
  cancelTask: (taskId, bus) => tooltask.cancelTask(taskId, bus),
};

const app = express();
const server = app.listen(0, '127.0.0.1');
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const card = createAgentCard({ name: 'wire', description: 'tooltask over the wire', url: `${url}/a2a/jsonrpc` });
card.supportedInterfaces.push({
  url: `${url}/a2a/rest`,
  protocolBinding: 'HTTP+JSON',
  tenant: '',
  protocolVersion: card.supportedInterfaces[0]?.protocolVersion ?? '',
});
const handler = new DefaultRequestHandler(card, new A2ATaskStore(tasks), executor, createA2AEventBusManager(tasks));
app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: handler }));
app.use('/a2a/jsonrpc', jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
app.use('/a2a/rest', restHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
console.log(`listening ${url}`);
