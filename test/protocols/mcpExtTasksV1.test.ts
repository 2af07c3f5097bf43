// The official requester (@modelcontextprotocol/ext-tasks) in its V1 generation, over the SDK v2
// client negotiated to 2025-11-25, against tooltask's 2025-11-25 adapter on SDK 1.32.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import {
  createTaskSessionFromClient,
  resultFromTaskOutcome,
  TaskCancelledError,
} from '@modelcontextprotocol/ext-tasks/client';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createTaskManager, type TaskManager } from '../../src/index.js';
import { McpTaskStore, registerTaskTool } from '../../src/protocols/mcp.js';

const CLIENT_CAPABILITIES = { elicitation: { form: {} }, tasks: {} };
const CAPABILITIES = { tools: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Served {
  readonly tasks: TaskManager;
  readonly signals: Map<string, AbortSignal>;
  server(): McpServer;
}

function served(): Served {
  const tasks = createTaskManager();
  const store = new McpTaskStore(tasks, { pollInterval: 5 });
  const signals = new Map<string, AbortSignal>();
  cleanups.push(() => tasks.dispose());
  return {
    tasks,
    signals,
    server() {
      const server = new McpServer(
        { name: 'tooltask-v1', version: '1.0.0' },
        // No taskMessageQueue: a task's requests go straight to the client, related to the task,
        // which is how ext-tasks' V1 driver (polling tasks/get until the end) can answer them.
        { capabilities: CAPABILITIES, taskStore: store },
      );
      registerTaskTool(server, store, 'greet', { inputSchema: {} }, async (_args, { ask }) => {
        const answer = await ask<{ action: string; content?: { name?: string } }>({
          request: {
            method: 'elicitation/create',
            params: {
              message: 'Please enter your name.',
              requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
            },
          },
        });
        return { content: [{ type: 'text', text: `Hello, ${answer.content?.name ?? 'stranger'}!` }] };
      });
      registerTaskTool(
        server,
        store,
        'steps',
        { inputSchema: { steps: z.number() } },
        async ({ steps }, { progress }) => {
          for (let step = 1; step <= steps; step++) {
            await new Promise((resolve) => setTimeout(resolve, 2));
            progress(step / steps);
          }
          return { content: [{ type: 'text', text: `did ${steps} steps` }] };
        },
      );
      registerTaskTool(server, store, 'tool-error', { inputSchema: {} }, () => ({
        content: [{ type: 'text', text: 'no such city' }],
        isError: true,
      }));
      registerTaskTool(server, store, 'hold', { inputSchema: {} }, async (_args, { id, signal }) => {
        signals.set(id, signal);
        await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        return { content: [] };
      });
      return server;
    },
  };
}

/** A linked in-memory pair that sends JSON, as a wire does (undefined fields vanish). */
function jsonPair(): [Transport, Transport] {
  const pair = InMemoryTransport.createLinkedPair();
  for (const transport of pair) {
    const send = transport.send.bind(transport);
    transport.send = (message, options) => send(JSON.parse(JSON.stringify(message)), options);
  }
  return pair;
}

async function inProcess(target: Served): Promise<Client> {
  const [clientSide, serverSide] = jsonPair();
  const server = target.server();
  await server.connect(serverSide);
  const client = new Client({ name: 'ext-tasks-v1', version: '1.0.0' }, { capabilities: CLIENT_CAPABILITIES });
  await client.connect(clientSide as never);
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  return client;
}

async function overHttp(target: Served): Promise<Client> {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer(async (req, res) => {
    const id = req.headers['mcp-session-id'];
    let transport = typeof id === 'string' ? sessions.get(id) : undefined;
    if (transport === undefined) {
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sessionId) => {
          if (transport !== undefined) sessions.set(sessionId, transport);
        },
      });
      await target.server().connect(transport);
    }
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
  const client = new Client({ name: 'ext-tasks-v1', version: '1.0.0' }, { capabilities: CLIENT_CAPABILITIES });
  await client.connect(new StreamableHTTPClientTransport(url));
  cleanups.push(async () => {
    await client.close();
    for (const transport of sessions.values()) await transport.close();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
  });
  return client;
}

describe.each([
  ['in process', inProcess],
  ['over Streamable HTTP on loopback', overHttp],
] as const)('the official client, V1 generation, against the 2025-11-25 adapter %s', (_transport, connect) => {
  async function session() {
    const target = served();
    const client = await connect(target);
    expect(client.getProtocolEra()).toBe('legacy');
    const tasks = createTaskSessionFromClient(client, {
      endpointId: 'tooltask-v1',
      onError: () => {},
      onInputRequest: async () => ({ action: 'accept', content: { name: 'Luca' } }) as never,
    });
    cleanups.push(() => tasks.close());
    return { target, tasks };
  }

  it('calls a task tool and settles with its result', async () => {
    const { tasks } = await session();
    const execution = await tasks.callTool('steps', { steps: 3 });
    expect(execution.kind).toBe('task');
    const { outcome } = await execution.settle();
    expect(resultFromTaskOutcome(outcome)).toMatchObject({ content: [{ type: 'text', text: 'did 3 steps' }] });
  });

  it('settles an isError result as failed: the 2025-11-25 status mapping', async () => {
    const { tasks } = await session();
    const { outcome } = await (await tasks.callTool('tool-error', {})).settle();
    expect(outcome.status).toBe('failed');
  });

  it('cancels: the work signal aborts and the task ends cancelled', async () => {
    const { tasks, target } = await session();
    const execution = await tasks.callTool('hold', {});
    if (execution.kind !== 'task') throw new Error('Expected a task');
    const { taskId } = execution.handle;
    await expect.poll(() => target.signals.has(taskId)).toBe(true);
    await execution.cancel();
    expect(target.signals.get(taskId)?.aborted).toBe(true);
    expect((await target.tasks.wait(taskId)).state).toBe('cancelled');
    await expect(execution.result().then(resultFromTaskOutcome)).rejects.toBeInstanceOf(TaskCancelledError);
  });

  it('puts a work ask() to the client as a request related to its task; the answer resumes the work', async () => {
    const { tasks } = await session();
    const { outcome } = await (await tasks.callTool('greet', {})).settle();
    expect(resultFromTaskOutcome(outcome)).toMatchObject({ content: [{ type: 'text', text: 'Hello, Luca!' }] });
  });
});
