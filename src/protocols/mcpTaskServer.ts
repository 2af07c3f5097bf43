import {
  type AuthInfo,
  type CallToolResult,
  type McpHttpHandler,
  type McpServer,
  ProtocolError,
  type RegisteredTool,
  type ServerContext,
  type StandardSchemaV1,
  type StandardSchemaWithJSON,
  type ToolAnnotations,
} from '@modelcontextprotocol/server';
import { type Clock, systemClock } from '../clock.js';
import { InvalidArgumentError, InvalidTaskIdError, InvalidTransitionError } from '../errors.js';
import { storedSnapshot, type TaskManager, type TaskWork, type WorkContext } from '../manager.js';
import { isTerminal, type TaskSnapshot } from '../task.js';
import { assertDuration, assertOptions, describe } from '../validate.js';
import { bindingOf, findTask } from './binding.js';
import { errorData, type McpStatus, statusOf, toToolResult, ttlFromCreation } from './mcpShared.js';
import { type McpFetch, withTaskRoutes } from './mcpTaskHttp.js';
import { declaresTasks, isRecord, missingCapabilityError, TASKS_EXTENSION } from './mcpTaskWire.js';

const INVALID_PARAMS = -32602;
const INTERNAL_ERROR = -32603;

/** A task's status in the Tasks extension. */
export type McpTaskStatusV2 = McpStatus;

