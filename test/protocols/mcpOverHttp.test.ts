import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  type Progress,
  RELATED_TASK_META_KEY,
  TaskStatusNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The test server (test/protocols/mcpHttpServer.ts) in a child process; answers its URL. */
async function serverProcess(...args: string[]): Promise<string> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'test/protocols/mcpHttpServer.ts', ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  cleanups.push(() => {
    child.kill('SIGKILL');
  });
  const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
  const { url } = await new Promise<{ url: string }>((resolve) =>
    lines.once('line', (line) => resolve(JSON.parse(line))),
  );
  return url;
}

/** An SDK v1 client over Streamable HTTP; resolves once its standalone GET stream is open. */
async function connect(url: string): Promise<Client> {
  let opened = () => {};
  const listening = new Promise<void>((resolve) => {
    opened = resolve;
  });
  const fetchSpy: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if ((init?.method ?? 'GET') === 'GET' && response.ok) opened();
    return response;
  };
  const client = new Client({ name: 'over-http', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: fetchSpy }));
  cleanups.push(() => client.close());
  await listening;
  // The client makes a call a task only for a tool it knows needs one.
  await client.listTools();
  return client;
}

describe('McpTaskStore over Streamable HTTP, with the client in another process', () => {
  it('delivers every progress and the final tasks/status after CreateTaskResult returned, on the session stream', async () => {
    const client = await connect(await serverProcess());
    const statuses: unknown[] = [];
    client.setNotificationHandler(TaskStatusNotificationSchema, (notification) => {
      statuses.push(notification.params);
    });
    const progress: Progress[] = [];
    const stream = client.experimental.tasks.callToolStream(
      { name: 'steps', arguments: { steps: 5 } },
      CallToolResultSchema,
      { onprogress: (p) => progress.push(p) },
    );
    let taskId = '';
    for await (const message of stream) {
      if (message.type === 'taskCreated') taskId = message.task.taskId;
      if (message.type === 'error') throw message.error;
    }
    await expect.poll(() => statuses.length).toBe(1);
    expect(progress.map((p) => [p.progress, p.total, p.message])).toEqual(
      [1, 2, 3, 4, 5].map((step) => [step / 5, 1, `step ${step} of 5`]),
    );
    expect(statuses[0]).toMatchObject({ taskId, status: 'completed', _meta: { [RELATED_TASK_META_KEY]: { taskId } } });
    // Over the wire too, an error says its code once.
    const error = await client.experimental.tasks.listTasks('not-a-cursor').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: -32602 });
    expect(String((error as Error).message).match(/MCP error/g)).toHaveLength(1);
  }, 30_000);

  it('with a taskMessageQueue, delivers them on the tasks/result stream, the spec’s way', async () => {
    const client = await connect(await serverProcess('queue'));
    const statuses: unknown[] = [];
    client.setNotificationHandler(TaskStatusNotificationSchema, (notification) => {
      statuses.push(notification.params);
    });
    const progress: Progress[] = [];
    const { task } = await client.request(
      { method: 'tools/call', params: { name: 'steps', arguments: { steps: 3 } } },
      CreateTaskResultSchema,
      { task: {}, onprogress: (p) => progress.push(p) },
    );
    const result = await client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    expect(result.content).toEqual([{ type: 'text', text: 'did 3 steps' }]);
    await expect.poll(() => statuses.length).toBe(1);
    expect(progress.map((p) => p.message)).toEqual(['step 1 of 3', 'step 2 of 3', 'step 3 of 3']);
  }, 30_000);
});
