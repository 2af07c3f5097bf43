import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { InvalidArgumentError } from '../errors.js';
import { assertOptions, describe } from '../validate.js';
import type { McpFetch } from './mcpTaskHttp.js';

/** Options of `toNodeListener`. */
export interface McpNodeListenerOptions {
  /**
   * Who the caller is, from the request (verify its bearer token here): tasks belong to this
   * principal. `undefined` is the unauthenticated caller. Default: every caller is unauthenticated.
   */
  readonly authInfo?:
    | ((request: IncomingMessage) => AuthInfo | undefined | PromiseLike<AuthInfo | undefined>)
    | undefined;
}

/** A `node:http` request listener: what `createServer(listener)` takes. */
export type McpNodeListener = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

const OPTIONS = ['authInfo'] as const;

/**
 * Serves a web-standard MCP endpoint (`mcpTasks.fetch(handler)`, or `createMcpHandler(...).fetch`)
 * on `node:http`: the request becomes a `Request` whose `signal` aborts when the client goes away,
 * the `Response` is streamed back chunk by chunk (so `subscriptions/listen` and other SSE answers
 * flow as they are written), and `authInfo(request)` names the principal.
 *
 * A failure of the endpoint itself answers `500` with a JSON-RPC `-32603` error; it never throws
 * into the HTTP server.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
 * import { createTaskManager } from 'tooltask';
 * import { McpTasks, toNodeListener } from 'tooltask/mcp-tasks';
 *
 * const mcpTasks = new McpTasks(createTaskManager());
 * const handler = createMcpHandler(() => {
 *   const server = new McpServer({ name: 'jobs', version: '1.0.0' });
 *   mcpTasks.serve(server);
 *   return server;
 * });
 * const listener = toNodeListener(mcpTasks.fetch(handler), {
 *   // Verify the token in earnest (e.g. the SDK's verifyBearerToken); this trusts it as a name.
 *   authInfo: (request) => {
 *     const token = request.headers.authorization?.replace(/^Bearer /, '');
 *     return token === undefined ? undefined : { token, clientId: token, scopes: [] };
 *   },
 * });
 * createServer(listener).listen(3000, '127.0.0.1');
 * ```
 */
export function toNodeListener(fetch: McpFetch, options: McpNodeListenerOptions = {}): McpNodeListener {
  if (typeof fetch !== 'function') {
    throw new InvalidArgumentError(`Expected \`fetch\` to be an MCP fetch handler, got ${describe(fetch)}`);
  }
  assertOptions('options', options, OPTIONS);
  const { authInfo } = options;
  if (authInfo !== undefined && typeof authInfo !== 'function') {
    throw new InvalidArgumentError(`Expected \`authInfo\` to be a function, got ${describe(authInfo)}`);
  }
  return async (req, res) => {
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    let response: Response;
    try {
      const request = await toRequest(req, gone.signal);
      const auth = await authInfo?.(req);
      response = await fetch(request, auth === undefined ? undefined : { authInfo: auth });
    } catch (error) {
      response = Response.json(
        { jsonrpc: '2.0', id: null, error: { code: -32603, message: `Internal error: ${String(error)}` } },
        { status: 500 },
      );
    }
    await write(response, res);
  };
}

async function toRequest(req: IncomingMessage, signal: AbortSignal): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
    method: req.method ?? 'GET',
    headers,
    signal,
    ...(chunks.length === 0 ? {} : { body: Buffer.concat(chunks) }),
  });
}

async function write(response: Response, res: ServerResponse): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  // A stream's client learns it is open before the first event comes.
  res.flushHeaders();
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  res.on('close', () => {
    reader.cancel().catch(() => {});
  });
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true as const, value: undefined }));
    if (done) break;
    res.write(value);
  }
  res.end();
}
