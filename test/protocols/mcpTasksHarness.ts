import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import {
  type ApplicationInputRequest,
  createTaskSessionFromClient,
  type JsonRpcResponse,
  type TaskEnabledSession,
} from '@modelcontextprotocol/ext-tasks/client';
import { type AuthInfo, createMcpHandler, McpServer, ProtocolError } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { createTaskManager, type TaskManager } from '../../src/index.js';
import { McpTasks, type McpTasksOptions, toNodeListener } from '../../src/protocols/mcpTasks.js';

export const PROTOCOL_VERSION = '2026-07-28';
export const EXTENSION = 'io.modelcontextprotocol/tasks';
const CLIENT_INFO = { name: 'tooltask-test', version: '1.0.0' };

/** A fetch that reaches the endpoint, in process or over loopback HTTP, as one principal. */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface Endpoint {
  readonly url: string;
  /** A fetch that calls the endpoint as `principal` (a bearer token the test's verifier trusts). */
  fetchAs(principal?: string): Fetch;
  close(): Promise<void>;
}

export interface Tools {
  readonly mcpTasks: McpTasks;
  readonly tasks: TaskManager;
  /** Every work's signal, by task id. */
  readonly signals: Map<string, AbortSignal>;
  /** Lets a `hold` work finish with its text. */
  readonly release: Map<string, (text: string) => void>;
}

