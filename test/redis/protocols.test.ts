import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolResultSchema, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createTaskManager } from '../../src/index.js';
import { McpTaskStore } from '../../src/protocols/mcp.js';
import { redisStore } from '../../src/redis/index.js';
import { createTools, type Endpoint, inProcess, overHttp, rpc, type Tools } from '../protocols/mcpTasksHarness.js';
import { freshNamespace, until } from './fixtures.js';
import { hasRedis, type RedisServer, startRedis } from './server.js';

/**
 * The stateless MCP protocol sends consecutive requests of one client to any instance: two MCP
 * servers on one Redis namespace must answer for each other's tasks.
 */
describe.skipIf(!hasRedis())('MCP Tasks across two server instances on one Redis', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function instances(): Promise<Array<{ tools: Tools; endpoint: Endpoint }>> {
    const redis: RedisServer = await startRedis();
    cleanup.push(() => redis.close());
    const namespace = freshNamespace();
    const made = [];
    for (let index = 0; index < 2; index++) {
      const store = redisStore({ url: redis.url, namespace, lease: 2000 });
      const tasks = createTaskManager({ store });
      cleanup.push(() => tasks.dispose());
      await store.cluster.start();
      const tools = createTools({}, tasks);
      const endpoint = await overHttp(tools);
      cleanup.push(() => endpoint.close());
      made.push({ tools, endpoint });
    }
    return made;
  }

  it('a task made by tools/call on A is read, answered and cancelled through B; the cancel aborts A’s work', async () => {
    const [a, b] = (await instances()) as [{ tools: Tools; endpoint: Endpoint }, { tools: Tools; endpoint: Endpoint }];
    const onA = a.endpoint.fetchAs('ada');
    const onB = b.endpoint.fetchAs('ada');
    const created = await rpc(onA, a.endpoint.url, 'tools/call', { name: 'hold', arguments: {} });
    expect(created.result).toMatchObject({ resultType: 'task', status: 'working' });
    const taskId = (created.result as { taskId: string }).taskId;
    // Durable before the handle was returned: B reads it at once.
    const got = await rpc(onB, b.endpoint.url, 'tasks/get', { taskId });
    expect(got.result).toMatchObject({ taskId, status: 'working' });
    // Another principal sees nothing, on either instance.
    expect((await rpc(b.endpoint.fetchAs('eve'), b.endpoint.url, 'tasks/get', { taskId })).error?.code).toBe(-32602);
    const cancelled = await rpc(onB, b.endpoint.url, 'tasks/cancel', { taskId });
    expect(cancelled.error).toBeUndefined();
    await until(() => a.tools.signals.get(taskId)?.aborted === true);
    await until(async () => (await rpc(onB, b.endpoint.url, 'tasks/get', { taskId })).result?.status === 'cancelled');
  }, 30_000);

  it('an elicitation asked by A’s work is answered by tasks/update on B, and the result read on B', async () => {
    const [a, b] = (await instances()) as [{ tools: Tools; endpoint: Endpoint }, { tools: Tools; endpoint: Endpoint }];
    const onA = a.endpoint.fetchAs('ada');
    const onB = b.endpoint.fetchAs('ada');
    const created = await rpc(onA, a.endpoint.url, 'tools/call', { name: 'greet', arguments: { questions: 1 } });
    const taskId = (created.result as { taskId: string }).taskId;
    let waiting: Record<string, unknown> | undefined;
    await until(async () => {
      waiting = (await rpc(onB, b.endpoint.url, 'tasks/get', { taskId })).result;
      return waiting?.status === 'input_required';
    });
    const keys = Object.keys((waiting as { inputRequests: Record<string, unknown> }).inputRequests);
    expect(keys).toHaveLength(1);
    const answer = { action: 'accept', content: { name: 'Ada' } };
    const updated = await rpc(onB, b.endpoint.url, 'tasks/update', {
      taskId,
      inputResponses: { [keys[0] as string]: answer },
    });
    expect(updated.error).toBeUndefined();
    let done: Record<string, unknown> | undefined;
    await until(async () => {
      done = (await rpc(onB, b.endpoint.url, 'tasks/get', { taskId })).result;
      return done?.status === 'completed';
    });
    expect(JSON.stringify(done)).toContain('Hello, Ada!');
  }, 30_000);

  it('says TASK_LOST in the error data of a task whose instance was killed, on both MCP revisions', async () => {
    const redis: RedisServer = await startRedis();
    cleanup.push(() => redis.close());
    const namespace = freshNamespace();
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/redis/mcpOwner.ts', redis.url, namespace, '1000'],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    cleanup.push(() => {
      child.kill('SIGKILL');
    });
    const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
    const owner = await new Promise<{ url: string; v1: string }>((resolve) =>
      lines.once('line', (line) => resolve(JSON.parse(line))),
    );
    const created = await rpc(
      (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...Object.fromEntries(new Headers(init?.headers)), authorization: 'Bearer ada' },
        }),
      owner.url,
      'tools/call',
      { name: 'hold', arguments: {} },
    );
    const v2 = (created.result as { taskId: string }).taskId;

    const store = redisStore({ url: redis.url, namespace, lease: 1000 });
    const tasks = createTaskManager({ store });
    cleanup.push(() => tasks.dispose());
    await store.cluster.start();
    const survivor = inProcess(createTools({}, tasks));
    cleanup.push(() => survivor.close());
    child.kill('SIGKILL');
    await expect(tasks.wait(v2)).resolves.toMatchObject({ state: 'failed' });
    await expect(tasks.wait(owner.v1)).resolves.toMatchObject({ state: 'failed' });

    // The Tasks extension: tasks/get of the failed task.
    const got = await rpc(survivor.fetchAs('ada'), survivor.url, 'tasks/get', { taskId: v2 });
    expect(got.result).toMatchObject({ status: 'failed', error: { code: -32603, data: { code: 'TASK_LOST' } } });

    // 2025-11-25: tasks/result through the SDK client, in the session that made the task.
    const taskStore = new McpTaskStore(tasks);
    const server = new McpServer(
      { name: 'survivor', version: '1.0.0' },
      { capabilities: { tools: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } }, taskStore },
    );
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    serverTransport.sessionId = 's1';
    const client = new Client({ name: 'reader', version: '1.0.0' });
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    cleanup.push(() => client.close());
    expect(await client.experimental.tasks.getTask(owner.v1)).toMatchObject({ status: 'failed' });
    const error = await client.experimental.tasks
      .getTaskResult(owner.v1, CallToolResultSchema)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect(error).toMatchObject({ code: ErrorCode.InternalError, data: { code: 'TASK_LOST' } });
  }, 30_000);
});
