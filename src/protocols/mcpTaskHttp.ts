import {
  type McpHandlerRequestOptions,
  type McpHttpHandler,
  SUBSCRIPTION_ID_META_KEY,
} from '@modelcontextprotocol/server';
import type { Subscription } from 'rxjs';
import { InvalidArgumentError } from '../errors.js';
import type { TaskManager } from '../manager.js';
import type { TaskSnapshot } from '../task.js';
import { describe } from '../validate.js';
import { declaresTasks, isRecord, missingCapabilityError } from './mcpTaskWire.js';

/**
 * What the task routes need of `McpTasks` (which builds them in its `fetch`): named here, so
 * this file does not import the one that imports it.
 */
export interface TaskRoutesHost {
  readonly manager: TaskManager;
  requiresTask(name: string): boolean;
  find(taskId: string, authInfo: McpHandlerRequestOptions['authInfo']): Promise<TaskSnapshot | undefined>;
  /** The task as the extension's `tasks/get` shows it. */
  detail(snapshot: TaskSnapshot): object;
}

/** A web-standard MCP endpoint: what `createMcpHandler(...).fetch` is. */
export type McpFetch = (request: Request, options?: McpHandlerRequestOptions) => Promise<Response>;

/** The most task ids one `subscriptions/listen` may name. */
export const MAX_SUBSCRIBED_TASKS = 1000;

const KEEP_ALIVE_MS = 15_000;

interface JsonRpcRequest {
  readonly id: string | number;
  readonly method: string;
  readonly params: Record<string, unknown>;
}

/**
 * Wraps an SDK v2 HTTP handler with the parts of the Tasks extension its entry cannot serve
 * (`McpTasks.fetch` calls it):
 *
 * - a `tools/call` of a task-only tool whose request does not declare the extension gets `-32021`
 *   with `requiredCapabilities` (behind the entry, `McpServer` would turn it into an `isError`
 *   result);
 * - a `subscriptions/listen` whose `notifications` name `taskIds` gets an SSE stream that
 *   acknowledges the ids it honours (`notifications/subscriptions/acknowledged`) and then sends
 *   `notifications/tasks` with the full `DetailedTask` on every change of each, the current one
 *   first; the stream ends (with the listen request's result) once every honoured task has ended,
 *   or when the client goes away. Without a declared extension it is `-32021`. Ids the caller
 *   cannot see (unknown, or another principal's) are left out of the acknowledgement, as the SDK
 *   does for filters it cannot honour. The stream honours `taskIds` only: list-changed and
 *   resource filters go on a listen of their own.
 */
export function withTaskRoutes(handler: Pick<McpHttpHandler, 'fetch'>, mcpTasks: TaskRoutesHost): McpFetch {
  if (typeof handler?.fetch !== 'function') {
    throw new InvalidArgumentError(`Expected \`handler\` to be an MCP HTTP handler, got ${describe(handler)}`);
  }
  return async (request, options) => {
    if (request.method !== 'POST') return handler.fetch(request, options);
    const body =
      options?.parsedBody ??
      (await request
        .clone()
        .json()
        .catch(() => undefined));
    const message = toRequest(body);
    if (message === undefined) return handler.fetch(request, options);
    const declared = declaresTasks(message.params._meta);
    if (message.method === 'tools/call') {
      const name = message.params.name;
      if (declared || typeof name !== 'string' || !mcpTasks.requiresTask(name)) return handler.fetch(request, options);
      return rpcError(message.id, missingCapabilityError());
    }
    const notifications = message.params.notifications;
    if (message.method !== 'subscriptions/listen' || !isRecord(notifications) || notifications.taskIds === undefined) {
      return handler.fetch(request, options);
    }
    if (!declared) return rpcError(message.id, missingCapabilityError());
    const taskIds = notifications.taskIds;
    if (
      !Array.isArray(taskIds) ||
      taskIds.length > MAX_SUBSCRIBED_TASKS ||
      !taskIds.every((id): id is string => typeof id === 'string')
    ) {
      return rpcError(message.id, {
        code: -32602,
        message: `Invalid params: expected \`notifications.taskIds\` to be at most ${MAX_SUBSCRIBED_TASKS} strings, got ${describe(taskIds)}`,
      });
    }
    const honoured: string[] = [];
    for (const id of new Set(taskIds)) {
      if ((await mcpTasks.find(id, options?.authInfo)) !== undefined) honoured.push(id);
    }
    return stream(mcpTasks, message.id, honoured, request.signal);
  };
}

function stream(
  mcpTasks: TaskRoutesHost,
  subscriptionId: string | number,
  taskIds: string[],
  signal: AbortSignal,
): Response {
  const encoder = new TextEncoder();
  const meta = { [SUBSCRIPTION_ID_META_KEY]: subscriptionId };
  const subscriptions: Subscription[] = [];
  let controller: ReadableStreamDefaultController<Uint8Array>;
  let keepAlive: ReturnType<typeof setInterval> | undefined;
  let open = true;
  let live = taskIds.length;
  const write = (message: object) => {
    if (open) controller.enqueue(encoder.encode(`event: message\ndata: ${JSON.stringify(message)}\n\n`));
  };
  const close = (graceful: boolean) => {
    if (!open) return;
    if (graceful) write({ jsonrpc: '2.0', id: subscriptionId, result: { resultType: 'complete', _meta: meta } });
    open = false;
    clearInterval(keepAlive);
    signal.removeEventListener('abort', abort);
    for (const subscription of subscriptions) subscription.unsubscribe();
    try {
      controller.close();
    } catch {
      // Already closed by the client.
    }
  };
  const abort = () => close(false);
  const ended = () => {
    live -= 1;
    if (live === 0) close(true);
  };
  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      write({
        jsonrpc: '2.0',
        method: 'notifications/subscriptions/acknowledged',
        params: { notifications: { taskIds }, _meta: meta },
      });
      if (taskIds.length === 0) return close(true);
      keepAlive = setInterval(() => {
        if (open) controller.enqueue(encoder.encode(': keepalive\n\n'));
      }, KEEP_ALIVE_MS);
      for (const id of taskIds) {
        subscriptions.push(
          mcpTasks.manager.subscribe(id).subscribe({
            next: (snapshot) =>
              write({
                jsonrpc: '2.0',
                method: 'notifications/tasks',
                params: { ...mcpTasks.detail(snapshot), _meta: meta },
              }),
            complete: ended,
            // Removed meanwhile: nothing more will come for it.
            error: ended,
          }),
        );
      }
    },
    cancel: abort,
  });
  if (signal.aborted) abort();
  else signal.addEventListener('abort', abort, { once: true });
  return new Response(body, {
    status: 200,
    headers: {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
    },
  });
}

/** A JSON-RPC request with object params, or undefined for anything else (a batch, a response). */
function toRequest(body: unknown): JsonRpcRequest | undefined {
  if (!isRecord(body) || typeof body.method !== 'string' || !isRecord(body.params)) return undefined;
  const id = body.id;
  return typeof id === 'string' || typeof id === 'number'
    ? { id, method: body.method, params: body.params }
    : undefined;
}

function rpcError(id: string | number, error: { code: number; message: string; data?: unknown }): Response {
  return Response.json({ jsonrpc: '2.0', id, error });
}
