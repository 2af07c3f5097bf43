import { resultFromTaskOutcome, TaskCancelledError } from '@modelcontextprotocol/ext-tasks/client';
import { isCreateTaskResultV2, isDetailedTaskV2 } from '@modelcontextprotocol/ext-tasks/core/v2';
import { acceptedContent, createMcpHandler, inputRequired, McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { createTaskManager, MemoryStore, type TaskManager } from '../../src/index.js';
import { McpTasks, toMcpTaskStatus } from '../../src/protocols/mcpTasks.js';
import {
  createTools,
  type Endpoint,
  EXTENSION,
  envelope,
  type Fetch,
  inProcess,
  officialSession,
  overHttp,
  parseBody,
  post,
  type RpcResponse,
  rpc,
  sseMessages,
  type Tools,
} from './mcpTasksHarness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function setup(options: Parameters<typeof createTools>[0] = {}, manager?: TaskManager) {
  const tools = createTools(options, manager);
  const endpoint = inProcess(tools);
  cleanups.push(
    () => tools.tasks.dispose(),
    () => endpoint.close(),
  );
  const as = (principal?: string) => {
    const fetch = endpoint.fetchAs(principal);
    return {
      fetch,
      call: (method: string, params?: Record<string, unknown>, declare = true) =>
        rpc(fetch, endpoint.url, method, params, { declare }),
    };
  };
  return { tools, endpoint, ...as('alice'), as };
}

async function start(call: ReturnType<typeof setup>['call'], name: string, args: Record<string, unknown> = {}) {
  const response = await call('tools/call', { name, arguments: args });
  expect(response.error).toBeUndefined();
  return response.result as Record<string, unknown> & { taskId: string };
}

async function settled(tools: Tools, taskId: string) {
  return tools.tasks.wait(taskId);
}

