import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { taskMachine } from '../../machines/taskMachine.js';
import { toJSON } from '../chartExport.js';
import { InvalidArgumentError, TaskNotFoundError, TooltaskError } from '../errors.js';
import type { TaskManager } from '../manager.js';
import { assertOptions, describe } from '../validate.js';
import { pageScript } from './assets.js';
import { InspectorFeed } from './feed.js';
import { type PageDocument, pageDocument } from './html.js';
import { createInspectorMetrics } from './metrics.js';
import { streamFeed } from './pageStream.js';

/** Options of `serveInspector`. */
export interface InspectorOptions {
  /** The port to listen on; `0` (the default) picks a free one. */
  readonly port?: number | undefined;
  /** The address to bind. Default `127.0.0.1`: only this machine can connect. */
  readonly host?: string | undefined;
  /** Whether the page may cancel, fail and resume tasks. Default `false`: the page only watches. */
  readonly actions?: boolean | undefined;
  /** The secret every request must carry; default 24 random bytes. Give your own to keep one URL. */
  readonly token?: string | undefined;
  /** Where the URL is printed at start; `false` prints nothing. Default `console.log`. */
  readonly log?: ((line: string) => void) | false | undefined;
  /**
   * The cluster's processes, for a manager on a shared store: the page lists each (node id, lease
   * alive or lapsed, live tasks). With `tooltask/redis`: `nodes: () => store.cluster.nodes()`.
   */
  readonly nodes?: (() => Promise<readonly InspectorNode[]>) | undefined;
}

/** A process of the cluster, as the `nodes` option reports it. */
export interface InspectorNode {
  readonly id: string;
  readonly alive: boolean;
  /** The ms left on its lease; `0` when lapsed. */
  readonly leaseLeft: number;
  /** How many live tasks it owns. */
  readonly live: number;
}

/** A running inspector. */
export interface Inspector {
  /** The page's address, with the token in its fragment: `http://127.0.0.1:4100/#…`. */
  readonly url: string;
  readonly token: string;
  /** Stops the server and ends every open stream. */
  close(): Promise<void>;
}

const OPTIONS = ['port', 'host', 'actions', 'token', 'log', 'nodes'] as const;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
/** The most a request body may hold. */
const MAX_BODY = 64 * 1024;

/**
 * Serves a live inspector for a task manager: a page, shipped in the package (no CDN, nothing
 * fetched from the network), that shows the registry's counts, concurrency and queue, every task
 * in a virtualised list, and one task at a time with its statechart lit, its timeline and its
 * data. Changes stream to the page and resume after a reconnect without loss or repeats.
 *
 * Secure by default: it binds `127.0.0.1`, every request but the page itself needs the random
 * token (kept in the URL's fragment, which browsers never send, and sent as a bearer header),
 * requests from other origins or host names are refused, no CORS headers are sent, and actions
 * (cancel, fail, resume, through the manager's public API) are off unless `actions: true`.
 *
 * @example
 * ```ts
 * import { createTaskManager } from 'tooltask';
 * import { serveInspector } from 'tooltask/inspector';
 *
 * const tasks = createTaskManager();
 * const inspector = await serveInspector(tasks, { port: 0, log: false });
 * console.log(`open ${inspector.url}`); // http://127.0.0.1:PORT/#TOKEN
 * await inspector.close();
 * ```
 */