/** A server-to-client request a task waits on (`elicitation/create`, `sampling/createMessage`, `roots/list`). */
export interface McpInputRequest {
  readonly method: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** A JSON-RPC error object, as a `failed` task carries it. */
export interface McpJsonRpcError {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** The fields every task of the extension has (`Task`). */
export interface McpTaskV2 {
  readonly taskId: string;
  readonly status: McpTaskStatusV2;
  readonly statusMessage?: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** ISO 8601. */
  readonly lastUpdatedAt: string;
  /** From creation, in ms; `null` when kept until removed. */
  readonly ttlMs: number | null;
  readonly pollIntervalMs?: number;
}

/** A task with what its status carries inline: what `tasks/get` answers and `notifications/tasks` sends. */
export type McpDetailedTask =
  | (McpTaskV2 & { readonly status: 'working' | 'cancelled' })
  | (McpTaskV2 & {
      readonly status: 'input_required';
      readonly inputRequests: Readonly<Record<string, McpInputRequest>>;
    })
  | (McpTaskV2 & { readonly status: 'completed'; readonly result: Readonly<Record<string, unknown>> })
  | (McpTaskV2 & { readonly status: 'failed'; readonly error: McpJsonRpcError });

/** Options of `McpTasks`. */
export interface McpTasksOptions {
  /** The `pollIntervalMs` tasks advertise. Default: 1000. */
  readonly pollInterval?: number | undefined;
  /**
   * How long a finished task stays readable, in ms; `Infinity` keeps it until removed. Default:
   * 3,600,000 (one hour), so a server is bounded even when nobody removes anything.
   */
  readonly retention?: number | undefined;
  /**
   * Who the caller is, from the request's auth info; tasks are visible only to the principal that
   * created them. Default: the token's `extra.sub` when it is a string, else its `clientId`;
   * `undefined` (no auth) is the unauthenticated principal, which sees only unowned tasks.
   */
  readonly principal?: ((authInfo: AuthInfo | undefined) => string | undefined) | undefined;
  /** Where `ttlMs` of a live task is measured from. Default: the system clock. */
  readonly clock?: Clock | undefined;
}

/** What a task tool's work gets: tooltask's `WorkContext` plus who called. */
export interface McpTasksWorkContext extends WorkContext {
  /** The auth info of the `tools/call` that created the task; undefined without auth. */
  readonly authInfo: AuthInfo | undefined;
}

/** A task tool's work: its `CallToolResult` (`isError` or not) completes the task; a throw fails it. */
export type McpTasksToolWork<Args> = (
  args: Args,
  context: McpTasksWorkContext,
) => CallToolResult | PromiseLike<CallToolResult>;

/** The tool definition `McpTasks.tool` takes. */
export interface McpTasksToolConfig<InputArgs extends StandardSchemaWithJSON | undefined> {
  readonly title?: string;
  readonly description?: string;
  /** The arguments' schema, e.g. `z.object({ steps: z.number() })`. */
  readonly inputSchema?: InputArgs;
  readonly annotations?: ToolAnnotations;
  /**
   * `required` (default): a client that does not declare the extension gets `-32021`.
   * `optional`: such a client gets the plain `CallToolResult` once the work ends.
   */
  readonly taskSupport?: 'required' | 'optional';
  /** Fails the task with `TaskTimeoutError` after this many ms of work. */
  readonly timeout?: number;
}

type ArgsOf<InputArgs> = InputArgs extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<InputArgs> : undefined;

/** What the extension keeps in a task's metadata, under `TASKS_EXTENSION`. */
interface TasksBinding {
  /** The principal that created the task; `null` for an unauthenticated caller. */
  readonly owner: string | null;
  readonly pollInterval: number;
}

const OPTIONS = ['pollInterval', 'retention', 'principal', 'clock'] as const;
const DEFAULT_RETENTION = 3_600_000;

/** A tool registered with `McpTasks.tool`, as every server it serves gets it. */
interface TaskTool {
  readonly config: Omit<McpTasksToolConfig<StandardSchemaWithJSON | undefined>, 'taskSupport' | 'timeout'>;
  readonly taskSupport: 'required' | 'optional';
  readonly timeout: number | undefined;
  readonly work: McpTasksToolWork<unknown>;
}

/**
 * Serves the MCP Tasks extension (`io.modelcontextprotocol/tasks`, protocol 2026-07-28) from a
 * tooltask manager, on SDK v2 servers.
 *
 * - `tool()` defines a tool whose calls become tasks; `serve(server)` advertises the extension on
 *   an `McpServer`, registers those tools, and answers `tasks/get`, `tasks/update` and
 *   `tasks/cancel`. Call `serve` in the server factory of `createMcpHandler`: the manager is what
 *   the per-request servers share. `fetch(handler)` wraps that handler with what only the HTTP
 *   entry sees (see there).
 * - A call returns `CreateTaskResult` (`resultType: "task"`) only when its request declares the
 *   extension in its per-request capabilities, and only once `manager.run()` has created the task
 *   (written to the store), so a `tasks/get` for it resolves on any instance sharing the store.
 * - Every task belongs to the principal that created it (see `principal`), kept in its metadata:
 *   any other caller gets `-32602`, exactly as for an id that does not exist.
 * - A work's `ask({ request: { method: 'elicitation/create', params } })` makes the task
 *   `input_required` with that request under a fresh key; `tasks/update`'s `inputResponses`
 *   answer it.
 * - `tasks/cancel` acknowledges and cancels the tooltask task: the work's signal aborts.
 * - `ttlMs` is from creation, tooltask's retention from the end: a finished task says
 *   `completedAt − createdAt + retention`, a live one `now − createdAt + retention` (it is never
 *   evicted while it runs, so the value grows until it ends).
 *
 * @example
 * ```ts
 * import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
 * import * as z from 'zod';
 * import { createTaskManager } from 'tooltask';
 * import { McpTasks } from 'tooltask/mcp-tasks';
 *
 * const mcpTasks = new McpTasks(createTaskManager(), { pollInterval: 500 });
 * mcpTasks.tool('count', { inputSchema: z.object({ to: z.number() }) }, async ({ to }, { signal, progress }) => {
 *   for (let i = 1; i <= to; i++) {
 *     await new Promise((resolve) => setTimeout(resolve, 100));
 *     signal.throwIfAborted();
 *     progress(i / to, `counted ${i}`);
 *   }
 *   return { content: [{ type: 'text', text: `counted to ${to}` }] };
 * });
 * const handler = createMcpHandler(() => {
 *   const server = new McpServer({ name: 'jobs', version: '1.0.0' });
 *   mcpTasks.serve(server);
 *   return server;
 * });
 * const fetch = mcpTasks.fetch(handler); // serve this: `fetch(request, { authInfo })`
 * ```
 */
export class McpTasks {
  readonly #manager: TaskManager;
  readonly #pollInterval: number;
  readonly #retention: number;
  readonly #principal: (authInfo: AuthInfo | undefined) => string | undefined;
  readonly #clock: Clock;
  readonly #tools = new Map<string, TaskTool>();

