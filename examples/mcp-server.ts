// An MCP server whose tool runs as a tooltask task, and a client that watches one task finish and
// cancels another: the cancelled work's AbortSignal fires. Run: npx tsx examples/mcp-server.ts
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolResultSchema, CreateTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { createTaskManager } from '../src/index.js';
import { McpTaskStore, registerTaskTool, serveTaskResults } from '../src/protocols/mcp.js';

const tasks = createTaskManager();
const taskStore = new McpTaskStore(tasks, { pollInterval: 50 });
const server = new McpServer(
  { name: 'tooltask-example', version: '1.0.0' },
  { capabilities: { tools: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } }, taskStore },
);
serveTaskResults(server, taskStore);

registerTaskTool(
  server,
  taskStore,
  'count',
  { description: 'Counts slowly to `to`', inputSchema: { to: z.number().int().min(1) } },
  async ({ to }, { id, signal, progress }) => {
    signal.addEventListener('abort', () => console.log(`  [work ${id.slice(0, 8)}] aborted: ${signal.reason.message}`));
    for (let i = 1; i <= to; i++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      signal.throwIfAborted();
      progress(i / to, `counted ${i} of ${to}`);
    }
    return { content: [{ type: 'text', text: `counted to ${to}` }] };
  },
);

const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
const client = new Client({ name: 'example-client', version: '1.0.0' });
await server.connect(serverTransport);
await client.connect(clientTransport);
await client.listTools();

console.log('1. a task that finishes, with progress');
for await (const message of client.experimental.tasks.callToolStream(
  { name: 'count', arguments: { to: 3 } },
  CallToolResultSchema,
  { onprogress: ({ progress, total, message: text }) => console.log(`  progress ${progress}/${total} ${text}`) },
)) {
  if (message.type === 'taskCreated') console.log(`  created ${message.task.taskId.slice(0, 8)}`);
  if (message.type === 'result') console.log(`  result: ${JSON.stringify(message.result.content)}`);
}

console.log('2. a task cancelled mid-way');
const { task } = await client.request(
  { method: 'tools/call', params: { name: 'count', arguments: { to: 100 } } },
  CreateTaskResultSchema,
  { task: { ttl: 60_000 } },
);
await new Promise((resolve) => setTimeout(resolve, 100));
const cancelled = await client.experimental.tasks.cancelTask(task.taskId);
console.log(`  tasks/cancel -> ${cancelled.status}; tooltask state: ${(await tasks.get(task.taskId)).state}`);

console.log('3. tasks/list');
const { tasks: listed } = await client.experimental.tasks.listTasks();
for (const one of listed) console.log(`  ${one.taskId.slice(0, 8)} ${one.status} ${one.statusMessage ?? ''}`);

await client.close();
await server.close();
await tasks.dispose();
