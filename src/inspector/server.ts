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
import { pageHtml } from './html.js';

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
}

/** A running inspector. */
export interface Inspector {
  /** The page's address, with the token in its fragment: `http://127.0.0.1:4100/#…`. */
  readonly url: string;
  readonly token: string;
  /** Stops the server and ends every open stream. */
  close(): Promise<void>;
}

const OPTIONS = ['port', 'host', 'actions', 'token', 'log'] as const;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
/** A page that reads slower than this many buffered bytes is cut off; it reconnects and resumes. */
const MAX_BUFFERED = 16 * 1024 * 1024;
const HEARTBEAT = 15_000;

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
  const { port = 0, host = '127.0.0.1', actions = false, log = console.log } = options;
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
  const chart = JSON.stringify(toJSON(taskMachine));
  const streams = new Set<ServerResponse>();
  let allowedHosts: Set<string> | undefined;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) send(response, 500, { error: { name: 'Error', message: String(error) } });
      else response.destroy();
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://inspector');
    // A page on another name that resolves here (DNS rebinding) is not this page.
    if (allowedHosts !== undefined && !allowedHosts.has(request.headers.host ?? '')) {
      return send(response, 403, { error: { name: 'Forbidden', message: 'Unexpected Host' } });
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${request.headers.host ?? ''}`) {
      return send(response, 403, { error: { name: 'Forbidden', message: 'Requests from other origins are refused' } });
    }
    if (request.headers['sec-fetch-site'] === 'cross-site') {
      return send(response, 403, { error: { name: 'Forbidden', message: 'Requests from other sites are refused' } });
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, methodError(request));
      const nonce = randomBytes(16).toString('base64');
      const html = pageHtml(await pageScript(), nonce);
      response.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
        ...COMMON_HEADERS,
      });
      response.end(request.method === 'HEAD' ? undefined : html);
      return;
    }
    if (!authorized(request.headers.authorization)) {
      response.setHeader('www-authenticate', 'Bearer');
      return send(response, 401, { error: { name: 'Unauthorized', message: 'Expected the inspector token' } });
    }
    const [, api, resource, id, action, ...rest] = url.pathname.split('/');
    if (api !== 'api' || rest.length > 0) return send(response, 404, notFound());
    if (resource === 'events' && id === undefined) {
      if (request.method !== 'GET') return send(response, 405, methodError(request));
      return stream(request, response);
    }
    if (resource === 'chart' && id === undefined) {
      if (request.method !== 'GET') return send(response, 405, methodError(request));
      response.writeHead(200, { 'content-type': 'application/json', ...COMMON_HEADERS });
      response.end(chart);
      return;
    }
    if (resource !== 'tasks' || id === undefined) return send(response, 404, notFound());
    const taskId = decodeURIComponent(id);
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
    const write = (n: number, event: string, data: unknown) => {
      response.write(`id: ${n}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      if (response.writableLength > MAX_BUFFERED) response.destroy();
    };
    const last = Number(request.headers['last-event-id']);
    const missed = Number.isInteger(last) ? feed.since(last) : undefined;
    if (missed === undefined) write(feed.n, 'reset', feed.reset(actions));
    else write(feed.n, 'changes', missed);
    const stop = feed.listen((n, changes) => write(n, 'changes', changes));
    const heartbeat = setInterval(() => response.write(': still here\n\n'), HEARTBEAT);
    streams.add(response);
    response.on('close', () => {
      stop();
      clearInterval(heartbeat);
      streams.delete(response);
    });
  }

  function authorized(header: string | undefined): boolean {
    if (header === undefined || !header.startsWith('Bearer ')) return false;
    return timingSafeEqual(digest(header.slice('Bearer '.length)), expected);
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
      for (const response of streams) response.destroy();
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

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > 64 * 1024) throw new InvalidArgumentError('Expected a body under 64 KB');
  }
  if (text === '') return {};
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
}