  constructor(manager: TaskManager, options: McpTasksOptions = {}) {
    if (typeof manager?.run !== 'function' || typeof manager.get !== 'function') {
      throw new InvalidArgumentError(`Expected \`manager\` to be a TaskManager, got ${describe(manager)}`);
    }
    assertOptions('options', options, OPTIONS);
    const { pollInterval = 1000, retention = DEFAULT_RETENTION, principal = defaultPrincipal } = options;
    assertDuration('pollInterval', pollInterval);
    assertDuration('retention', retention, true);
    if (typeof principal !== 'function') {
      throw new InvalidArgumentError(`Expected \`principal\` to be a function, got ${describe(principal)}`);
    }
    this.#manager = manager;
    this.#pollInterval = Math.round(pollInterval);
    this.#retention = retention;
    this.#principal = principal;
    this.#clock = options.clock ?? systemClock;
  }

  /** The tooltask manager the tasks live in. */
  get manager(): TaskManager {
    return this.#manager;
  }

  /**
   * Defines a tool whose calls run as tooltask tasks, on every server `serve()` sets up: a
   * declaring client gets a `CreateTaskResult` at once and polls; the work gets the task's
   * `AbortSignal`, `progress`, and `ask` for input it needs from the client.
   */
  tool<InputArgs extends StandardSchemaWithJSON | undefined = undefined>(
    name: string,
    config: McpTasksToolConfig<InputArgs>,
    work: McpTasksToolWork<ArgsOf<InputArgs>>,
  ): void {
    if (typeof name !== 'string' || name === '') {
      throw new InvalidArgumentError(`Expected \`name\` to be a non-empty string, got ${describe(name)}`);
    }
    if (typeof work !== 'function') {
      throw new InvalidArgumentError(`Expected \`work\` to be a function, got ${describe(work)}`);
    }
    const { taskSupport = 'required', timeout, ...tool } = config;
    if (taskSupport !== 'required' && taskSupport !== 'optional') {
      throw new InvalidArgumentError(
        `Expected \`taskSupport\` to be 'required' or 'optional', got ${describe(taskSupport)}`,
      );
    }
    if (timeout !== undefined) assertDuration('timeout', timeout);
    this.#tools.set(name, { config: tool, taskSupport, timeout, work: work as McpTasksToolWork<unknown> });
  }

  /** Whether `name` is a tool that only runs as a task (`taskSupport: 'required'`). */
  requiresTask(name: string): boolean {
    return this.#tools.get(name)?.taskSupport === 'required';
  }

