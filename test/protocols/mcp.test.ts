import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTaskMessageQueue } from '@modelcontextprotocol/sdk/experimental/tasks';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  ElicitRequestSchema,
  ErrorCode,
  McpError,
  type Progress,
  RELATED_TASK_META_KEY,
  TaskSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import * as z from 'zod';
import { createTaskManager, type TaskManager } from '../../src/index.js';
import {
  McpTaskStore,
  type McpTaskStoreOptions,
  registerTaskTool,
  serveTaskResults,
  toMcpStatus,
  toMcpTask,
} from '../../src/protocols/mcp.js';

const CAPABILITIES = { tools: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } };

interface Harness {
  readonly tasks: TaskManager;
  readonly store: McpTaskStore;
  /** Every signal a `work` call got, by task id. */
  readonly signals: Map<string, AbortSignal>;
  /** Lets a `hold` call finish. */
  readonly release: Map<string, () => void>;
  connect(sessionId?: string, options?: { waitingResults?: boolean }): Promise<Client>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function harness(options: McpTaskStoreOptions = {}, tasks = createTaskManager()): Harness {
  const store = new McpTaskStore(tasks, { pollInterval: 10, ...options });
  const signals = new Map<string, AbortSignal>();
  const release = new Map<string, () => void>();
  cleanups.push(() => tasks.dispose());
  return {
    tasks,
    store,
    signals,
    release,
    async connect(sessionId, { waitingResults = false } = {}) {
      const server = new McpServer(
        { name: 'test', version: '1.0.0' },
        { capabilities: CAPABILITIES, taskStore: store },
      );
      if (waitingResults) serveTaskResults(server, store);
      registerTaskTool(
        server,
        store,
        'steps',
        { inputSchema: { steps: z.number().int().min(1) } },
        async ({ steps }, { id, signal, progress }) => {
          signals.set(id, signal);
          for (let step = 1; step <= steps; step++) {
            await new Promise<void>((resolve) => {
              release.set(id, resolve);
              if (steps > 1) setTimeout(resolve, 5);
            });
            signal.throwIfAborted();
            progress(step / steps, `step ${step} of ${steps}`);
          }
          return { content: [{ type: 'text', text: `did ${steps} steps` }] };
        },
      );
      registerTaskTool(server, store, 'hold', { inputSchema: {} }, async (_args, { id, signal }) => {
        signals.set(id, signal);
        await new Promise<void>((resolve, reject) => {
          release.set(id, resolve);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
        return { content: [{ type: 'text', text: 'released' }] };
      });
      registerTaskTool(server, store, 'boom', { inputSchema: {} }, () => {
        throw new Error('disk full');
      });
      registerTaskTool(server, store, 'tool-error', { inputSchema: {} }, () => ({
        content: [{ type: 'text', text: 'no such city' }],
        isError: true,
      }));
      registerTaskTool(server, store, 'instant', { inputSchema: { n: z.number() } }, ({ n }) => ({
        content: [{ type: 'text', text: `n=${n}` }],
      }));
      // The SDK's own way: extra.taskStore.createTask, then storeTaskResult from the background.
      server.experimental.tasks.registerToolTask(
        'manual',
        { inputSchema: { text: z.string() }, execution: { taskSupport: 'required' } },
        {
          createTask: async ({ text }, extra) => {
            const task = await extra.taskStore.createTask({ ttl: extra.taskRequestedTtl ?? null });
            setTimeout(() => {
              void extra.taskStore.storeTaskResult(task.taskId, 'completed', { content: [{ type: 'text', text }] });
            }, 5);
            return { task };
          },
          getTask: (_args, extra) => extra.taskStore.getTask(extra.taskId),
          getTaskResult: async (_args, extra) =>
            CallToolResultSchema.parse(await extra.taskStore.getTaskResult(extra.taskId)),
        },
      );
      const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
      if (sessionId !== undefined) serverTransport.sessionId = sessionId;
      const client = new Client({ name: 'test-client', version: '1.0.0' });
      await server.connect(serverTransport);
      await client.connect(clientTransport);
      cleanups.push(async () => {
        await client.close();
        await server.close();
      });
      return client;
    },
  };
}

function callAsTask(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  options: { ttl?: number; onprogress?: (progress: Progress) => void } = {},
) {
  return client.request({ method: 'tools/call', params: { name, arguments: args } }, CreateTaskResultSchema, {
    task: options.ttl === undefined ? {} : { ttl: options.ttl },
    ...(options.onprogress === undefined ? {} : { onprogress: options.onprogress }),
  });
}

/** Connects `client` to `server` in process; both close after the test. */
async function link(server: McpServer, client: Client): Promise<void> {
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
}

async function mcpErrorOf(promise: Promise<unknown>): Promise<McpError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(McpError);
  return error as McpError;
}

describe('mapping', () => {
  it('maps every tooltask state to the MCP status the spec names', () => {
    expect(['pending', 'running', 'complete', 'failed', 'cancelled'].map((s) => toMcpStatus(s as never))).toEqual([
      'working',
      'working',
      'completed',
      'failed',
      'cancelled',
    ]);
  });

  it('produces tasks the SDK schema accepts, with ISO times, ttl from creation and statusMessage', async () => {
    const clock = new SimulatedClock();
    const tasks = createTaskManager({ clock });
    cleanups.push(() => tasks.dispose());
    await tasks.create('kept');
    await tasks.create('short', { ttl: 5000 });
    clock.increment(250);
    await tasks.fail('short', 'no space left');
    const kept = TaskSchema.parse(toMcpTask(await tasks.get('kept'), { pollInterval: 250 }));
    const short = TaskSchema.parse(toMcpTask(await tasks.get('short')));
    expect(kept).toMatchObject({ taskId: 'kept', status: 'working', ttl: null, pollInterval: 250 });
    expect(new Date(kept.createdAt).toISOString()).toBe(kept.createdAt);
    expect(short).toMatchObject({ status: 'failed', ttl: 5250, statusMessage: 'no space left' });
  });
});

describe('McpTaskStore with the real MCP client and server', () => {
  it('runs a tool as a task: create, poll tasks/get, progress notifications, tasks/result', async () => {
    const { connect } = harness();
    const client = await connect();
    const progress: Progress[] = [];
    const created = await callAsTask(
      client,
      'steps',
      { steps: 4 },
      { ttl: 60_000, onprogress: (p) => progress.push(p) },
    );
    expect(created.task).toMatchObject({ status: 'working', ttl: 60_000, pollInterval: 10 });

    const polled = await client.experimental.tasks.getTask(created.task.taskId);
    expect(['working', 'completed']).toContain(polled.status);

    const result = await client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
    expect(result.content).toEqual([{ type: 'text', text: 'did 4 steps' }]);
    const done = await client.experimental.tasks.getTask(created.task.taskId);
    expect(done.status).toBe('completed');

    await expect.poll(() => progress.length).toBe(4);
    expect(progress.map((p) => p.progress)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(progress.every((p) => p.total === 1)).toBe(true);
    expect(progress.map((p) => p.message)).toEqual(['step 1 of 4', 'step 2 of 4', 'step 3 of 4', 'step 4 of 4']);
  });

  it('streams a task to its result with callToolStream', async () => {
    const { connect } = harness();
    const client = await connect();
    // The client learns which tools need task augmentation from tools/list.
    await client.listTools();
    const kinds: string[] = [];
    let text: unknown;
    for await (const message of client.experimental.tasks.callToolStream(
      { name: 'steps', arguments: { steps: 2 } },
      CallToolResultSchema,
    )) {
      kinds.push(message.type);
      if (message.type === 'result') text = message.result.content[0];
    }
    expect(kinds[0]).toBe('taskCreated');
    expect(kinds.at(-1)).toBe('result');
    expect(text).toEqual({ type: 'text', text: 'did 2 steps' });
  });

  it('answers tasks/result from manager.wait() once serveTaskResults is installed, without store polling', async () => {
    const { connect, store, release } = harness({ pollInterval: 60_000 });
    const client = await connect(undefined, { waitingResults: true });
    const created = await callAsTask(client, 'hold', {});
    const pending = client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
    await expect.poll(() => release.has(created.task.taskId)).toBe(true);
    const started = Date.now();
    release.get(created.task.taskId)?.();
    const result = await pending;
    // With the SDK's own loop the answer would wait for the 60 s pollInterval.
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.content).toEqual([{ type: 'text', text: 'released' }]);
    expect(result._meta?.['io.modelcontextprotocol/related-task']).toEqual({ taskId: created.task.taskId });
    expect((await store.getTask(created.task.taskId))?.status).toBe('completed');
  });

  it('tasks/cancel aborts the work signal, and the task stays cancelled', async () => {
    const { connect, signals, store } = harness();
    const client = await connect();
    const created = await callAsTask(client, 'hold', {});
    const id = created.task.taskId;
    await expect.poll(() => signals.has(id)).toBe(true);
    const waiting = client.experimental.tasks.getTaskResult(id, CallToolResultSchema);

    const cancelled = await client.experimental.tasks.cancelTask(id);
    expect(cancelled.status).toBe('cancelled');
    expect(signals.get(id)?.aborted).toBe(true);
    expect(signals.get(id)?.reason).toMatchObject({ name: 'TaskCancelledError' });

    const noResult = await mcpErrorOf(waiting);
    expect(noResult.code).toBe(ErrorCode.InvalidParams);
    const again = await mcpErrorOf(client.experimental.tasks.cancelTask(id));
    expect(again.code).toBe(ErrorCode.InvalidParams);
    await expect(store.storeTaskResult(id, 'completed', { content: [] })).rejects.toMatchObject({
      code: ErrorCode.InvalidParams,
    });
    expect((await client.experimental.tasks.getTask(id)).status).toBe('cancelled');
  });

  it('refuses to cancel a completed task with -32602 and an unknown one likewise', async () => {
    const { connect } = harness();
    const client = await connect();
    const created = await callAsTask(client, 'instant', { n: 1 });
    await client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
    const finished = await mcpErrorOf(client.experimental.tasks.cancelTask(created.task.taskId));
    expect(finished.code).toBe(-32602);
    expect(finished.message).toContain('completed');
    const unknown = await mcpErrorOf(client.experimental.tasks.cancelTask('no-such-task'));
    expect(unknown.code).toBe(-32602);
  });

  it('reports a throwing work as a failed task with an isError result', async () => {
    const { connect } = harness();
    const client = await connect();
    const created = await callAsTask(client, 'boom', {});
    const result = await client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
    expect(result).toMatchObject({ isError: true, content: [{ type: 'text', text: 'disk full' }] });
    const task = await client.experimental.tasks.getTask(created.task.taskId);
    expect(task).toMatchObject({ status: 'failed', statusMessage: 'disk full' });
  });

  it('serves tasks the SDK way (extra.taskStore.createTask + storeTaskResult) from tooltask', async () => {
    const { connect, tasks } = harness();
    const client = await connect();
    const created = await callAsTask(client, 'manual', { text: 'hello' });
    const result = await client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
    expect(result.content).toEqual([{ type: 'text', text: 'hello' }]);
    expect((await tasks.get(created.task.taskId)).state).toBe('complete');
  });

  it('pages tasks/list through 1,000 tasks, each once, in creation order', async () => {
    const { connect } = harness({ pageSize: 100 });
    const client = await connect();
    const ids: string[] = [];
    for (let n = 0; n < 1000; n++) ids.push((await callAsTask(client, 'instant', { n })).task.taskId);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.experimental.tasks.listTasks(cursor);
      pages++;
      expect(page.tasks.length).toBeLessThanOrEqual(100);
      seen.push(...page.tasks.map((task) => task.taskId));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(seen).toEqual(ids);
    expect(pages).toBe(10);
    const bad = await mcpErrorOf(client.experimental.tasks.listTasks('not-a-cursor'));
    expect(bad.code).toBe(ErrorCode.InvalidParams);
  });

  it('keeps each session to its own tasks: no reading, listing, awaiting or cancelling another', async () => {
    const { connect, signals } = harness();
    const alice = await connect('alice');
    const bob = await connect('bob');
    const created = await callAsTask(alice, 'hold', {});
    const id = created.task.taskId;
    await callAsTask(bob, 'instant', { n: 1 });

    expect((await mcpErrorOf(bob.experimental.tasks.getTask(id))).code).toBe(ErrorCode.InvalidParams);
    expect((await mcpErrorOf(bob.experimental.tasks.cancelTask(id))).code).toBe(ErrorCode.InvalidParams);
    expect((await mcpErrorOf(bob.experimental.tasks.getTaskResult(id, CallToolResultSchema))).code).toBe(
      ErrorCode.InvalidParams,
    );
    const bobs = await bob.experimental.tasks.listTasks();
    expect(bobs.tasks.map((task) => task.taskId)).not.toContain(id);
    expect(bobs.tasks).toHaveLength(1);
    const alices = await alice.experimental.tasks.listTasks();
    expect(alices.tasks.map((task) => task.taskId)).toEqual([id]);

    await expect.poll(() => signals.has(id)).toBe(true);
    expect(signals.get(id)?.aborted).toBe(false);
    expect((await alice.experimental.tasks.getTask(id)).status).toBe('working');
  });

  it('never evicts a working task, and reports its ttl from creation as 2025-11-25 defines it', async () => {
    const clock = new SimulatedClock();
    clock.set(Date.parse('2025-11-25T00:00:00Z'));
    const { connect, release } = harness({}, createTaskManager({ clock }));
    const client = await connect();
    const created = await callAsTask(client, 'hold', {}, { ttl: 1000 });
    expect(created.task.ttl).toBe(1000);
    const id = created.task.taskId;
    await expect.poll(() => release.has(id)).toBe(true);

    clock.increment(10_000);
    expect((await client.experimental.tasks.getTask(id)).status).toBe('working');

    release.get(id)?.();
    await client.experimental.tasks.getTaskResult(id, CallToolResultSchema);
    // Ended 10 s after creation and kept 1 s more: readable until createdAt + ttl, not a moment less.
    const ended = await client.experimental.tasks.getTask(id);
    expect(ended).toMatchObject({ status: 'completed', ttl: 11_000 });
    clock.increment(999);
    expect((await client.experimental.tasks.getTask(id)).status).toBe('completed');
    clock.increment(1);
    expect((await mcpErrorOf(client.experimental.tasks.getTask(id))).code).toBe(ErrorCode.InvalidParams);
  });

  it('caps the ttl a client asks for at maxTtl', async () => {
    const { connect } = harness({ maxTtl: 5000 });
    const client = await connect();
    expect((await callAsTask(client, 'instant', { n: 1 }, { ttl: 60_000 })).task.ttl).toBe(5000);
    expect((await callAsTask(client, 'instant', { n: 2 })).task.ttl).toBe(5000);
  });

  it('shows input_required while a request waits on the client, and working again after', async () => {
    const { store, tasks } = harness();
    const task = await store.createTask({}, 1, { method: 'tools/call' });
    await store.updateTaskStatus(task.taskId, 'input_required');
    expect((await store.getTask(task.taskId))?.status).toBe('input_required');
    await store.updateTaskStatus(task.taskId, 'working', 'answered');
    expect(await store.getTask(task.taskId)).toMatchObject({ status: 'working', statusMessage: 'answered' });
    expect((await tasks.get(task.taskId)).state).toBe('running');
  });

  it('fails the task of a tool that returns isError (2025-11-25), and tasks/result answers that result', async () => {
    const { connect, tasks } = harness();
    const client = await connect();
    const created = await callAsTask(client, 'tool-error', {});
    const result = await client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
    expect(result).toMatchObject({ content: [{ type: 'text', text: 'no such city' }], isError: true });
    expect(await client.experimental.tasks.getTask(created.task.taskId)).toMatchObject({ status: 'failed' });
    expect((await tasks.get(created.task.taskId)).state).toBe('failed');
  });

  it.each([
    ['an empty id', ''],
    ['an id over 256 characters', 'x'.repeat(300)],
    ['an unknown id', 'nope'],
  ])('answers -32602 for %s on tasks/get, tasks/result and tasks/cancel', async (_name, id) => {
    const { connect } = harness();
    const client = await connect();
    expect((await mcpErrorOf(client.experimental.tasks.getTask(id))).code).toBe(ErrorCode.InvalidParams);
    expect((await mcpErrorOf(client.experimental.tasks.getTaskResult(id, CallToolResultSchema))).code).toBe(
      ErrorCode.InvalidParams,
    );
    expect((await mcpErrorOf(client.experimental.tasks.cancelTask(id))).code).toBe(ErrorCode.InvalidParams);
  });

  it('marks every progress and status notification of a task with its related-task _meta', async () => {
    const { connect } = harness();
    const client = await connect();
    const statuses: { params?: { _meta?: Record<string, unknown> | undefined } | undefined }[] = [];
    client.fallbackNotificationHandler = async (notification) => {
      if (notification.method === 'notifications/tasks/status') statuses.push(notification);
    };
    const progress: (Progress & { _meta?: Record<string, unknown> })[] = [];
    const created = await callAsTask(client, 'steps', { steps: 2 }, { onprogress: (p) => progress.push(p) });
    await client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
    await expect.poll(() => statuses.length).toBe(1);
    await expect.poll(() => progress.length).toBe(2);
    const related = { taskId: created.task.taskId };
    for (const p of progress) expect(p._meta?.[RELATED_TASK_META_KEY]).toEqual(related);
    expect(statuses[0]?.params?._meta?.[RELATED_TASK_META_KEY]).toEqual(related);
  });

  it('gives tasks/list cursors that are opaque and refused in another session', async () => {
    const { connect } = harness({ pageSize: 2 });
    const alice = await connect('alice');
    const bob = await connect('bob');
    for (let n = 0; n < 3; n++) await callAsTask(alice, 'instant', { n });
    const first = await alice.experimental.tasks.listTasks();
    const cursor = first.nextCursor ?? '';
    expect(cursor).not.toMatch(/^c[0-9a-z]+$/);
    expect((await alice.experimental.tasks.listTasks(cursor)).tasks).toHaveLength(1);
    expect((await mcpErrorOf(bob.experimental.tasks.listTasks(cursor))).code).toBe(ErrorCode.InvalidParams);
    const tampered = `${cursor.slice(0, -2)}${cursor.endsWith('A') ? 'B' : 'A'}A`;
    expect((await mcpErrorOf(alice.experimental.tasks.listTasks(tampered))).code).toBe(ErrorCode.InvalidParams);
  });

  it('keeps a task one hour after its end by default when the client asks for no ttl', async () => {
    const { connect } = harness();
    const client = await connect();
    expect((await callAsTask(client, 'instant', { n: 1 })).task.ttl).toBe(3_600_000);
    expect(new McpTaskStore(createTaskManager(), { defaultTtl: null })).toBeInstanceOf(McpTaskStore);
  });

  it("delivers a work's ask() through tasks/result when the server has a taskMessageQueue", async () => {
    const tasks = createTaskManager();
    cleanups.push(() => tasks.dispose());
    const store = new McpTaskStore(tasks, { pollInterval: 10 });
    const server = new McpServer(
      { name: 'test', version: '1.0.0' },
      { capabilities: CAPABILITIES, taskStore: store, taskMessageQueue: new InMemoryTaskMessageQueue() },
    );
    registerTaskTool(server, store, 'greet', { inputSchema: {} }, async (_args, { ask }) => {
      const answer = await ask<{ content?: { name?: string } }>({
        request: {
          method: 'elicitation/create',
          params: { message: 'name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } },
        },
      });
      return { content: [{ type: 'text', text: `Hello, ${answer.content?.name}!` }] };
    });
    const client = new Client(
      { name: 'test-client', version: '1.0.0' },
      { capabilities: { elicitation: { form: {} } } },
    );
    const asked: unknown[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(request.params);
      return { action: 'accept', content: { name: 'Luca' } };
    });
    await link(server, client);
    const { task } = await callAsTask(client, 'greet', {});
    await expect.poll(async () => (await client.experimental.tasks.getTask(task.taskId)).status).toBe('input_required');
    const result = await client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    expect(result.content).toEqual([{ type: 'text', text: 'Hello, Luca!' }]);
    expect(asked).toEqual([
      expect.objectContaining({ message: 'name?', _meta: { [RELATED_TASK_META_KEY]: { taskId: task.taskId } } }),
    ]);
  });

  it('says each error once: "MCP error -32602: …", never the prefix twice', async () => {
    const { connect, release } = harness();
    const client = await connect();
    const badCursor = await mcpErrorOf(client.experimental.tasks.listTasks('not-a-cursor'));
    expect(badCursor.code).toBe(ErrorCode.InvalidParams);
    expect(badCursor.message.match(/MCP error/g)).toHaveLength(1);
    expect(badCursor.message).toContain('Expected a `cursor` from a previous tasks/list of this session');
    const created = await callAsTask(client, 'hold', {});
    await expect.poll(() => release.has(created.task.taskId)).toBe(true);
    await client.experimental.tasks.cancelTask(created.task.taskId);
    const cancelled = await mcpErrorOf(
      client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema),
    );
    expect(cancelled.code).toBe(ErrorCode.InvalidParams);
    expect(cancelled.message).toMatch(/^MCP error -32602: Expected task `[^`]+` to have completed or failed/);
    expect(cancelled.message.match(/MCP error/g)).toHaveLength(1);
  });

  it('fails a store.run() task whose work returns isError, as tools/call does (2025-11-25)', async () => {
    const { store, tasks } = harness();
    const toolError = { content: [{ type: 'text' as const, text: 'no such city' }], isError: true };
    const task = await store.run(async () => toolError);
    const done = await tasks.wait(task.taskId);
    expect(done.state).toBe('failed');
    expect(await store.getTask(task.taskId)).toMatchObject({ status: 'failed', statusMessage: expect.any(String) });
    expect(await store.getTaskResult(task.taskId)).toEqual(toolError);
  });

  it('puts tooltask’s error code in the data of tasks/result’s error when tooltask failed the task', async () => {
    const tasks = createTaskManager();
    cleanups.push(() => tasks.dispose());
    const store = new McpTaskStore(tasks, { pollInterval: 10 });
    const server = new McpServer({ name: 'test', version: '1.0.0' }, { capabilities: CAPABILITIES, taskStore: store });
    registerTaskTool(server, store, 'slow', { inputSchema: {}, timeout: 5 }, async (_args, { signal }) => {
      await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
      return { content: [] };
    });
    const client = new Client({ name: 'test-client', version: '1.0.0' });
    await link(server, client);
    const { task } = await callAsTask(client, 'slow', {});
    const error = await mcpErrorOf(client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema));
    expect(error.code).toBe(ErrorCode.InternalError);
    expect(error.data).toEqual({ code: 'TASK_TIMEOUT' });
    expect(await client.experimental.tasks.getTask(task.taskId)).toMatchObject({ status: 'failed' });
  });

  it('stores and returns an elicitation task’s ElicitResult as it came (a client-side McpTaskStore)', async () => {
    const tasks = createTaskManager();
    cleanups.push(() => tasks.dispose());
    const clientStore = new McpTaskStore(tasks, { pollInterval: 10 });
    const server = new McpServer({ name: 'test', version: '1.0.0' }, { capabilities: CAPABILITIES });
    const client = new Client(
      { name: 'test-client', version: '1.0.0' },
      {
        capabilities: { elicitation: { form: {} }, tasks: { requests: { elicitation: { create: {} } } } },
        taskStore: clientStore,
      },
    );
    const answer = { action: 'accept' as const, content: { name: 'Ada' } };
    client.setRequestHandler(ElicitRequestSchema, async (request, extra) => {
      if (request.params.task === undefined || extra.taskStore === undefined) return answer;
      const task = await extra.taskStore.createTask({ ttl: request.params.task.ttl ?? null });
      setTimeout(() => void extra.taskStore?.storeTaskResult(task.taskId, 'completed', answer), 5);
      return { task };
    });
    await link(server, client);
    const messages = [];
    for await (const message of server.server.experimental.tasks.elicitInputStream(
      { mode: 'form', message: 'name?', requestedSchema: { type: 'object', properties: { name: { type: 'string' } } } },
      { task: { ttl: 60_000 } },
    )) {
      messages.push(message);
    }
    expect(messages.at(-1)).toEqual({ type: 'result', result: expect.objectContaining(answer) });
    const [stored] = await tasks.list();
    expect(stored?.result).toEqual(answer);
  });
});
