// A multi-turn A2A agent (JSON-RPC over HTTP on an ephemeral port): the work asks the client a
// question and awaits it; the task shows INPUT_REQUIRED and the first stream ends there. The client
// answers with a follow-up message on the same task; the work gets that message and completes.
// Run: npx tsx examples/a2a-multiturn.ts
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AGENT_CARD_PATH, type Part, Role, type SendMessageRequest, type StreamResponse, TaskState } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { DefaultRequestHandler } from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import express from 'express';
import { createTaskManager } from '../src/index.js';
import { A2ATaskStore, createA2AExecutor, createAgentCard } from '../src/protocols/a2a.js';

const textOf = (holder: { readonly parts: readonly Part[] } | undefined) =>
  holder?.parts.map((part) => (part.content?.$case === 'text' ? part.content.value : '')).join('') ?? '';

const tasks = createTaskManager();
const executor = createA2AExecutor(tasks, async ({ message, progress, ask }) => {
  progress(0.2, `planning: ${textOf(message)}`);
  // The task shows INPUT_REQUIRED with this question until the client's next message answers it.
  const answer = await ask({ message: 'Which city should the trip go to?' });
  const city = textOf(answer);
  progress(0.8, `booking ${city}`);
  return `Three days in ${city}, booked`;
});

const app = express();
const server = app.listen(0, '127.0.0.1');
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const card = createAgentCard({ name: 'trips', description: 'Plans trips, asks where to', url: `${url}/a2a/jsonrpc` });
const handler = new DefaultRequestHandler(card, new A2ATaskStore(tasks), executor);
app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: handler }));
app.use('/a2a/jsonrpc', jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));

const client = await new ClientFactory().createFromUrl(url);
const request = (text: string, taskId = ''): SendMessageRequest => ({
  tenant: '',
  metadata: undefined,
  configuration: undefined,
  message: {
    messageId: randomUUID(),
    contextId: '',
    taskId,
    role: Role.ROLE_USER,
    parts: [{ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' }],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  },
});

/** Prints a stream's events; answers the task's id. */
async function show(stream: AsyncGenerator<StreamResponse>): Promise<string> {
  let id = '';
  for await (const { payload } of stream) {
    if (payload?.$case === 'task') id = payload.value.id;
    if (payload?.$case === 'task' || payload?.$case === 'statusUpdate') {
      const { status } = payload.value;
      console.log(`  ${payload.$case} ${TaskState[status?.state ?? 0]} ${textOf(status?.message)}`);
    }
    if (payload?.$case === 'artifactUpdate') console.log(`  artifact ${textOf(payload.value.artifact)}`);
  }
  return id;
}

console.log('1. The client asks; the agent asks back (the stream ends at INPUT_REQUIRED)');
const id = await show(client.sendMessageStream(request('Plan me a weekend trip')));

console.log('2. The client answers with a follow-up message on the same task');
await show(client.sendMessageStream(request('Lisbon', id)));

const task = await client.getTask({ tenant: '', id });
console.log(`3. GetTask: ${TaskState[task.status?.state ?? 0]}, artifact "${textOf(task.artifacts[0])}"`);
console.log(
  `   user messages: ${task.history
    .filter((m) => m.role === Role.ROLE_USER)
    .map(textOf)
    .join(' / ')}`,
);

server.closeAllConnections();
await new Promise<void>((resolve) => server.close(() => resolve()));
await tasks.dispose();
