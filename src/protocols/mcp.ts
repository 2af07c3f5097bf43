import type {
  CreateTaskOptions,
  CreateTaskRequestHandlerExtra,
  TaskStore,
  ToolTaskHandler,
} from '@modelcontextprotocol/sdk/experimental/tasks';
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ShapeOutput, ZodRawShapeCompat } from '@modelcontextprotocol/sdk/server/zod-compat.js';
import {
  type CallToolResult,
  CreateMessageResultSchema,
  ElicitResultSchema,
  ErrorCode,
  GetTaskPayloadRequestSchema,
  ListTasksRequestSchema,
  McpError,
  RELATED_TASK_META_KEY,
  type Request,
  type RequestId,
  type Result,
  type Task,
  type ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { InvalidArgumentError, InvalidTransitionError } from '../errors.js';
import { storedSnapshot, type TaskManager, type TaskWork, type WorkContext } from '../manager.js';
import { isTerminal, type TaskAwaiting, type TaskInputRequest, type TaskSnapshot, type TaskState } from '../task.js';
import { assertDuration, describe, MAX_TASK_ID_LENGTH } from '../validate.js';
import { bindingOf, findTask, isRunTask } from './binding.js';
import { type CursorSeal, createCursorSeal } from './cursorSeal.js';
import { errorData, statusOf, toToolResult, ttlFromCreation } from './mcpShared.js';
import { scanPage } from './scan.js';

/** The MCP task status a tooltask state maps to (MCP 2025-11-25 `Task.status`). */
export type McpTaskStatus = Task['status'];

/** Options of `McpTaskStore`. */
export interface McpTaskStoreOptions {
  /** The `pollInterval` (ms) tasks advertise, unless the creator asks for another. Default: 1000. */
  readonly pollInterval?: number;
  /**
   * The ttl (ms) of a task whose client asks for none; `null` keeps it until deleted. Default:
   * 3,600,000 (one hour after the task ends), so a server is bounded even when clients send no ttl.
   */
  readonly defaultTtl?: number | null;
  /** The largest ttl (ms) a client may ask for; larger or `null` requests get this. Default: no cap. */
  readonly maxTtl?: number;
  /** Tasks per `tasks/list` page, from 1 to 1000. Default: 100. */
  readonly pageSize?: number;
  /**
   * The secret `tasks/list` cursors are sealed with (AES-GCM), so a cursor tells nothing about how
   * many tasks the server made and works only in the session it was given to. Give every instance
   * sharing a store the same secret; default: a random one per `McpTaskStore`.
   */
  readonly cursorSecret?: string;
}

/** Options of `McpTaskStore.run`. */
export interface McpRunOptions {
  /** The MCP session the task belongs to: other sessions can neither see nor cancel it. */
  readonly sessionId?: string | undefined;
  /** The ttl the client asked for (`params.task.ttl`), capped by the store's `maxTtl`. */
  readonly ttl?: number | null | undefined;
  /** The poll interval to advertise; default the store's `pollInterval`. */
  readonly pollInterval?: number | undefined;
  /** Fails the task with `TaskTimeoutError` after this many ms of work. */
  readonly timeout?: number | undefined;
}

/** What the MCP side of a task remembers, kept frozen in the tooltask task's metadata. */
interface McpBinding {
  readonly sessionId: string | undefined;
  readonly pollInterval: number;
  /**
   * The request the task answers (`tools/call`, `elicitation/create`, `sampling/createMessage`...):
   * only a tool call's result is a `CallToolResult`. Absent on tasks stored before it was kept.
   */
  readonly method?: string;
}

/**
 * The failure a tool reported as a `CallToolResult` (`storeTaskResult(id, 'failed', result)`): the
 * tooltask task fails with it, and `tasks/result` answers with that very result.
 */
export class McpToolError extends Error {
  override name = 'McpToolError' as const;
  /** The result `tasks/result` answers with. */
  readonly result: Result;
  constructor(result: Result) {
    super(`Expected the tool to succeed, got a failed result: ${firstText(result) ?? 'no text content'}`);
    this.result = result;
  }
}

const BINDING = 'mcp';
/**
 * Tasks of `registerTaskTool` whose client has not read them yet (`tasks/get`), by id: a request
 * sent straight to the client waits for that read, as a client only answers requests of tasks it
 * tracks (`@modelcontextprotocol/ext-tasks` refuses others).
 */
const unread = new Map<string, { readonly read: Promise<void>; readonly resolve: () => void }>();
const MAX_SCAN = 10_000;
const DEFAULT_TTL = 3_600_000;

/**
 * Maps a tooltask state to an MCP task status.
 *
 * `pending` and `running` are both `working` (MCP has no queued status); the final states map one to
 * one. A running task awaiting its client (`requestInput`) is `input_required`.
 *
 * @example
 * ```ts
 * import { toMcpStatus } from 'tooltask/mcp';
 * toMcpStatus('pending'); // 'working'
 * toMcpStatus('complete'); // 'completed'
 * ```
 */
export function toMcpStatus(state: TaskState, awaiting?: TaskAwaiting): McpTaskStatus {
  return statusOf(state, awaiting);
}

/**
 * Maps a tooltask snapshot to an MCP 2025-11-25 `Task`.
 *
 * Times become ISO strings, a failed task's error message becomes its `statusMessage`, and
 * `pollInterval` is the one the task was created with. `ttl` is what 2025-11-25 means by it, ms from
 * creation: tooltask keeps a task for its retention after it ends and never evicts a working one, so
 * an ended task says `completedAt − createdAt + retention`, a working one `updatedAt − createdAt +
 * retention` (the retention at creation, growing with each update: the task is kept at least that
 * long), and a kept-forever task `null`.
 *
 * @example
 * ```ts
 * import { createTaskManager } from 'tooltask';
 * import { toMcpTask } from 'tooltask/mcp';
 * const tasks = createTaskManager();
 * const task = toMcpTask(await tasks.create('a', { ttl: 60_000 }));
 * task.status; // 'working'
 * task.ttl; // 60000
 * ```
 */
export function toMcpTask(snapshot: TaskSnapshot, options?: { readonly pollInterval?: number }): Task {
  const pollInterval = bindingOf<McpBinding>(snapshot, BINDING)?.pollInterval ?? options?.pollInterval;
  const statusMessage = snapshot.state === 'failed' ? (snapshot.error?.message ?? snapshot.message) : snapshot.message;
  return {
    taskId: snapshot.id,
    status: toMcpStatus(snapshot.state, snapshot.awaiting),
    ttl: ttlFromCreation(snapshot),
    createdAt: new Date(snapshot.createdAt).toISOString(),
    lastUpdatedAt: new Date(snapshot.updatedAt).toISOString(),
    ...(pollInterval === undefined ? {} : { pollInterval }),
    ...(statusMessage === undefined ? {} : { statusMessage }),
  };
}

/**
 * The MCP SDK's experimental `TaskStore` on a tooltask manager: pass it to `McpServer` as
 * `taskStore` and `tasks/get`, `tasks/result`, `tasks/list` and `tasks/cancel` read and drive
 * tooltask tasks.
 *
 * - `tasks/cancel` reaches `updateTaskStatus(id, 'cancelled')`, which cancels the tooltask task: a
 *   `run()` work's `AbortSignal` aborts. Cancelling a finished task is `-32602` (Invalid params),
 *   and a cancelled task stays cancelled.
 * - The MCP `ttl` becomes the tooltask task's retention, which only counts once the task has ended:
 *   a working task is never evicted. The `ttl` a `Task` reports counts from creation, as the spec
 *   says (see `toMcpTask`).
 * - A task belongs to the session that created it (the SDK passes the transport's `sessionId`):
 *   another session gets "not found" for it and never sees it in `tasks/list`. Tasks created
 *   without a session are visible to session-less callers only.
 * - `tasks/list` pages with the manager's cursors, O(pageSize) per page (at most 10,000 hidden
 *   tasks of other sessions are skipped per call; the page then ends early with a cursor).
 * - `getTaskResult` waits for the end with `manager.wait()`; see `serveTaskResults` for making
 *   `tasks/result` wait that way too instead of the SDK's polling loop.
 *
 * @example
 * ```ts
 * import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
 * import { createTaskManager } from 'tooltask';
 * import { McpTaskStore } from 'tooltask/mcp';
 *
 * const tasks = createTaskManager();
 * const taskStore = new McpTaskStore(tasks, { pollInterval: 500 });
 * const server = new McpServer(
 *   { name: 'jobs', version: '1.0.0' },
 *   { capabilities: { tools: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } }, taskStore },
 * );
 * ```
 */
export class McpTaskStore implements TaskStore {
  readonly #manager: TaskManager;
  readonly #pollInterval: number;
  readonly #defaultTtl: number | null;
  readonly #maxTtl: number | undefined;
  readonly #pageSize: number;
  readonly #cursors: CursorSeal;

  constructor(manager: TaskManager, options: McpTaskStoreOptions = {}) {
    if (typeof manager?.page !== 'function' || typeof manager.wait !== 'function') {
      throw new InvalidArgumentError(`Expected \`manager\` to be a TaskManager, got ${describe(manager)}`);
    }
    const { pollInterval = 1000, defaultTtl = DEFAULT_TTL, maxTtl, pageSize = 100, cursorSecret } = options;
    assertDuration('pollInterval', pollInterval);
    if (defaultTtl !== null) assertDuration('defaultTtl', defaultTtl);
    if (maxTtl !== undefined) assertDuration('maxTtl', maxTtl);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
      throw new InvalidArgumentError(
        `Expected \`pageSize\` to be a whole number from 1 to 1000, got ${describe(pageSize)}`,
      );
    }
    this.#manager = manager;
    this.#pollInterval = pollInterval;
    this.#defaultTtl = defaultTtl;
    this.#maxTtl = maxTtl;
    this.#pageSize = pageSize;
    if (cursorSecret !== undefined && (typeof cursorSecret !== 'string' || cursorSecret.length < 16)) {
      throw new InvalidArgumentError(
        `Expected \`cursorSecret\` to be a string of at least 16 characters, got ${describe(cursorSecret)}`,
      );
    }
    this.#cursors = createCursorSeal(cursorSecret);
  }

  /** The tooltask manager the tasks live in. */
  get manager(): TaskManager {
    return this.#manager;
  }

  /**
   * Runs `work` as a tooltask task bound to an MCP session and answers its MCP `Task`: the way a
   * tool's work becomes cancellable. `registerTaskTool` calls it for you. A result with
   * `isError: true` fails the task (2025-11-25), and `tasks/result` answers with that result.
   *
   * @example
   * ```ts
   * import { createTaskManager } from 'tooltask';
   * import { McpTaskStore } from 'tooltask/mcp';
   *
   * const taskStore = new McpTaskStore(createTaskManager());
   * // In a tool handler, pass the request's `extra.sessionId` and `extra.taskRequestedTtl`.
   * const task = await taskStore.run(async ({ signal }) => {
   *   await fetch('https://example.com/report', { signal });
   *   return { content: [{ type: 'text', text: 'ready' }] };
   * }, { sessionId: 'session-1', ttl: 60_000 });
   * ```
   */
  async run(work: TaskWork<CallToolResult>, options: McpRunOptions = {}): Promise<Task> {
    const snapshot = await this.#manager.run(failOnToolError(work), {
      ...this.#createOptions(options, 'tools/call'),
      ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    });
    return this.#toTask(snapshot);
  }

  /**
   * Creates a task driven by `storeTaskResult` and `updateTaskStatus` (the SDK's
   * `extra.taskStore.createTask`), for the request it answers: a `tools/call` on a server, an
   * `elicitation/create` or `sampling/createMessage` on a client.
   */
  async createTask(
    taskParams: CreateTaskOptions,
    _requestId: RequestId,
    request: Request,
    sessionId?: string,
  ): Promise<Task> {
    const method = typeof request?.method === 'string' ? request.method : undefined;
    const snapshot = await this.#manager.create(
      crypto.randomUUID(),
      this.#createOptions({ sessionId, ttl: taskParams.ttl, pollInterval: taskParams.pollInterval }, method),
    );
    return this.#toTask(snapshot);
  }

  /** The task as MCP sees it, or `null` when it does not exist or belongs to another session. */
  async getTask(taskId: string, sessionId?: string): Promise<Task | null> {
    const snapshot = await this.#find(taskId, sessionId);
    if (snapshot === undefined) return null;
    unread.get(taskId)?.resolve();
    return this.#toTask(snapshot);
  }

  /** Ends the task with the tool's result: `completed` completes it, `failed` fails it with `McpToolError`. */
  async storeTaskResult(
    taskId: string,
    status: 'completed' | 'failed',
    result: Result,
    sessionId?: string,
  ): Promise<void> {
    await this.#visible(taskId, sessionId);
    await this.#transition(() =>
      status === 'completed'
        ? this.#manager.complete(taskId, result)
        : this.#manager.fail(taskId, new McpToolError(result)),
    );
  }

  /**
   * The task's result once it has ended, waiting for the end if needed (`manager.wait`). A tool
   * call's result is a `CallToolResult`; any other request's (an elicitation's, a sampling's) is
   * returned as it was stored. A failed task answers with its `isError` result, or, when tooltask
   * failed it (`TASK_LOST`, `TASK_TIMEOUT`...), with a `-32603` error whose `data` is `{ code }`; a
   * cancelled one has none (`-32602`).
   */
  getTaskResult(taskId: string, sessionId?: string): Promise<Result> {
    return this.result(taskId, { sessionId });
  }

  /**
   * Like `getTaskResult`, and stops waiting (rejecting with `signal.reason`) when `signal` aborts:
   * the task itself goes on. What `serveTaskResults` answers `tasks/result` with.
   */
  async result(
    taskId: string,
    options: { readonly sessionId?: string | undefined; readonly signal?: AbortSignal | undefined } = {},
  ): Promise<Result> {
    const found = await this.#visible(taskId, options.sessionId);
    // Answered once the store holds it, as `wait` does: any instance sharing the store reads the same.
    const snapshot = isTerminal(found.state)
      ? await storedSnapshot(this.#manager, found)
      : await this.#manager.wait(taskId, options.signal === undefined ? undefined : { signal: options.signal });
    switch (snapshot.state) {
      case 'complete':
        return isToolTask(snapshot) ? (toToolResult(snapshot.result) as Result) : (snapshot.result as Result);
      case 'failed': {
        if (snapshot.error instanceof McpToolError) return snapshot.error.result;
        const data = errorData(snapshot.error);
        if (data !== undefined) {
          throw mcpError(ErrorCode.InternalError, snapshot.error?.message ?? 'Task failed', data);
        }
        return { content: [{ type: 'text', text: snapshot.error?.message ?? 'failed' }], isError: true };
      }
      default:
        throw mcpError(
          ErrorCode.InvalidParams,
          `Expected task \`${taskId}\` to have completed or failed, got \`${toMcpStatus(snapshot.state)}\`: it has no result`,
        );
    }
  }

  /**
   * Moves the task to `status`. `cancelled` cancels the tooltask task and so aborts its work (this
   * is what `tasks/cancel` calls); a finished task refuses with `-32602`. `input_required` is the
   * chart's `requestInput`, and `working` after it resumes the task.
   */
  async updateTaskStatus(
    taskId: string,
    status: McpTaskStatus,
    statusMessage?: string,
    sessionId?: string,
  ): Promise<void> {
    const snapshot = await this.#visible(taskId, sessionId);
    if (isTerminal(snapshot.state)) {
      throw mcpError(
        ErrorCode.InvalidParams,
        `Expected a working task, got task \`${taskId}\` in terminal status \`${toMcpStatus(snapshot.state)}\``,
      );
    }
    await this.#transition(() => {
      switch (status) {
        case 'cancelled':
          return this.#manager.cancel(taskId, statusMessage);
        case 'completed':
          return this.#manager.complete(taskId);
        case 'failed':
          return this.#manager.fail(taskId, statusMessage ?? 'failed');
        case 'input_required':
          return this.#manager.requestInput(taskId, { message: statusMessage });
        default:
          if (snapshot.awaiting !== undefined) return this.#manager.resume(taskId, statusMessage);
          // A `run()` task waiting for a slot is already `working` to MCP; a manual one starts running.
          if (isRunTask(this.#manager, taskId)) return Promise.resolve(snapshot);
          return this.#manager.update(taskId, snapshot.progress, statusMessage);
      }
    });
  }

  /**
   * One page of this session's tasks, oldest first; pass `nextCursor` back for the next page. The
   * cursor is sealed: opaque, and refused (`-32602`) in another session or when altered.
   */
  async listTasks(cursor?: string, sessionId?: string): Promise<{ tasks: Task[]; nextCursor?: string }> {
    const scope = sessionId ?? '';
    const after = cursor === undefined ? undefined : await this.#cursors.open(cursor, scope);
    if (cursor !== undefined && after === undefined) {
      throw mcpError(ErrorCode.InvalidParams, 'Expected a `cursor` from a previous tasks/list of this session');
    }
    const page = await scanPage(
      this.#manager,
      { cursor: after, limit: this.#pageSize, maxScan: MAX_SCAN },
      (task) => bindingOf<McpBinding>(task, BINDING)?.sessionId === sessionId,
    );
    const tasks = page.tasks.map((task) => this.#toTask(task));
    return page.nextCursor === undefined
      ? { tasks }
      : { tasks, nextCursor: await this.#cursors.seal(page.nextCursor, scope) };
  }

  #createOptions(options: McpRunOptions, method: string | undefined) {
    const { sessionId, pollInterval = this.#pollInterval } = options;
    if (sessionId !== undefined && typeof sessionId !== 'string') {
      throw new InvalidArgumentError(`Expected \`sessionId\` to be a string, got ${describe(sessionId)}`);
    }
    assertDuration('pollInterval', pollInterval);
    let ttl = options.ttl === undefined ? this.#defaultTtl : options.ttl;
    if (ttl !== null) assertDuration('ttl', ttl);
    if (this.#maxTtl !== undefined && (ttl === null || ttl > this.#maxTtl)) ttl = this.#maxTtl;
    const binding: McpBinding = Object.freeze({ sessionId, pollInterval, ...(method === undefined ? {} : { method }) });
    // MCP's `null` ttl means "kept until deleted", which is tooltask's `Infinity` retention.
    return { metadata: { [BINDING]: binding }, ttl: ttl ?? Number.POSITIVE_INFINITY };
  }

  #toTask(snapshot: TaskSnapshot): Task {
    return toMcpTask(snapshot, { pollInterval: this.#pollInterval });
  }

  async #find(taskId: string, sessionId: string | undefined): Promise<TaskSnapshot | undefined> {
    // An empty, over-long or non-string id names no task: `-32602` like an unknown one.
    if (typeof taskId !== 'string' || taskId.length === 0 || taskId.length > MAX_TASK_ID_LENGTH) return undefined;
    const snapshot = await findTask(this.#manager, taskId);
    return snapshot !== undefined && bindingOf<McpBinding>(snapshot, BINDING)?.sessionId === sessionId
      ? snapshot
      : undefined;
  }

  async #visible(taskId: string, sessionId: string | undefined): Promise<TaskSnapshot> {
    const snapshot = await this.#find(taskId, sessionId);
    if (snapshot === undefined) {
      throw mcpError(ErrorCode.InvalidParams, `Expected a task with id \`${taskId}\` in this session, found none`);
    }
    return snapshot;
  }

  /** Runs a transition; a task that ended meanwhile is a protocol error, not an internal one. */
  async #transition(send: () => Promise<TaskSnapshot>): Promise<void> {
    try {
      await send();
    } catch (error) {
      if (error instanceof InvalidTransitionError) throw mcpError(ErrorCode.InvalidParams, error.message);
      throw error;
    }
  }
}

/** What a task tool's work gets: tooltask's `WorkContext` plus the SDK's request `extra`. */
export interface McpToolWorkContext extends WorkContext {
  /** The `tools/call` request's extra (session, auth, `sendNotification`...). Its `signal` is not the task's. */
  readonly extra: CreateTaskRequestHandlerExtra;
}

/** A task tool's work: its `CallToolResult` completes the task, a throw fails it with an `isError` result. */
export type McpToolWork<Args> = (
  args: Args,
  context: McpToolWorkContext,
) => CallToolResult | PromiseLike<CallToolResult>;

/** The tool definition `registerTaskTool` takes. */
export interface McpTaskToolConfig<Shape extends ZodRawShapeCompat> {
  readonly title?: string;
  readonly description?: string;
  /** The arguments, as a zod raw shape (`{ steps: z.number() }`). */
  readonly inputSchema: Shape;
  readonly annotations?: ToolAnnotations;
  /** `required` (default): only callable as a task. `optional`: a plain call waits for the task. */
  readonly taskSupport?: 'required' | 'optional';
  /** Fails the task with `TaskTimeoutError` after this many ms of work. */
  readonly timeout?: number;
}

/**
 * Registers a tool whose every call runs as a tooltask `run()` task, in one call.
 *
 * The call answers at once with the MCP task; the work gets the task's `AbortSignal`, which
 * `tasks/cancel`, a timeout or `manager.dispose()` aborts. `progress(value, message)` (0 to 1)
 * reaches the client as `notifications/progress` on the call's progress token, strictly
 * increasing, with `total: 1` and the message; the end is announced with
 * `notifications/tasks/status`. `store` must be the server's `taskStore`.
 *
 * @example
 * ```ts
 * import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
 * import * as z from 'zod';
 * import { createTaskManager } from 'tooltask';
 * import { McpTaskStore, registerTaskTool } from 'tooltask/mcp';
 *
 * const taskStore = new McpTaskStore(createTaskManager());
 * const server = new McpServer(
 *   { name: 'jobs', version: '1.0.0' },
 *   { capabilities: { tools: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } }, taskStore },
 * );
 * registerTaskTool(server, taskStore, 'count', { inputSchema: { to: z.number() } }, async ({ to }, { signal, progress }) => {
 *   for (let i = 1; i <= to; i++) {
 *     await new Promise((resolve) => setTimeout(resolve, 100));
 *     signal.throwIfAborted();
 *     progress(i / to, `counted ${i}`);
 *   }
 *   return { content: [{ type: 'text', text: `counted to ${to}` }] };
 * });
 * ```
 */
export function registerTaskTool<Shape extends ZodRawShapeCompat>(
  server: McpServer,
  store: McpTaskStore,
  name: string,
  config: McpTaskToolConfig<Shape>,
  work: McpToolWork<ShapeOutput<Shape>>,
): RegisteredTool {
  if (!(store instanceof McpTaskStore)) {
    throw new InvalidArgumentError(`Expected \`store\` to be the server's McpTaskStore, got ${describe(store)}`);
  }
  if (typeof work !== 'function') {
    throw new InvalidArgumentError(`Expected \`work\` to be a function, got ${describe(work)}`);
  }
  const { taskSupport = 'required', timeout, inputSchema, ...tool } = config;
  // The SDK's handler types are conditional on the shape; resolved on the erased shape, checked at the boundary.
  const handler: ToolTaskHandler<ZodRawShapeCompat> = {
    createTask: async (args, extra) => {
      const task = await store.run((context) => work(args as ShapeOutput<Shape>, { ...context, extra }), {
        sessionId: extra.sessionId,
        ttl: extra.taskRequestedTtl,
        timeout,
      });
      announce(server, store, task.taskId, extra);
      return { task };
    },
    getTask: async (_args, extra) => extra.taskStore.getTask(extra.taskId),
    getTaskResult: async (_args, extra) =>
      (await store.result(extra.taskId, { sessionId: extra.sessionId })) as CallToolResult,
  };
  serveTaskList(server, store);
  return server.experimental.tasks.registerToolTask<ZodRawShapeCompat, undefined>(
    name,
    { ...tool, inputSchema, execution: { taskSupport } },
    handler,
  );
}

/**
 * Makes the server's `tasks/result` wait for the task's end with `manager.wait()` instead of the
 * SDK's loop, which re-reads the store every `pollInterval`.
 *
 * It replaces the SDK's `tasks/result` handler, so it does not deliver messages queued through a
 * `taskMessageQueue` (elicitation or sampling inside a task): leave it out on such servers.
 *
 * @example
 * ```ts
 * import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
 * import { createTaskManager } from 'tooltask';
 * import { McpTaskStore, serveTaskResults } from 'tooltask/mcp';
 *
 * const taskStore = new McpTaskStore(createTaskManager());
 * const server = new McpServer(
 *   { name: 'jobs', version: '1.0.0' },
 *   { capabilities: { tools: {}, tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } } }, taskStore },
 * );
 * serveTaskResults(server, taskStore);
 * ```
 */
export function serveTaskResults(server: McpServer, store: McpTaskStore): void {
  serveTaskList(server, store);
  server.server.setRequestHandler(GetTaskPayloadRequestSchema, async (request, extra) => {
    const { taskId } = request.params;
    const result = await store.result(taskId, { sessionId: extra.sessionId, signal: extra.signal });
    return { ...result, _meta: { ...result._meta, [RELATED_TASK_META_KEY]: { taskId } } };
  });
}

/** Servers whose `tasks/list` answers with the store's own errors. */
const listing = new WeakSet<McpServer>();

/**
 * Replaces the SDK's `tasks/list` handler, which wraps every error of the store in a new
 * `McpError` ("MCP error -32602: Failed to list tasks: MCP error -32602: …" reached the client),
 * with one that lets the store's `-32602` through as it is.
 */
function serveTaskList(server: McpServer, store: McpTaskStore): void {
  if (listing.has(server)) return;
  listing.add(server);
  server.server.setRequestHandler(ListTasksRequestSchema, async (request, extra) => {
    const page = await store.listTasks(request.params?.cursor, extra.sessionId);
    return { ...page, _meta: {} };
  });
}

/**
 * Forwards a task's progress and end to the client that created it, where the client can still
 * receive them after the call returned: through the `tasks/result` stream on a server with a
 * `taskMessageQueue` (the SDK queues them), else on the session's standalone stream (the
 * Streamable HTTP GET stream).
 */
function announce(server: McpServer, store: McpTaskStore, taskId: string, extra: CreateTaskRequestHandlerExtra): void {
  const progressToken = extra._meta?.progressToken;
  let sent = 0;
  const asked = new Set<string>();
  let resolve = () => {};
  const read = new Promise<void>((done) => {
    resolve = () => {
      unread.delete(taskId);
      done();
    };
  });
  unread.set(taskId, { read, resolve });
  // Not `extra.sendNotification`: it answers on the tools/call's own stream, which over Streamable
  // HTTP closed when CreateTaskResult went out ("No connection established for request ID").
  const send = (notification: Parameters<typeof extra.sendNotification>[0]) => {
    server.server
      .notification(notification, { relatedTask: { taskId } })
      .catch((error: unknown) => {
        if (!isUnqueued(error)) throw error;
        return server.server.notification(notification);
      })
      // The client may be gone; its loss must not become an unhandled rejection here.
      .catch(() => {});
  };
  // The spec: every message related to a task carries its id under `related-task`.
  const _meta = { [RELATED_TASK_META_KEY]: { taskId } };
  store.manager.subscribe(taskId).subscribe({
    next: (snapshot) => {
      if (progressToken !== undefined && snapshot.progress > sent) {
        sent = snapshot.progress;
        send({
          method: 'notifications/progress',
          params: {
            progressToken,
            progress: snapshot.progress,
            total: 1,
            ...(snapshot.message === undefined ? {} : { message: snapshot.message }),
            _meta,
          },
        });
      }
      for (const request of Object.values(snapshot.inputRequests ?? {})) {
        if (asked.has(request.key)) continue;
        asked.add(request.key);
        ask(server, store, taskId, request);
      }
      if (isTerminal(snapshot.state)) {
        unread.delete(taskId);
        send({ method: 'notifications/tasks/status', params: { ...toMcpTask(snapshot), _meta } });
      }
    },
    error: () => unread.delete(taskId),
  });
}

/** Whether the SDK refused to queue a task's message: the server has no `taskMessageQueue`. */
function isUnqueued(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Cannot enqueue task message');
}

/** The result schemas of the requests a task may put to its client in 2025-11-25. */
const INPUT_RESULTS = {
  'elicitation/create': ElicitResultSchema,
  'sampling/createMessage': CreateMessageResultSchema,
} as const;

/**
 * Puts a work's `ask()` to the client, related to its task, and answers the ask by key with the
 * response (`manager.respond`). On a server with a `taskMessageQueue` the SDK queues the request and
 * delivers it when the client calls `tasks/result` (the spec's way); without one it goes straight
 * to the client with `_meta['io.modelcontextprotocol/related-task']` (what `@modelcontextprotocol/ext-tasks`
 * answers while it polls). A payload that is not an elicitation or sampling request stays open for
 * `tasks.respond` from elsewhere.
 */
function ask(server: McpServer, store: McpTaskStore, taskId: string, request: TaskInputRequest): void {
  const payload = request.request as { method?: unknown; params?: unknown } | undefined;
  const method = payload?.method;
  if (method !== 'elicitation/create' && method !== 'sampling/createMessage') return;
  const params = (typeof payload?.params === 'object' && payload.params !== null ? payload.params : {}) as Record<
    string,
    unknown
  >;
  const schema = INPUT_RESULTS[method];
  const related = { taskId };
  // Not `extra.sendRequest`: it would also mark the task input_required through the store, a
  // second request beside the one the chart already holds.
  const queued = server.server.request({ method, params } as never, schema, { relatedTask: related });
  queued
    .catch((error: unknown) => {
      if (!isUnqueued(error)) throw error;
      const _meta = { ...(params._meta as object | undefined), [RELATED_TASK_META_KEY]: related };
      return (unread.get(taskId)?.read ?? Promise.resolve()).then(() =>
        server.server.request({ method, params: { ...params, _meta } } as never, schema),
      );
    })
    .then((answer) => store.manager.respond(taskId, { [request.key]: answer }))
    // Cancelled or ended meanwhile, or the client is gone: the work's ask settles with the task.
    .catch(() => {});
}

/** In 2025-11-25 a tool's `isError` result makes its task `failed`; `tasks/result` answers it as is. */
function failOnToolError(work: TaskWork<CallToolResult>): TaskWork<CallToolResult> {
  return async (context) => {
    const result = await work(context);
    if (result?.isError === true) throw new McpToolError(result);
    return result;
  };
}

/** Whether the task answers a tool call (or predates knowing what it answers): its result is a `CallToolResult`. */
function isToolTask(snapshot: TaskSnapshot): boolean {
  const method = bindingOf<McpBinding>(snapshot, BINDING)?.method;
  return method === undefined || method === 'tools/call';
}

/**
 * An `McpError` whose message is the words alone: the SDK puts `error.message` on the wire and the
 * client's `McpError` prefixes "MCP error <code>:" again, so the constructor's prefix would show twice.
 */
function mcpError(code: number, message: string, data?: unknown): McpError {
  const error = new McpError(code, message, data);
  error.message = message;
  return error;
}

function firstText(result: Result): string | undefined {
  const content = (result as { content?: unknown }).content;
  if (!Array.isArray(content)) return undefined;
  const text = content.find((part: { type?: unknown }) => part?.type === 'text') as { text?: unknown } | undefined;
  return typeof text?.text === 'string' ? text.text : undefined;
}