export async function serveInspector(manager: TaskManager, options: InspectorOptions = {}): Promise<Inspector> {
  assertOptions('options', options, OPTIONS);
  const { port = 0, host = '127.0.0.1', actions = false, log = console.log, nodes } = options;
  if (nodes !== undefined && typeof nodes !== 'function') {
    throw new InvalidArgumentError(`Expected \`nodes\` to be a function, got ${describe(nodes)}`);
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError(`Expected \`port\` to be an integer from 0 to 65535, got ${describe(port)}`);
  }
  if (typeof host !== 'string' || host === '') {
    throw new InvalidArgumentError(`Expected \`host\` to be a non-empty string, got ${describe(host)}`);
  }
  if (typeof actions !== 'boolean') {
    throw new InvalidArgumentError(`Expected \`actions\` to be a boolean, got ${describe(actions)}`);
  }
  const token = options.token ?? randomBytes(24).toString('base64url');
  if (typeof token !== 'string' || !/^[\w-]{16,}$/.test(token)) {
    throw new InvalidArgumentError('Expected `token` to be at least 16 letters, digits, `-` or `_`, got another value');
  }
  const expected = digest(token);
  const feed = new InspectorFeed(manager);
  await feed.start();
  const metrics = await createInspectorMetrics(manager, feed, nodes);
  const chart = JSON.stringify(toJSON(taskMachine));
  const streams = new Set<() => void>();
  let allowedHosts: Set<string> | undefined;
  let page: Promise<PageDocument> | undefined;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) response.destroy();
      else if (error instanceof RequestRefused) send(response, error.status, { error: error.body });
      else send(response, 500, { error: { name: 'Error', message: String(error) } });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://inspector');
    // A page on another name that resolves here (DNS rebinding) is not this page.
    if (allowedHosts !== undefined && !allowedHosts.has(request.headers.host ?? '')) {
      return send(response, 403, { error: { name: 'Forbidden', message: 'Unexpected Host' } });
    }
    const origin = request.headers.origin;
    // Either scheme: behind an HTTPS proxy that keeps the Host, the page's origin is https://.
    const host = request.headers.host ?? '';
    if (origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) {
      return send(response, 403, { error: { name: 'Forbidden', message: 'Requests from other origins are refused' } });
    }
    if (request.headers['sec-fetch-site'] === 'cross-site') {
      return send(response, 403, { error: { name: 'Forbidden', message: 'Requests from other sites are refused' } });
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, methodError(request));
      // Built once: the page is the same for every request, so a reload is a 304.
      page ??= pageScript().then(pageDocument);
      const { body, policy, etag } = await page;
      const fresh = request.headers['if-none-match'] === etag;
      response.writeHead(fresh ? 304 : 200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': policy,
        etag,
        ...COMMON_HEADERS,
        'cache-control': 'no-cache',
      });
      response.end(request.method === 'HEAD' || fresh ? undefined : body);
      return;
    }
    if (!authorized(request.headers.authorization)) {
      response.setHeader('www-authenticate', 'Bearer');
      return send(response, 401, { error: { name: 'Unauthorized', message: 'Expected the inspector token' } });
    }
    if (url.pathname === '/metrics') {
      if (request.method !== 'GET') return send(response, 405, methodError(request));
      if (metrics === undefined) {
        return send(response, 501, {
          error: { name: 'NotImplemented', message: 'Expected prom-client to be installed for /metrics, found none' },
        });
      }
      const text = await metrics.text();
      response.writeHead(200, { 'content-type': metrics.contentType, ...COMMON_HEADERS });
      response.end(text);
      return;
    }
    const [, api, resource, id, action, ...rest] = url.pathname.split('/');
    if (api !== 'api' || rest.length > 0) return send(response, 404, notFound());
    if (resource === 'events' && id === undefined) {
      if (request.method !== 'GET') return send(response, 405, methodError(request));
      return stream(request, response);
    }
    if (resource === 'nodes' && id === undefined) {
      if (request.method !== 'GET') return send(response, 405, methodError(request));
      if (nodes === undefined) return send(response, 404, notFound());
      const listed = await nodes();
      return send(
        response,
        200,
        listed.map(({ id: node, alive, leaseLeft, live }) => ({ id: node, alive, leaseLeft, live })),
      );
    }
    if (resource === 'chart' && id === undefined) {
      if (request.method !== 'GET') return send(response, 405, methodError(request));
      response.writeHead(200, { 'content-type': 'application/json', ...COMMON_HEADERS });
      response.end(chart);
      return;
    }
    if (resource !== 'tasks' || id === undefined) return send(response, 404, notFound());
    const taskId = decodePart(id);
    if (action === undefined) {
      if (request.method !== 'GET') return send(response, 405, methodError(request));
      const task = feed.task(taskId);
      return task === undefined ? send(response, 404, notFound()) : send(response, 200, task);
    }
    if (request.method !== 'POST') return send(response, 405, methodError(request));
    if (!actions) {
      return send(response, 403, {
        error: { name: 'Forbidden', message: 'Actions are off (serveInspector actions: true)' },
      });
    }
    if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
      return send(response, 415, { error: { name: 'UnsupportedMediaType', message: 'Expected application/json' } });
    }
    const body = await readJson(request);
    const text = typeof body.message === 'string' ? body.message : undefined;
    try {
      const done =
        action === 'cancel'
          ? await manager.cancel(taskId, text)
          : action === 'fail'
            ? await manager.fail(taskId, text ?? 'failed from the inspector')
            : action === 'resume'
              ? await manager.resume(taskId, text)
              : undefined;
      if (done === undefined) return send(response, 404, notFound());
      return send(response, 200, { state: done.state, seq: done.seq });
    } catch (error) {
      const status = error instanceof TaskNotFoundError ? 404 : error instanceof TooltaskError ? 409 : 500;
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      const code = error instanceof TooltaskError ? error.code : undefined;
      return send(response, status, { error: { name, message, ...(code === undefined ? {} : { code }) } });
    }
  }

  function stream(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      ...COMMON_HEADERS,
    });
    const last = request.headers['last-event-id'];
    const stop = streamFeed(
      response,
      feed,
      { actions, nodes: nodes !== undefined },
      typeof last === 'string' ? last : undefined,
    );
    streams.add(stop);
    response.on('close', () => streams.delete(stop));
  }

  function authorized(header: string | undefined): boolean {
    // The scheme is case-insensitive (RFC 9110): `bearer` is as good as `Bearer`.
    const match = header === undefined ? null : /^bearer +(\S+) *$/i.exec(header);
    return match !== null && timingSafeEqual(digest(match[1] as string), expected);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  if (LOOPBACK.has(host)) {
    allowedHosts = new Set([`127.0.0.1:${bound}`, `localhost:${bound}`, `[::1]:${bound}`]);
  }
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${bound}/#${token}`;
  if (log !== false) log(`tooltask inspector: ${url}`);
  return {
    url,
    token,
    close: async () => {
      feed.stop();
      metrics?.stop();
      for (const stop of streams) stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

const COMMON_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
} as const;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', ...COMMON_HEADERS });
  response.end(JSON.stringify(body));
}

function notFound() {
  return { error: { name: 'NotFound', message: 'No such resource' } };
}

function methodError(request: IncomingMessage) {
  return { error: { name: 'MethodNotAllowed', message: `Expected another method, got ${request.method ?? '?'}` } };
}

/** A request the server answers with a 4xx and says why. */
class RequestRefused extends Error {
  readonly status: number;
  readonly body: { readonly name: string; readonly message: string };
  constructor(status: number, name: string, message: string) {
    super(message);
    this.status = status;
    this.body = { name, message };
  }
}

/** A path segment, `%`-escapes decoded; a malformed one is the client's mistake (400). */
function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new RequestRefused(400, 'BadRequest', `Expected a path with valid %-escapes, got \`${part.slice(0, 100)}\``);
  }
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) {
      throw new RequestRefused(413, 'PayloadTooLarge', `Expected a body of at most ${MAX_BODY} bytes, got more`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RequestRefused(400, 'BadRequest', `Expected a JSON body, got \`${text.slice(0, 100)}\``);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RequestRefused(400, 'BadRequest', `Expected a JSON object, got \`${text.slice(0, 100)}\``);
  }
  return parsed as Record<string, unknown>;
}
