/**
 * An MCP 2025-11-25 server whose tools run as tooltask tasks, served over Streamable HTTP (SDK v1,
 * one transport per session) on a free loopback port, in its own process: the other end of the
 * over-the-wire tests. Prints `{ url }` as one JSON line once it listens; runs until killed.
 * Argument: `queue` to give the server a `taskMessageQueue`.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryTaskMessageQueue } from '@modelcontextprotocol/sdk/experimental/tasks';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import * as z from 'zod';
import { createTaskManager } from '../../src/index.js';
import { McpTaskStore, registerTaskTool } from '../../src/protocols/mcp.js';

const queued = process.argv.includes('queue');
const taskStore = new McpTaskStore(createTaskManager(), { pollInterval: 20 });
const transports = new Map<string, StreamableHTTPServerTransport>();

function session(): McpServer {
  const server = new McpServer(
    { name: 'tooltask-over-http', version: '1.0.0' },
    {
      capabilities: { tools: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } },
      taskStore,
      ...(queued ? { taskMessageQueue: new InMemoryTaskMessageQueue() } : {}),
    },
  );
  registerTaskTool(
    server,
    taskStore,
    'steps',
    { inputSchema: { steps: z.number().int().min(1) } },
    async ({ steps }, { signal, progress }) => {
      for (let step = 1; step <= steps; step++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        signal.throwIfAborted();
        progress(step / steps, `step ${step} of ${steps}`);
      }
      return { content: [{ type: 'text', text: `did ${steps} steps` }] };
    },
  );
  return server;
}

const http = createServer(async (req, res) => {
  const id = req.headers['mcp-session-id'];
  let transport = typeof id === 'string' ? transports.get(id) : undefined;
  if (transport === undefined) {
    const made = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (sessionId) => {
        transports.set(sessionId, made);
      },
    });
    await session().connect(made);
    transport = made;
  }
  await transport.handleRequest(req, res);
});
http.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp` })}\n`);
});