describe('MCP Tasks extension (2026-07-28) served by tooltask', () => {
  describe('capability negotiation', () => {
    it('advertises io.modelcontextprotocol/tasks to a modern client', async () => {
      const { endpoint } = setup();
      const official = await officialSession(endpoint, 'alice');
      cleanups.push(() => official.close());
      expect(official.client.getProtocolEra()).toBe('modern');
      expect(official.client.getServerCapabilities()?.extensions?.[EXTENSION]).toEqual({});
    });

    it('MUST NOT return CreateTaskResult to a request that does not declare the extension', async () => {
      const { call } = setup();
      const plain = await call('tools/call', { name: 'optional', arguments: {} }, false);
      expect(plain.result?.resultType).toBe('complete');
      expect(plain.result?.content).toEqual([{ type: 'text', text: 'plain or task' }]);
      const task = await call('tools/call', { name: 'optional', arguments: {} }, true);
      expect(task.result?.resultType).toBe('task');
    });

    it('MUST answer -32021 with requiredCapabilities when a tool needs a task and the request did not declare it', async () => {
      const { call, tools } = setup();
      const response = await call('tools/call', { name: 'hold', arguments: {} }, false);
      expect(response.error).toMatchObject({
        code: -32021,
        data: { requiredCapabilities: { extensions: { [EXTENSION]: {} } } },
      });
      expect(await tools.tasks.list()).toEqual([]);
    });

    it.each(['tasks/get', 'tasks/update', 'tasks/cancel'])(
      'MUST answer -32021 to %s from a request that does not declare the extension',
      async (method) => {
        const { call } = setup();
        const { taskId } = await start(call, 'hold');
        const response = await call(method, { taskId, inputResponses: {} }, false);
        expect(response.error).toMatchObject({
          code: -32021,
          data: { requiredCapabilities: { extensions: { [EXTENSION]: {} } } },
        });
      },
    );
  });

  describe('task creation', () => {
    it('MUST set resultType "task" on CreateTaskResult, a valid V2 CreateTaskResult', async () => {
      const { call } = setup();
      const created = await start(call, 'hold');
      expect(created.resultType).toBe('task');
      expect(isCreateTaskResultV2(created)).toBe(true);
      expect(created).toMatchObject({ status: 'working', pollIntervalMs: 5 });
      expect(typeof created.ttlMs).toBe('number');
    });

    it('MUST NOT set resultType "task" on any other result', async () => {
      const { call, tools } = setup();
      const { taskId } = await start(call, 'hold');
      for (const [method, params] of [
        ['tasks/get', { taskId }],
        ['tasks/update', { taskId, inputResponses: {} }],
        ['tasks/cancel', { taskId }],
      ] as const) {
        expect((await call(method, params)).result?.resultType).toBe('complete');
      }
      await settled(tools, taskId);
      expect((await call('tools/call', { name: 'optional', arguments: {} }, false)).result?.resultType).toBe(
        'complete',
      );
    });

    it('MUST NOT return CreateTaskResult before the task is durably created: another instance on the store reads it at once', async () => {
      const store = new SlowStore();
      const first = setup({}, createTaskManager({ store }));
      const second = setup({}, createTaskManager({ store }));
      const { taskId } = await start(first.call, 'hold');
      const seen = await second.call('tasks/get', { taskId });
      expect(seen.result).toMatchObject({ taskId, status: 'working', resultType: 'complete' });
      first.tools.release.get(taskId)?.('done');
    });

    it('generates task ids no one can guess (random UUIDs)', async () => {
      const { call } = setup();
      const ids = await Promise.all([1, 2, 3].map(async () => (await start(call, 'steps', { steps: 1 })).taskId));
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(new Set(ids).size).toBe(3);
    });
  });

  describe('tasks/get', () => {
    it('MUST answer a working task with status working', async () => {
      const { call } = setup();
      const { taskId } = await start(call, 'hold');
      const got = await call('tasks/get', { taskId });
      expect(got.result).toMatchObject({ taskId, status: 'working', resultType: 'complete', pollIntervalMs: 5 });
      expect(isDetailedTaskV2(strip(got.result))).toBe(true);
    });

    it('MUST inline the result of a completed task', async () => {
      const { call, tools } = setup();
      const { taskId } = await start(call, 'steps', { steps: 2 });
      await settled(tools, taskId);
      const got = await call('tasks/get', { taskId });
      expect(got.result).toMatchObject({
        status: 'completed',
        result: { content: [{ type: 'text', text: 'did 2 steps' }], resultType: 'complete' },
      });
      expect(isDetailedTaskV2(strip(got.result))).toBe(true);
    });

    it('MUST report a tool result with isError: true as completed, never failed', async () => {
      const { call, tools } = setup();
      const { taskId } = await start(call, 'tool-error');
      await settled(tools, taskId);
      const got = await call('tasks/get', { taskId });
      expect(got.result).toMatchObject({
        status: 'completed',
        result: { content: [{ type: 'text', text: 'no such city' }], isError: true },
      });
    });

    it('MUST report a JSON-RPC error as failed with that error object', async () => {
      const { call, tools } = setup();
      const { taskId } = await start(call, 'rpc-error');
      await settled(tools, taskId);
      const got = await call('tasks/get', { taskId });
      expect(got.result).toMatchObject({
        status: 'failed',
        statusMessage: 'Upstream rate limit exceeded',
        error: { code: -32001, message: 'Upstream rate limit exceeded', data: { retryAfter: 5 } },
      });
      expect(isDetailedTaskV2(strip(got.result))).toBe(true);
    });

    it('reports a thrown non-protocol error as failed with -32603', async () => {
      const { call, tools } = setup();
      const { taskId } = await start(call, 'crash');
      await settled(tools, taskId);
      expect((await call('tasks/get', { taskId })).result).toMatchObject({
        status: 'failed',
        error: { code: -32603, message: 'disk on fire' },
      });
    });

    it('puts tooltask’s error code in the failed error’s data, for a client to branch on', async () => {
      const { call, tools } = setup();
      tools.mcpTasks.tool('slow', { timeout: 5 }, async (_args, { signal }) => {
        await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        return { content: [] };
      });
      const { taskId } = await start(call, 'slow');
      await settled(tools, taskId);
      expect((await call('tasks/get', { taskId })).result).toMatchObject({
        status: 'failed',
        error: { code: -32603, message: expect.stringContaining('timed out'), data: { code: 'TASK_TIMEOUT' } },
      });
    });

    it('MUST answer a cancelled task with status cancelled', async () => {
      const { call, tools } = setup();
      const { taskId } = await start(call, 'hold');
      await call('tasks/cancel', { taskId });
      await settled(tools, taskId);
      const got = await call('tasks/get', { taskId });
      expect(got.result).toMatchObject({ status: 'cancelled', resultType: 'complete' });
      expect(got.result).not.toHaveProperty('result');
    });

    it('gives ttlMs from creation: the end plus the retention', async () => {
      const { call, tools } = setup({ retention: 60_000 });
      const { taskId } = await start(call, 'steps', { steps: 1 });
      const done = await settled(tools, taskId);
      const got = await call('tasks/get', { taskId });
      expect(got.result?.ttlMs).toBe((done.completedAt ?? 0) - done.createdAt + 60_000);
      expect(done.ttl).toBe(60_000);
    });

    it('gives ttlMs null when tasks are kept until removed', async () => {
      const { call } = setup({ retention: Number.POSITIVE_INFINITY });
      const created = await start(call, 'hold');
      expect(created.ttlMs).toBeNull();
    });
  });

  describe('input requests (tasks/update)', () => {
    async function inputRequired(call: ReturnType<typeof setup>['call'], taskId: string, keys: number) {
      for (;;) {
        const got = await call('tasks/get', { taskId });
        const requests = got.result?.inputRequests as Record<string, Record<string, unknown>> | undefined;
        if (got.result?.status === 'input_required' && Object.keys(requests ?? {}).length === keys) {
          return { task: got.result, requests: requests ?? {} };
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    }

    it('MUST list every outstanding request in inputRequests while input_required', async () => {
      const { call } = setup();
      const { taskId } = await start(call, 'pair');
      const { task, requests } = await inputRequired(call, taskId, 2);
      expect(isDetailedTaskV2(strip(task))).toBe(true);
      expect(Object.values(requests).map((request) => request.method)).toEqual([
        'elicitation/create',
        'elicitation/create',
      ]);
      expect(Object.values(requests).map((request) => (request.params as { message: string }).message)).toEqual([
        'Your first?',
        'Your last?',
      ]);
    });

    it('MUST acknowledge tasks/update with an empty result, and keeps waiting on a subset of answers', async () => {
      const { call, tools } = setup();
      const { taskId } = await start(call, 'pair');
      const { requests } = await inputRequired(call, taskId, 2);
      const [firstKey, lastKey] = Object.keys(requests) as [string, string];
      const ack = await call('tasks/update', {
        taskId,
        inputResponses: { [firstKey]: { action: 'accept', content: { first: 'Ada' } } },
      });
      expect(ack.result).toMatchObject({ resultType: 'complete' });
      const waiting = await inputRequired(call, taskId, 1);
      expect(Object.keys(waiting.requests)).toEqual([lastKey]);
      await call('tasks/update', {
        taskId,
        inputResponses: { [lastKey]: { action: 'accept', content: { last: 'Lovelace' } } },
      });
      expect((await settled(tools, taskId)).result).toEqual({ content: [{ type: 'text', text: 'Ada Lovelace' }] });
    });

    it('ignores answers to unknown and already answered keys', async () => {
      const { call, tools } = setup();
      const { taskId } = await start(call, 'greet', { questions: 2 });
      const first = Object.keys((await inputRequired(call, taskId, 1)).requests)[0] ?? '';
      await call('tasks/update', {
        taskId,
        inputResponses: { [first]: { action: 'accept', content: { name: 'Ada' } } },
      });
      let second = first;
      while (second === first) second = Object.keys((await inputRequired(call, taskId, 1)).requests)[0] ?? first;
      const ignored = await call('tasks/update', {
        taskId,
        inputResponses: { [first]: { action: 'accept', content: { name: 'again' } }, never: { action: 'cancel' } },
      });
      expect(ignored.result).toMatchObject({ resultType: 'complete' });
      expect(Object.keys((await inputRequired(call, taskId, 1)).requests)).toEqual([second]);
      await call('tasks/update', {
        taskId,
        inputResponses: { [second]: { action: 'accept', content: { name: 'Bo' } } },
      });
      expect((await settled(tools, taskId)).result).toEqual({
        content: [{ type: 'text', text: 'Hello, Ada and Bo!' }],
      });
    });

    it('MUST NOT reuse a request key over the life of a task', async () => {
      const { call, tools } = setup();
      const { taskId } = await start(call, 'greet', { questions: 3 });
      const keys: string[] = [];
      while (keys.length < 3) {
        const key = Object.keys((await inputRequired(call, taskId, 1)).requests)[0] ?? '';
        if (keys.includes(key)) continue;
        keys.push(key);
        await call('tasks/update', { taskId, inputResponses: { [key]: { action: 'accept', content: { name: key } } } });
      }
      await settled(tools, taskId);
      expect(new Set(keys).size).toBe(3);
    });

    it('rejects the pending ask when the task is cancelled: the work ends', async () => {
      const { call, tools } = setup();
      const { taskId } = await start(call, 'greet');
      await inputRequired(call, taskId, 1);
      await call('tasks/cancel', { taskId });
      expect(tools.signals.get(taskId)?.aborted).toBe(true);
      const ended = await settled(tools, taskId);
      expect(ended.state).toBe('cancelled');
      expect(ended.inputRequests).toBeUndefined();
    });

    it('answers a tasks/update without inputResponses with -32602', async () => {
      const { call } = setup();
      const { taskId } = await start(call, 'greet');
      expect((await call('tasks/update', { taskId })).error?.code).toBe(-32602);
    });
  });

  describe('invalid or unknown task ids', () => {
    const bad: [string, unknown][] = [
      ['an unknown id', 'no-such-task'],
      ['an empty id', ''],
      ['an id over 256 characters', 'x'.repeat(300)],
      ['a number', 42],
    ];
    for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
      it.each(bad)(`MUST answer ${method} for %s with -32602`, async (_name, taskId) => {
        const { call } = setup();
        const response = await call(method, { taskId, inputResponses: {} });
        expect(response.error?.code).toBe(-32602);
      });
    }

    it('answers a task made outside the extension as unknown (-32602)', async () => {
      const { call, tools } = setup();
      await tools.tasks.create('plain');
      expect((await call('tasks/get', { taskId: 'plain' })).error?.code).toBe(-32602);
    });
  });

  describe('tasks/cancel', () => {
    it('MUST acknowledge with an empty result, then the work signal aborts', async () => {
      const { call, tools } = setup();
      const { taskId } = await start(call, 'hold');
      await vitestUntil(() => tools.signals.has(taskId));
      const ack = await call('tasks/cancel', { taskId });
      expect(ack.result).toMatchObject({ resultType: 'complete' });
      expect(Object.keys(ack.result ?? {}).sort()).toEqual(['_meta', 'resultType']);
      expect(tools.signals.get(taskId)?.aborted).toBe(true);
      expect((await settled(tools, taskId)).state).toBe('cancelled');
    });

    it('acknowledges cancelling a task that already ended, which keeps its status', async () => {
      const { call, tools } = setup();
      const { taskId } = await start(call, 'steps', { steps: 1 });
      await settled(tools, taskId);
      expect((await call('tasks/cancel', { taskId })).result).toMatchObject({ resultType: 'complete' });
      expect((await call('tasks/get', { taskId })).result?.status).toBe('completed');
    });
  });

  describe('identity without sessions', () => {
    it('lets no other principal see, update, cancel or follow a task: -32602 as for an unknown id', async () => {
      const { call, as, tools } = setup();
      const { taskId } = await start(call, 'hold');
      const bob = as('bob');
      for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
        const response = await bob.call(method, { taskId, inputResponses: {} });
        expect(response.error?.code).toBe(-32602);
        expect(response.error?.message).toBe(
          (await bob.call(method, { taskId: 'nope', inputResponses: {} })).error?.message,
        );
      }
      expect((await tools.tasks.get(taskId)).state).toBe('running');
      expect((await call('tasks/get', { taskId })).result?.status).toBe('working');
    });

    it('refuses an owned task to an unauthenticated caller, and an unowned one to an authenticated caller', async () => {
      const { call, as } = setup();
      const anonymous = as(undefined);
      const owned = await start(call, 'hold');
      const unowned = await start(anonymous.call, 'hold');
      expect((await anonymous.call('tasks/get', { taskId: owned.taskId })).error?.code).toBe(-32602);
      expect((await call('tasks/get', { taskId: unowned.taskId })).error?.code).toBe(-32602);
      expect((await anonymous.call('tasks/get', { taskId: unowned.taskId })).result?.status).toBe('working');
    });

    it('keeps the owner in the task metadata, so another process sharing the store checks it too', async () => {
      const store = new MemoryStore();
      const first = setup({}, createTaskManager({ store }));
      const second = setup({}, createTaskManager({ store }));
      const { taskId } = await start(first.call, 'steps', { steps: 1 });
      await settled(first.tools, taskId);
      expect((await second.call('tasks/get', { taskId })).result?.status).toBe('completed');
      expect((await second.as('bob').call('tasks/get', { taskId })).error?.code).toBe(-32602);
    });
  });

  describe('subscriptions/listen with taskIds', () => {
    it('acknowledges the task ids and sends notifications/tasks with the full DetailedTask until the end', async () => {
      const { call, fetch, endpoint, tools } = setup();
      const { taskId } = await start(call, 'steps', { steps: 3 });
      const messages = await listen(fetch, endpoint.url, [taskId, 'unknown']);
      expect(messages[0]).toMatchObject({
        method: 'notifications/subscriptions/acknowledged',
        params: { notifications: { taskIds: [taskId] } },
      });
      const notes = messages.filter((message) => message.method === 'notifications/tasks');
      expect(notes.length).toBeGreaterThanOrEqual(2);
      const last = notes.at(-1)?.params as Record<string, unknown>;
      const { _meta, ...detail } = last;
      expect(isDetailedTaskV2(detail)).toBe(true);
      const got = await call('tasks/get', { taskId });
      expect({ ...strip(got.result) }).toEqual(detail);
      expect(messages.some((message) => message.method === 'notifications/progress')).toBe(false);
      expect(messages.at(-1)).toMatchObject({ result: { resultType: 'complete' } });
      expect((await settled(tools, taskId)).state).toBe('complete');
    });

    it('MUST answer -32021 when the listen names taskIds but does not declare the extension', async () => {
      const { call, fetch, endpoint } = setup();
      const { taskId } = await start(call, 'hold');
      const response = await post(fetch, endpoint.url, {
        jsonrpc: '2.0',
        id: 99,
        method: 'subscriptions/listen',
        params: { notifications: { taskIds: [taskId] }, _meta: envelope(false) },
      });
      expect((await response.json()) as RpcResponse).toMatchObject({
        error: { code: -32021, data: { requiredCapabilities: { extensions: { [EXTENSION]: {} } } } },
      });
    });

    it("does not acknowledge another principal's task", async () => {
      const { call, as, endpoint } = setup();
      const { taskId } = await start(call, 'steps', { steps: 1 });
      const messages = await listen(as('bob').fetch, endpoint.url, [taskId]);
      expect(messages[0]).toMatchObject({ params: { notifications: { taskIds: [] } } });
      expect(messages.filter((message) => message.method === 'notifications/tasks')).toEqual([]);
    });
  });

  describe('the official client (@modelcontextprotocol/ext-tasks, V2 generation)', () => {
    for (const [transport, open] of [
      ['in process', (tools: Tools) => Promise.resolve(inProcess(tools))],
      ['over Streamable HTTP on loopback', overHttp],
    ] as const) {
      describe(transport, () => {
        async function official(options = {}) {
          const tools = createTools(options);
          const endpoint: Endpoint = await open(tools);
          cleanups.push(
            () => tools.tasks.dispose(),
            () => endpoint.close(),
          );
          const session = await officialSession(endpoint, 'alice');
          cleanups.push(() => session.close());
          return { tools, endpoint, session: session.session };
        }

        it('calls a task tool and settles with its result', async () => {
          const { session } = await official();
          const execution = await session.callTool('steps', { steps: 3 });
          expect(execution.kind).toBe('task');
          const { outcome } = await execution.settle();
          expect(resultFromTaskOutcome(outcome)).toMatchObject({ content: [{ type: 'text', text: 'did 3 steps' }] });
        });

        it('settles an isError result as completed', async () => {
          const { session } = await official();
          const { outcome } = await (await session.callTool('tool-error', {})).settle();
          expect(outcome.status).toBe('completed');
          expect(resultFromTaskOutcome(outcome)).toMatchObject({ isError: true });
        });

        it('settles a JSON-RPC error as failed with its code', async () => {
          const { session } = await official();
          const { outcome } = await (await session.callTool('rpc-error', {})).settle();
          expect(outcome).toMatchObject({ status: 'failed', error: { code: -32001 } });
        });

        it('cancels: the work signal aborts and the task ends cancelled', async () => {
          const { session, tools } = await official();
          const execution = await session.callTool('hold', {});
          if (execution.kind !== 'task') throw new Error('Expected a task');
          const { taskId } = execution.handle;
          await vitestUntil(() => tools.signals.has(taskId));
          await execution.cancel();
          expect(tools.signals.get(taskId)?.aborted).toBe(true);
          expect((await tools.tasks.wait(taskId)).state).toBe('cancelled');
          await expect(execution.result().then(resultFromTaskOutcome)).rejects.toBeInstanceOf(TaskCancelledError);
        });

        it('runs the elicitation round trip through tasks/update', async () => {
          const { endpoint } = await official();
          const asked: unknown[] = [];
          const input = await officialSession(endpoint, 'bob', async (request) => {
            asked.push(request);
            return { action: 'accept', content: { name: 'Luca' } };
          });
          cleanups.push(() => input.close());
          const { outcome } = await (await input.session.callTool('greet', { questions: 2 })).settle();
          expect(resultFromTaskOutcome(outcome)).toMatchObject({
            content: [{ type: 'text', text: 'Hello, Luca and Luca!' }],
          });
          expect(asked).toHaveLength(2);
          expect(asked[0]).toMatchObject({ kind: 'elicitation', params: { message: 'Please enter name 1.' } });
        });

        it('keeps working for a plain result of an optional tool', async () => {
          const { session } = await official();
          const { outcome } = await (await session.callTool('optional', {})).settle();
          expect(resultFromTaskOutcome(outcome)).toMatchObject({ content: [{ type: 'text', text: 'plain or task' }] });
        });
      });
    }

    it('runs 1,000 concurrent task-augmented calls to the end', async () => {
      const tools = createTools({ pollInterval: 20 });
      const endpoint = inProcess(tools);
      cleanups.push(
        () => tools.tasks.dispose(),
        () => endpoint.close(),
      );
      const official = await officialSession(endpoint, 'alice');
      cleanups.push(() => official.close());
      const outcomes = await Promise.all(
        Array.from({ length: 1000 }, async (_, i) => {
          const execution = await official.session.callTool('steps', { steps: 1 + (i % 3) });
          return (await execution.settle()).outcome;
        }),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'completed')).toHaveLength(1000);
      const all = await tools.tasks.list();
      expect(all).toHaveLength(1000);
      expect(all.every((task) => task.state === 'complete')).toBe(true);
    }, 60_000);
  });

  describe('McpTasks.run from a tool of your own', () => {
    function composed() {
      const tasks = createTaskManager();
      const mcpTasks = new McpTasks(tasks, { pollInterval: 5 });
      const handler = createMcpHandler(() => {
        const server = new McpServer({ name: 'composed', version: '1.0.0' });
        mcpTasks.serve(server);
        // Gathers a name with multi-round-trip results, then escalates to a task.
        server.registerTool('named', {}, async (ctx) => {
          const name = acceptedContent<{ name?: string }>(ctx.mcpReq.inputResponses, 'who')?.name;
          if (name === undefined) {
            return inputRequired({
              inputRequests: {
                who: inputRequired.elicit({
                  message: 'Who?',
                  requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
                }),
              },
            });
          }
          return mcpTasks.run(ctx, async ({ authInfo }) => ({
            content: [{ type: 'text', text: `for ${name}, asked by ${authInfo?.clientId}` }],
          }));
        });
        return server;
      });
      const fetch = mcpTasks.fetch(handler);
      cleanups.push(
        () => tasks.dispose(),
        () => handler.close(),
      );
      const as: Fetch = (input, init) =>
        fetch(new Request(input, init), { authInfo: { token: 'ada', clientId: 'ada', scopes: [] } });
      // The client declares form elicitation, and the extension unless told not to.
      const call = async (method: string, params: Record<string, unknown>, declare = true) => {
        const _meta = envelope(declare);
        const capabilities = _meta['io.modelcontextprotocol/clientCapabilities'] as Record<string, unknown>;
        _meta['io.modelcontextprotocol/clientCapabilities'] = { ...capabilities, elicitation: { form: {} } };
        const message = { jsonrpc: '2.0', id: crypto.randomUUID(), method, params: { ...params, _meta } };
        return parseBody(await (await post(as, 'http://in.process/mcp', message)).text());
      };
      return { tasks, mcpTasks, call };
    }

    it('escalates to a task after multi-round-trip input: CreateTaskResult, owned by the caller', async () => {
      const { call, tasks } = composed();
      const first = await call('tools/call', { name: 'named', arguments: {} });
      expect(first.result).toMatchObject({ resultType: 'input_required', inputRequests: { who: expect.any(Object) } });
      expect(first.result).not.toHaveProperty('taskId');
      const second = await call('tools/call', {
        name: 'named',
        arguments: {},
        inputResponses: { who: { action: 'accept', content: { name: 'Bo' } } },
      });
      expect(second.result).toMatchObject({ resultType: 'task', status: 'working' });
      const taskId = (second.result as { taskId: string }).taskId;
      await tasks.wait(taskId);
      expect((await call('tasks/get', { taskId })).result).toMatchObject({
        status: 'completed',
        result: { content: [{ type: 'text', text: 'for Bo, asked by ada' }] },
      });
    });

    it('answers a request that does not declare the extension with the plain result', async () => {
      const { call } = composed();
      const plain = await call(
        'tools/call',
        { name: 'named', arguments: {}, inputResponses: { who: { action: 'accept', content: { name: 'Cy' } } } },
        false,
      );
      expect(plain.result).toMatchObject({ content: [{ type: 'text', text: 'for Cy, asked by ada' }] });
      expect(plain.result).not.toHaveProperty('taskId');
    });

    it('refuses what is not a request context or a work', async () => {
      const { mcpTasks } = composed();
      await expect(mcpTasks.run({} as never, async () => ({ content: [] }))).rejects.toThrow(/Expected `ctx`/);
    });
  });

  describe('status mapping', () => {
    it('maps every tooltask state to the extension status', async () => {
      const tasks = createTaskManager();
      cleanups.push(() => tasks.dispose());
      const mcpTasks = new McpTasks(tasks);
      expect(toMcpTaskStatus(await tasks.create('p'))).toBe('working');
      expect(toMcpTaskStatus(await tasks.update('p', 0.5))).toBe('working');
      expect(toMcpTaskStatus(await tasks.requestInput('p', { message: 'name?' }))).toBe('input_required');
      expect(toMcpTaskStatus(await tasks.complete('p', 'ok'))).toBe('completed');
      expect(toMcpTaskStatus(await tasks.fail((await tasks.create('f')).id, 'no'))).toBe('failed');
      expect(toMcpTaskStatus(await tasks.cancel((await tasks.create('c')).id))).toBe('cancelled');
      expect(mcpTasks.detail(await tasks.get('p'))).toMatchObject({
        status: 'completed',
        result: { content: [{ type: 'text', text: 'ok' }], resultType: 'complete' },
      });
    });

    it('refuses bad options with what it expected', () => {
      const tasks = createTaskManager();
      cleanups.push(() => tasks.dispose());
      expect(() => new McpTasks(tasks, { pollInterval: -1 })).toThrow(/Expected `pollInterval`/);
      expect(() => new McpTasks(tasks, { retention: Number.NaN })).toThrow(/Expected `retention`/);
      expect(() => new McpTasks({} as TaskManager)).toThrow(/Expected `manager`/);
    });
  });
});

/** A `tasks/get` result without what the SDK stamps on every result (`_meta`, `resultType`). */
function strip(result: Record<string, unknown> | undefined): Record<string, unknown> {
  const { _meta, resultType, ...task } = result ?? {};
  return task;
}

/** Opens a listen for `taskIds` and reads its stream to the end. */
async function listen(fetch: Fetch, url: string, taskIds: string[]): Promise<Record<string, unknown>[]> {
  const response = await post(fetch, url, {
    jsonrpc: '2.0',
    id: 'listen-1',
    method: 'subscriptions/listen',
    params: { notifications: { taskIds }, _meta: envelope(true) },
  });
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  return sseMessages(await response.text());
}

async function vitestUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** A store whose writes land a little later: the answer must wait for them. */
class SlowStore extends MemoryStore {
  override save(task: Parameters<MemoryStore['save']>[0]): Promise<void> {
    return new Promise((resolve) => setTimeout(() => resolve(super.save(task)), 10));
  }
}