  /**
   * Advertises the extension on `server`, registers the `tool()`s, and answers `tasks/get`,
   * `tasks/update` and `tasks/cancel` there. Call it before the server connects (in the
   * `createMcpHandler` factory).
   */
  serve(server: McpServer): Map<string, RegisteredTool> {
    const low = server.server;
    low.registerCapabilities({ extensions: { [TASKS_EXTENSION]: {} } });
    low.setRequestHandler('tasks/get', { params: TASK_ID_PARAMS, result: ANY_RESULT }, async ({ taskId }, ctx) => {
      assertDeclares(ctx);
      const snapshot = await this.#visible(taskId, ctx.http?.authInfo);
      // The extension's result path: a final state is answered once the store holds it, so any
      // instance sharing the store answers the same.
      return { ...this.detail(isTerminal(snapshot.state) ? await storedSnapshot(this.#manager, snapshot) : snapshot) };
    });
    low.setRequestHandler('tasks/update', { params: TASK_ID_PARAMS, result: ANY_RESULT }, async ({ taskId }, ctx) => {
      assertDeclares(ctx);
      // The SDK lifts `params.inputResponses` off the request (its multi-round-trip seam).
      const { inputResponses } = ctx.mcpReq;
      if (inputResponses === undefined) {
        throw new ProtocolError(INVALID_PARAMS, 'Invalid params: expected `inputResponses` to be an object');
      }
      const snapshot = await this.#visible(taskId, ctx.http?.authInfo);
      if (!isTerminal(snapshot.state)) await this.#respond(snapshot.id, inputResponses);
      return {};
    });
    low.setRequestHandler('tasks/cancel', { params: TASK_ID_PARAMS, result: ANY_RESULT }, async ({ taskId }, ctx) => {
      assertDeclares(ctx);
      const snapshot = await this.#visible(taskId, ctx.http?.authInfo);
      if (!isTerminal(snapshot.state)) {
        try {
          await this.#manager.cancel(taskId, 'Cancelled by the client');
        } catch (error) {
          // Ended meanwhile: cancellation is cooperative, the ack stands.
          if (!(error instanceof InvalidTransitionError)) throw error;
        }
      }
      return {};
    });
    const registered = new Map<string, RegisteredTool>();
    for (const [name, tool] of this.#tools) {
      const callback = this.#callback(tool);
      // The SDK calls a tool without `inputSchema` with the context alone; its callback type is
      // conditional on the schema, which checked the arguments: cast at this boundary.
      const registeredCallback =
        tool.config.inputSchema === undefined ? (ctx: ServerContext) => callback(undefined, ctx) : callback;
      registered.set(name, server.registerTool(name, tool.config, registeredCallback as never));
    }
    return registered;
  }

  /**
   * Wraps an SDK v2 HTTP handler (`createMcpHandler(...)`) with what its entry cannot do for the
   * extension: `-32021` for a call of a task-only tool that does not declare the extension (the
   * SDK's `McpServer` turns every error a tool throws into an `isError` result), and
   * `subscriptions/listen` with `taskIds`, answered with `notifications/tasks`. Everything else
   * goes to `handler` unchanged.
   */
  fetch(handler: Pick<McpHttpHandler, 'fetch'>): McpFetch {
    return withTaskRoutes(handler, this);
  }

  /** Answers open requests; the task ending meanwhile makes the answers moot, not an error. */
  async #respond(taskId: string, answers: Record<string, unknown>): Promise<void> {
    try {
      await this.#manager.respond(taskId, answers);
    } catch (error) {
      if (!(error instanceof InvalidTransitionError)) throw error;
    }
  }

  #callback(tool: TaskTool) {
    return (args: unknown, ctx: ServerContext): Promise<CallToolResult> => {
      if (tool.taskSupport === 'required' && !declaresTasks(ctx.mcpReq.envelope)) throw missingCapability();
      return this.run(ctx, (context) => tool.work(args, context), { timeout: tool.timeout });
    };
  }

  /**
   * Runs `work` as a task for the `tools/call` whose context `ctx` is, from any tool handler of a
   * server `serve()` set up: the way a tool escalates to a task once it has what it needs, such as
   * input gathered first with the multi-round-trip `inputRequired` results of 2026-07-28 (SEP-2322
   * composed with SEP-2663). A request that declares the extension gets the `CreateTaskResult`
   * (`resultType: 'task'`, with the `content: []` every tool result carries) as soon as the task is
   * stored; one that does not gets the work's plain `CallToolResult` once it ends, its failure as the
   * JSON-RPC error it is. `tool()`'s tools are this plus their config.
   *
   * @example
   * ```ts
   * import { createMcpHandler, inputRequired, McpServer } from '@modelcontextprotocol/server';
   * import { createTaskManager } from 'tooltask';
   * import { McpTasks } from 'tooltask/mcp-tasks';
   *
   * const mcpTasks = new McpTasks(createTaskManager());
   * const handler = createMcpHandler(() => {
   *   const server = new McpServer({ name: 'jobs', version: '1.0.0' });
   *   mcpTasks.serve(server);
   *   server.registerTool('report', {}, async (ctx) => {
   *     const answer = ctx.mcpReq.inputResponses?.name as { content?: { name?: string } } | undefined;
   *     if (answer === undefined) {
   *       return inputRequired({
   *         inputRequests: {
   *           name: inputRequired.elicit({
   *             message: 'For whom?',
   *             requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
   *           }),
   *         },
   *       });
   *     }
   *     return mcpTasks.run(ctx, async () => ({
   *       content: [{ type: 'text', text: `report for ${answer.content?.name}` }],
   *     }));
   *   });
   *   return server;
   * });
   * ```
   */
  async run(
    ctx: ServerContext,
    work: (context: McpTasksWorkContext) => CallToolResult | PromiseLike<CallToolResult>,
    options: { readonly timeout?: number | undefined } = {},
  ): Promise<CallToolResult> {
    if (typeof ctx?.mcpReq !== 'object' || ctx.mcpReq === null) {
      throw new InvalidArgumentError(`Expected \`ctx\` to be a tool handler's ServerContext, got ${describe(ctx)}`);
    }
    if (typeof work !== 'function') {
      throw new InvalidArgumentError(`Expected \`work\` to be a function, got ${describe(work)}`);
    }
    const { timeout } = options;
    if (timeout !== undefined) assertDuration('timeout', timeout);
    const authInfo = ctx.http?.authInfo;
    const run: TaskWork<CallToolResult> = (context) => work({ ...context, authInfo });
    if (declaresTasks(ctx.mcpReq.envelope)) {
      const snapshot = await this.#run(run, authInfo, timeout);
      return { ...this.task(snapshot), resultType: 'task', content: [] };
    }
    const created = await this.#run(run, authInfo, timeout, ctx.mcpReq.signal);
    return this.#plainResult(await this.#manager.wait(created.id));
  }

  /**
   * The extension's `Task` for a snapshot (what `CreateTaskResult` carries, without `resultType`).
   *
   * @example
   * ```ts
   * import { createTaskManager } from 'tooltask';
   * import { McpTasks } from 'tooltask/mcp-tasks';
   * const mcpTasks = new McpTasks(createTaskManager());
   * const task = mcpTasks.task(await mcpTasks.manager.create('a'));
   * task.status; // 'working'
   * ```
   */
  task(snapshot: TaskSnapshot): McpTaskV2 {
    const binding = bindingOf<TasksBinding>(snapshot, TASKS_EXTENSION);
    const pollIntervalMs = binding?.pollInterval ?? this.#pollInterval;
    const status = toMcpTaskStatus(snapshot);
    const statusMessage =
      snapshot.state === 'failed' ? (snapshot.error?.message ?? snapshot.message) : snapshot.message;
    return {
      taskId: snapshot.id,
      status,
      ...(statusMessage === undefined ? {} : { statusMessage }),
      createdAt: new Date(snapshot.createdAt).toISOString(),
      lastUpdatedAt: new Date(snapshot.updatedAt).toISOString(),
      ttlMs: ttlFromCreation(snapshot, this.#clock.now()),
      pollIntervalMs,
    };
  }

  /**
   * The `DetailedTask` for a snapshot: what `tasks/get` answers and `notifications/tasks` carries.
   * `completed` inlines the tool's result, `failed` a JSON-RPC error object, `input_required` the
   * outstanding requests keyed as the work asked them.
   *
   * @example
   * ```ts
   * import { createTaskManager } from 'tooltask';
   * import { McpTasks } from 'tooltask/mcp-tasks';
   * const mcpTasks = new McpTasks(createTaskManager());
   * const done = await mcpTasks.manager.complete((await mcpTasks.manager.create('a')).id, {
   *   content: [{ type: 'text', text: 'no such city' }],
   *   isError: true,
   * });
   * mcpTasks.detail(done).status; // 'completed': a tool error is still a result here
   * ```
   */
  detail(snapshot: TaskSnapshot): McpDetailedTask {
    const task = this.task(snapshot);
    switch (task.status) {
      case 'completed':
        return { ...task, status: 'completed', result: { ...toToolResult(snapshot.result), resultType: 'complete' } };
      case 'failed':
        return { ...task, status: 'failed', error: toJsonRpcError(snapshot.error) };
      case 'input_required':
        return { ...task, status: 'input_required', inputRequests: toInputRequests(snapshot) };
      default:
        return { ...task, status: task.status };
    }
  }

  /**
   * The task as `authInfo`'s principal may see it, or `undefined` when it does not exist, was not
   * made through this extension, or belongs to someone else (the three are told apart by no one).
   */
  async find(taskId: string, authInfo: AuthInfo | undefined): Promise<TaskSnapshot | undefined> {
    let snapshot: TaskSnapshot | undefined;
    try {
      snapshot = await findTask(this.#manager, taskId);
    } catch (error) {
      if (error instanceof InvalidTaskIdError) return undefined;
      throw error;
    }
    const binding = snapshot === undefined ? undefined : bindingOf<TasksBinding>(snapshot, TASKS_EXTENSION);
    if (binding === undefined) return undefined;
    return binding.owner === (this.#principal(authInfo) ?? null) ? snapshot : undefined;
  }

  async #visible(taskId: string, authInfo: AuthInfo | undefined): Promise<TaskSnapshot> {
    const snapshot = await this.find(taskId, authInfo);
    if (snapshot === undefined) {
      throw new ProtocolError(INVALID_PARAMS, 'Failed to retrieve task: Task not found');
    }
    return snapshot;
  }

  #run(
    work: TaskWork<CallToolResult>,
    authInfo: AuthInfo | undefined,
    timeout: number | undefined,
    signal?: AbortSignal,
  ): Promise<TaskSnapshot> {
    const binding: TasksBinding = Object.freeze({
      owner: this.#principal(authInfo) ?? null,
      pollInterval: this.#pollInterval,
    });
    return this.#manager.run(work, {
      metadata: { [TASKS_EXTENSION]: binding },
      ...(Number.isFinite(this.#retention) ? { ttl: this.#retention } : {}),
      ...(timeout === undefined ? {} : { timeout }),
      ...(signal === undefined ? {} : { signal }),
    });
  }

  /** A plain call's answer: the result, or the failure as the JSON-RPC error it is. */
  #plainResult(snapshot: TaskSnapshot): CallToolResult {
    if (snapshot.state === 'complete') return toToolResult(snapshot.result) as CallToolResult;
    const error = snapshot.state === 'failed' ? toJsonRpcError(snapshot.error) : undefined;
    throw new ProtocolError(
      error?.code ?? INTERNAL_ERROR,
      error?.message ?? `Expected the tool to finish, got its task cancelled: ${snapshot.message ?? 'no reason given'}`,
      error?.data,
    );
  }
}

/**
 * The extension's status of a task: `pending` and `running` are `working`, or `input_required`
 * while a request to the client is outstanding; `complete` is `completed` whatever the result
 * (an `isError` tool result included), `failed` is only for a thrown error.
 *
 * @example
 * ```ts
 * import { createTaskManager } from 'tooltask';
 * import { toMcpTaskStatus } from 'tooltask/mcp-tasks';
 * toMcpTaskStatus(await createTaskManager().create('a')); // 'working'
 * ```
 */
export function toMcpTaskStatus(snapshot: TaskSnapshot): McpTaskStatusV2 {
  return statusOf(snapshot.state, snapshot.awaiting);
}

function assertDeclares(ctx: ServerContext): void {
  if (!declaresTasks(ctx.mcpReq.envelope)) throw missingCapability();
}

function missingCapability(): ProtocolError {
  const { code, message, data } = missingCapabilityError();
  return new ProtocolError(code, message, data);
}

function defaultPrincipal(authInfo: AuthInfo | undefined): string | undefined {
  if (authInfo === undefined) return undefined;
  const sub = authInfo.extra?.sub;
  return typeof sub === 'string' ? sub : authInfo.clientId;
}

/** The outstanding requests as the wire carries them; a request without a payload becomes a bare form. */
function toInputRequests(snapshot: TaskSnapshot): Record<string, McpInputRequest> {
  const requests: Record<string, McpInputRequest> = {};
  for (const [key, request] of Object.entries(snapshot.inputRequests ?? {})) {
    requests[key] = isInputRequest(request.request)
      ? request.request
      : {
          method: 'elicitation/create',
          params: {
            mode: 'form',
            message: request.message ?? snapshot.message ?? 'The task needs input',
            requestedSchema: { type: 'object', properties: {} },
          },
        };
  }
  return requests;
}

function isInputRequest(value: unknown): value is McpInputRequest {
  return typeof value === 'object' && value !== null && typeof (value as { method?: unknown }).method === 'string';
}

/**
 * What a failure is on the wire: a thrown JSON-RPC error keeps its code and data; anything else is
 * `-32603`, with tooltask's error code (or any string `code`) in `data`, e.g. `{ code: 'TASK_LOST' }`
 * for a task whose owner died.
 *
 * @example
 * ```ts
 * import { TaskTimeoutError } from 'tooltask';
 * import { toJsonRpcError } from 'tooltask/mcp-tasks';
 * toJsonRpcError(new TaskTimeoutError('a', 1000)).data; // { code: 'TASK_TIMEOUT' }
 * ```
 */
export function toJsonRpcError(error: Error | undefined): McpJsonRpcError {
  const code = (error as { code?: unknown } | undefined)?.code;
  const data = errorData(error);
  return {
    code: typeof code === 'number' && Number.isInteger(code) ? code : INTERNAL_ERROR,
    message: error?.message ?? 'Task failed',
    ...(data === undefined ? {} : { data }),
  };
}

/** A Standard Schema that accepts what `accept` narrows to, and says what it expected otherwise. */
function standardSchema<T>(expected: string, accept: (value: unknown) => value is T): StandardSchemaV1<unknown, T> {
  return {
    '~standard': {
      version: 1,
      vendor: 'tooltask',
      validate: (value) =>
        accept(value) ? { value } : { issues: [{ message: `Expected ${expected}, got ${describe(value)}` }] },
    },
  };
}

const TASK_ID_PARAMS = standardSchema(
  'params with a string `taskId`',
  (value): value is { taskId: string } => isRecord(value) && typeof value.taskId === 'string',
);
const ANY_RESULT = standardSchema('a result object', isRecord);
