// An A2A agent (JSON-RPC over HTTP on an ephemeral port) whose work runs as tooltask tasks, and a
// client that streams one task to the end and cancels another: the work's AbortSignal fires.
// Run: npx tsx examples/a2a-agent.ts
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AGENT_CARD_PATH, Role, type SendMessageRequest, TaskState } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { DefaultRequestHandler } from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import express from 'express';
import { createTaskManager } from '../src/index.js';
import { A2ATaskStore, createA2AExecutor, createAgentCard } from '../src/protocols/a2a.js';

const tasks = createTaskManager();
const executor = createA2AExecutor(tasks, async ({ id, signal, progress }) => {
  signal.addEventListener('abort', () => console.log(`  [work ${id.slice(0, 8)}] aborted: ${signal.reason.message}`));
  for (let step = 1; step <= 3; step++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    signal.throwIfAborted();
    progress(step / 3, `step ${step} of 3`);
  }
  return 'all three steps done';
});

const app = express();
const server = app.listen(0, '127.0.0.1');
await new Promise<void>((resolve) => server.once('listening', () => resolve()));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const card = createAgentCard({ name: 'tooltask-agent', description: 'Runs three steps', url: `${url}/a2a/jsonrpc` });
const handler = new DefaultRequestHandler(card, new A2ATaskStore(tasks), executor);
app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: handler }));
app.use('/a2a/jsonrpc', jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));

const client = await new ClientFactory().createFromUrl(url);
const request = (text: string): SendMessageRequest => ({
  tenant: '',
  metadata: undefined,
  configuration: undefined,
  message: {
    messageId: randomUUID(),
    contextId: '',
    taskId: '',
    role: Role.ROLE_USER,
    parts: [{ content: { $case: 'text', value: text }, metadata: undefined, filename: '', mediaType: 'text/plain' }],
    metadata: undefined,
    extensions: [],
    referenceTaskIds: [],
  },
});

console.log('1. SendStreamingMessage to the end');
for await (const event of client.sendMessageStream(request('go'))) {
  const payload = event.payload;
  if (payload?.$case === 'task')
    console.log(`  task ${payload.value.id.slice(0, 8)} ${TaskState[payload.value.status?.state ?? 0]}`);
  if (payload?.$case === 'statusUpdate') {
    const part = payload.value.status?.message?.parts[0]?.content;
    console.log(`  status ${TaskState[payload.value.status?.state ?? 0]} ${part?.$case === 'text' ? part.value : ''}`);
  }
  if (payload?.$case === 'artifactUpdate') {
    const part = payload.value.artifact?.parts[0]?.content;
    console.log(`  artifact ${part?.$case === 'text' ? part.value : ''}`);
  }
}

console.log('2. CancelTask mid-way');
const stream = client.sendMessageStream(request('go'));
const first = await stream.next();
const id = !first.done && first.value.payload?.$case === 'task' ? first.value.payload.value.id : '';
await new Promise((resolve) => setTimeout(resolve, 60));
const cancelled = await client.cancelTask({ tenant: '', id, metadata: undefined });
for await (const _ of stream) {
  // drain to the CANCELED update, which ends the stream
}
console.log(
  `  CancelTask -> ${TaskState[cancelled.status?.state ?? 0]}; tooltask state: ${(await tasks.get(id)).state}`,
);

server.closeAllConnections();
await new Promise<void>((resolve) => server.close(() => resolve()));
await tasks.dispose();
