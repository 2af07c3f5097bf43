// An MCP server on the 2026-07-28 protocol whose tools run as tooltask tasks through the Tasks
// extension (io.modelcontextprotocol/tasks), served over Streamable HTTP on 127.0.0.1, and the
// official requester (@modelcontextprotocol/ext-tasks) driving it: a task with a result, a task that
// asks its client a question (tasks/update), a cancelled one, and a subscriptions/listen stream.
// It also serves the fixtures the MCP conformance suite's tasks-* scenarios call (greet, slow_compute,
// failing_job, protocol_error_job, confirm_delete, multi_input, test_tool_with_task): npm test runs
// every tasks-* scenario against it (test/protocols/mcpConformance.test.ts).
// Run: npx tsx examples/mcp-tasks-server.ts                      (demo, then exit)
//      npx tsx examples/mcp-tasks-server.ts --serve [--port N]   (keep serving on http://127.0.0.1:3000/mcp;
//                                                                 --port 0 picks a free port)
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createTaskSessionFromClient, resultFromTaskOutcome } from '@modelcontextprotocol/ext-tasks/client';
import {
  type AuthInfo,
  acceptedContent,
  createMcpHandler,
  inputRequired,
  McpServer,
  ProtocolError,
} from '@modelcontextprotocol/server';
import * as z from 'zod';
import { createTaskManager } from '../src/index.js';
import { McpTasks, toNodeListener } from '../src/protocols/mcpTasks.js';

const PROTOCOL_VERSION = '2026-07-28';
const serveOnly = process.argv.includes('--serve');
const portArg = process.argv.indexOf('--port');
const port = portArg === -1 ? 3000 : Number(process.argv[portArg + 1]);

const tasks = createTaskManager();
const mcpTasks = new McpTasks(tasks, { pollInterval: 50, retention: 10 * 60_000 });