/** The tools every test server has. */
function defineTools(tools: Tools): void {
  const { mcpTasks, signals, release } = tools;
  mcpTasks.tool(
    'steps',
    { inputSchema: z.object({ steps: z.number().int().min(1) }) },
    async ({ steps }, { id, signal, progress }) => {
      signals.set(id, signal);
      for (let step = 1; step <= steps; step++) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        signal.throwIfAborted();
        progress(step / steps, `step ${step} of ${steps}`);
      }
      return { content: [{ type: 'text', text: `did ${steps} steps` }] };
    },
  );
  mcpTasks.tool('hold', { inputSchema: z.object({}) }, async (_args, { id, signal }) => {
    signals.set(id, signal);
    const text = await new Promise<string>((resolve, reject) => {
      release.set(id, resolve);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    return { content: [{ type: 'text', text }] };
  });
  mcpTasks.tool('optional', { inputSchema: z.object({}), taskSupport: 'optional' }, async () => ({
    content: [{ type: 'text', text: 'plain or task' }],
  }));
  // No inputSchema: the SDK calls such a tool with its context alone.
  mcpTasks.tool('tool-error', {}, async () => ({
    content: [{ type: 'text', text: 'no such city' }],
    isError: true,
  }));
  mcpTasks.tool('rpc-error', { inputSchema: z.object({}) }, async () => {
    throw new ProtocolError(-32001, 'Upstream rate limit exceeded', { retryAfter: 5 });
  });
  mcpTasks.tool('crash', { inputSchema: z.object({}) }, async () => {
    throw new Error('disk on fire');
  });
  mcpTasks.tool(
    'greet',
    { inputSchema: z.object({ questions: z.number().int().min(1).default(1) }) },
    async ({ questions }, { ask, id, signal }) => {
      signals.set(id, signal);
      const names: string[] = [];
      for (let i = 0; i < questions; i++) {
        const answer = await ask<{ action: string; content?: { name?: string } }>({
          message: 'Your name?',
          request: {
            method: 'elicitation/create',
            params: {
              mode: 'form',
              message: `Please enter name ${i + 1}.`,
              requestedSchema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
            },
          },
        });
        names.push(answer.action === 'accept' ? (answer.content?.name ?? '?') : `(${answer.action})`);
      }
      return { content: [{ type: 'text', text: `Hello, ${names.join(' and ')}!` }] };
    },
  );
  mcpTasks.tool('pair', { inputSchema: z.object({}) }, async (_args, { ask, id, signal }) => {
    signals.set(id, signal);
    const question = (field: string) =>
      ask<{ action: string; content?: Record<string, string> }>({
        request: {
          method: 'elicitation/create',
          params: {
            mode: 'form',
            message: `Your ${field}?`,
            requestedSchema: { type: 'object', properties: { [field]: { type: 'string' } } },
          },
        },
      });
    const [first, last] = await Promise.all([question('first'), question('last')]);
    return { content: [{ type: 'text', text: `${first.content?.first} ${last.content?.last}` }] };
  });
}

export function createTools(options: McpTasksOptions = {}, tasks: TaskManager = createTaskManager()): Tools {
  const tools = {
    mcpTasks: new McpTasks(tasks, { pollInterval: 5, ...options }),
    tasks,
    signals: new Map(),
    release: new Map(),
  };
  defineTools(tools);
  return tools;
}

function handlerFor(tools: Tools) {
  return createMcpHandler(() => {
    const server = new McpServer({ name: 'tooltask-test', version: '1.0.0' });
    tools.mcpTasks.serve(server);
    return server;
  });
}

function authFor(principal: string | undefined): { authInfo?: AuthInfo } {
  return principal === undefined ? {} : { authInfo: { token: principal, clientId: principal, scopes: [] } };
}

/** The endpoint served in process: `fetch` calls the handler directly. */
export function inProcess(tools: Tools): Endpoint {
  const handler = handlerFor(tools);
  const fetch = tools.mcpTasks.fetch(handler);
  return {
    url: 'http://in.process/mcp',
    fetchAs: (principal) => (input, init) => fetch(new Request(input, init), authFor(principal)),
    close: () => handler.close(),
  };
}

/** The endpoint served over Streamable HTTP on a loopback port; the bearer token names the principal. */
export async function overHttp(tools: Tools): Promise<Endpoint> {
  const handler = handlerFor(tools);
  const server: Server = createServer(
    toNodeListener(tools.mcpTasks.fetch(handler), {
      authInfo: (req) => authFor(req.headers.authorization?.replace(/^Bearer /, '')).authInfo,
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
  return {
    url,
    fetchAs: (principal) => (input, init) => {
      const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
      if (principal !== undefined) headers.set('authorization', `Bearer ${principal}`);
      return globalThis.fetch(input, { ...init, headers });
    },
    close: async () => {
      await handler.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let nextId = 1;

export interface RawOptions {
  /** Declare the extension in the request's per-request capabilities. Default: true. */
  readonly declare?: boolean;
}

/** The per-request `_meta` envelope of a 2026-07-28 request. */
export function envelope(declare: boolean): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': PROTOCOL_VERSION,
    'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
    'io.modelcontextprotocol/clientCapabilities': declare ? { extensions: { [EXTENSION]: {} } } : {},
  };
}

/** Posts one JSON-RPC request as the wire carries it, and answers its response body. */
export async function post(fetch: Fetch, url: string, message: Record<string, unknown>): Promise<Response> {
  const method = String(message.method);
  const params = message.params as { name?: unknown; taskId?: unknown } | undefined;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': PROTOCOL_VERSION,
    'mcp-method': method,
  };
  const name = method === 'tools/call' ? params?.name : params?.taskId;
  if (typeof name === 'string' && /^[\x20-\x7e]*$/.test(name)) headers['mcp-name'] = name;
  return fetch(url, { method: 'POST', headers, body: JSON.stringify(message) });
}

export interface RpcResponse {
  readonly result?: Record<string, unknown>;
  readonly error?: { code: number; message: string; data?: unknown };
}

/** A raw JSON-RPC request with the 2026-07-28 envelope. */
export async function rpc(
  fetch: Fetch,
  url: string,
  method: string,
  params: Record<string, unknown> = {},
  { declare = true }: RawOptions = {},
): Promise<RpcResponse> {
  const response = await post(fetch, url, {
    jsonrpc: '2.0',
    id: nextId++,
    method,
    params: { ...params, _meta: { ...(params._meta as object), ...envelope(declare) } },
  });
  return parseBody(await response.text());
}

/** A JSON body, or the last JSON-RPC response of an SSE body. */
export function parseBody(text: string): RpcResponse {
  if (text.trimStart().startsWith('{')) return JSON.parse(text) as RpcResponse;
  const messages = sseMessages(text).filter((message) => 'result' in message || 'error' in message);
  const last = messages.at(-1);
  if (last === undefined) throw new Error(`Expected a JSON-RPC response, got ${text.slice(0, 200)}`);
  return last as RpcResponse;
}

export function sseMessages(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>);
}

export type InputHandler = (request: ApplicationInputRequest) => Promise<unknown>;

/**
 * The official requester: an SDK v2 `Client` negotiated to 2026-07-28, under
 * `@modelcontextprotocol/ext-tasks`'s task session, whose V2 task traffic goes through `rawDispatch`.
 */
export async function officialSession(
  endpoint: Endpoint,
  principal?: string,
  onInputRequest?: InputHandler,
): Promise<{ session: TaskEnabledSession; client: Client; close(): Promise<void> }> {
  const fetch = endpoint.fetchAs(principal);
  const client = new Client(CLIENT_INFO, { versionNegotiation: { mode: 'auto' } });
  await client.connect(new StreamableHTTPClientTransport(new URL(endpoint.url), { fetch }));
  const rawDispatch = async (request: unknown, options?: { signal?: AbortSignal }): Promise<JsonRpcResponse> => {
    const response = await post(
      (input, init) => fetch(input, { ...init, ...(options?.signal ? { signal: options.signal } : {}) }),
      endpoint.url,
      { jsonrpc: '2.0', id: nextId++, ...(request as object) },
    );
    const body = parseBody(await response.text());
    return body.error === undefined
      ? { kind: 'result', result: (body.result ?? {}) as never }
      : { kind: 'error', error: body.error as never };
  };
  const session = createTaskSessionFromClient(client, {
    endpointId: `tooltask-test-${principal ?? 'anonymous'}`,
    rawDispatch,
    v2RequestFraming: { protocolVersion: PROTOCOL_VERSION, clientInfo: CLIENT_INFO, clientCapabilities: {} },
    ...(onInputRequest === undefined ? {} : { onInputRequest: onInputRequest as never }),
    onError: () => {},
  });
  return {
    session,
    client,
    close: async () => {
      await session.close();
      await client.close();
    },
  };
}