mcpTasks.tool(
  'count',
  { description: 'Counts slowly to `to`', inputSchema: z.object({ to: z.number().int().min(1) }) },
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

mcpTasks.tool('ask_name', { description: 'Asks your name, then greets you' }, async (_args, { ask }) => {
  const answer = await ask<{ action: string; content?: { name?: string } }>({
    request: {
      method: 'elicitation/create',
      params: {
        mode: 'form',
        message: 'Please enter your name.',
        requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
      },
    },
  });
  return { content: [{ type: 'text', text: `Hello, ${answer.content?.name ?? 'stranger'}!` }] };
});

// The conformance fixtures run as tasks.
const nameSchema = { type: 'object' as const, properties: { name: { type: 'string' as const } }, required: ['name'] };
mcpTasks.tool(
  'slow_compute',
  {
    description: 'Sleeps `seconds`, then answers; a plain call without the extension gets the result',
    inputSchema: z.object({ seconds: z.number().min(0), label: z.string().optional() }),
    taskSupport: 'optional',
  },
  async ({ seconds, label }, { signal }) => {
    await sleep(seconds * 1000, undefined, { signal });
    return { content: [{ type: 'text', text: `computed ${label ?? 'it'} in ${seconds} s` }] };
  },
);
mcpTasks.tool('failing_job', { description: 'Reports a tool error after a while' }, async (_args, { signal }) => {
  await sleep(500, undefined, { signal });
  return { content: [{ type: 'text', text: 'the job failed' }], isError: true };
});
mcpTasks.tool('protocol_error_job', { description: 'Fails with a JSON-RPC error' }, async () => {
  throw new ProtocolError(-32603, 'The job crashed');
});
mcpTasks.tool(
  'confirm_delete',
  { description: 'Asks before deleting `filename`', inputSchema: z.object({ filename: z.string() }) },
  async ({ filename }, { ask }) => {
    const answer = await ask<{ action: string; content?: { confirm?: boolean } }>({
      request: {
        method: 'elicitation/create',
        params: {
          mode: 'form',
          message: `Delete ${filename}?`,
          requestedSchema: { type: 'object', properties: { confirm: { type: 'boolean' } } },
        },
      },
    });
    const deleted = answer.action === 'accept' && answer.content?.confirm !== false;
    return { content: [{ type: 'text', text: deleted ? `deleted ${filename}` : `kept ${filename}` }] };
  },
);
mcpTasks.tool('multi_input', { description: 'Asks two questions at once' }, async (_args, { ask }) => {
  const question = (message: string) =>
    ask<{ content?: { name?: string } }>({
      request: { method: 'elicitation/create', params: { mode: 'form', message, requestedSchema: nameSchema } },
    });
  const [first, second] = await Promise.all([question('First name?'), question('Second name?')]);
  return { content: [{ type: 'text', text: `${first.content?.name} and ${second.content?.name}` }] };
});

const handler = createMcpHandler(() => {
  const server = new McpServer({ name: 'tooltask-tasks-example', version: '1.0.0' });
  mcpTasks.serve(server);
  server.registerTool(
    'greet',
    { description: 'Greets at once, no task', inputSchema: z.object({ name: z.string() }) },
    ({ name }) => ({ content: [{ type: 'text', text: `Hello, ${name}!` }] }),
  );
  // Gathers a name with multi-round-trip results first (no task yet), then escalates to a task.
  server.registerTool('test_tool_with_task', { description: 'Asks your name, then works on it' }, async (ctx) => {
    const name = acceptedContent<{ name?: string }>(ctx.mcpReq.inputResponses, 'user_name')?.name;
    if (name === undefined) {
      return inputRequired({
        inputRequests: { user_name: inputRequired.elicit({ message: 'Your name?', requestedSchema: nameSchema }) },
      });
    }
    return mcpTasks.run(ctx, async () => ({ content: [{ type: 'text', text: `Hello, ${name}!` }] }));
  });
  return server;
});
const fetch = mcpTasks.fetch(handler);

// A real server verifies a bearer token here (e.g. the SDK's requireBearerAuth); the example
// trusts the token as the principal's name, to show that tasks belong to whoever created them.
function authOf(req: IncomingMessage): AuthInfo | undefined {
  const token = req.headers.authorization?.replace(/^Bearer /, '');
  return token === undefined ? undefined : { token, clientId: token, scopes: [] };
}

const http = createServer(toNodeListener(fetch, { authInfo: authOf }));
await new Promise<void>((resolve) => http.listen(serveOnly ? port : 0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`;
console.log(`MCP Tasks server on ${url}`);

if (!serveOnly) {
  await demo();
  http.closeAllConnections();
  http.close();
  await handler.close();
  await tasks.dispose();
}

async function demo(): Promise<void> {
  const clientInfo = { name: 'tooltask-example-client', version: '1.0.0' };
  const as = (input: string | URL | Request, init?: RequestInit) =>
    globalThis.fetch(input, { ...init, headers: { ...headersOf(init), authorization: 'Bearer alice' } });
  const client = new Client(clientInfo, { versionNegotiation: { mode: 'auto' } });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: as }));
  console.log(
    `negotiated ${client.getNegotiatedProtocolVersion()}, extensions:`,
    client.getServerCapabilities()?.extensions,
  );

  const post = async (message: Record<string, unknown>) => {
    const params = message.params as { name?: string; taskId?: string } | undefined;
    const name = message.method === 'tools/call' ? params?.name : params?.taskId;
    return as(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': PROTOCOL_VERSION,
        'mcp-method': String(message.method),
        ...(name === undefined ? {} : { 'mcp-name': name }),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: crypto.randomUUID(), ...message }),
    });
  };
  const session = createTaskSessionFromClient(client, {
    endpointId: 'tooltask-example',
    // The SDK client cannot send the extension's wire shapes itself: the session hands them here.
    rawDispatch: async (request) => {
      const text = await (await post(request as Record<string, unknown>)).text();
      const body = JSON.parse(text.startsWith('{') ? text : (text.match(/^data: (.*)$/m)?.[1] ?? '{}'));
      return 'error' in body ? { kind: 'error', error: body.error } : { kind: 'result', result: body.result };
    },
    v2RequestFraming: { protocolVersion: PROTOCOL_VERSION, clientInfo, clientCapabilities: {} },
    onInputRequest: async (request) => {
      console.log(`  the server asks: ${String(request.params?.message)} -> answering "Luca"`);
      return { action: 'accept', content: { name: 'Luca' } } as never;
    },
  });

  console.log('1. a task that finishes');
  const counted = await session.callTool('count', { to: 3 });
  console.log(`  ${counted.kind}: ${JSON.stringify(resultFromTaskOutcome((await counted.settle()).outcome))}`);

  console.log('2. a task that asks its client (input_required, answered with tasks/update)');
  const greeted = await session.callTool('ask_name', {});
  console.log(`  ${JSON.stringify(resultFromTaskOutcome((await greeted.settle()).outcome))}`);

  console.log('3. a task cancelled mid-way: the work signal aborts');
  const long = await session.callTool('count', { to: 100 });
  await new Promise((resolve) => setTimeout(resolve, 100));
  await long.cancel();
  if (long.kind === 'task') console.log(`  tooltask state: ${(await tasks.wait(long.handle.taskId)).state}`);

  console.log('4. subscriptions/listen with taskIds: notifications/tasks until the end');
  const started = await session.callTool('count', { to: 3 });
  if (started.kind === 'task') {
    const listen = await post({
      method: 'subscriptions/listen',
      params: {
        notifications: { taskIds: [started.handle.taskId] },
        _meta: {
          'io.modelcontextprotocol/protocolVersion': PROTOCOL_VERSION,
          'io.modelcontextprotocol/clientInfo': clientInfo,
          'io.modelcontextprotocol/clientCapabilities': { extensions: { 'io.modelcontextprotocol/tasks': {} } },
        },
      },
    });
    for (const line of (await listen.text()).split('\n').filter((l) => l.startsWith('data: '))) {
      const message = JSON.parse(line.slice(6));
      console.log(
        `  ${message.method ?? 'result'} ${message.params?.status ?? ''} ${message.params?.statusMessage ?? ''}`,
      );
    }
  }
  await session.close();
  await client.close();
}

function headersOf(init: RequestInit | undefined): Record<string, string> {
  return Object.fromEntries(new Headers(init?.headers));
}
