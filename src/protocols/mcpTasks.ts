/**
 * `tooltask/mcp-tasks`: the MCP Tasks extension (`io.modelcontextprotocol/tasks`, protocol
 * 2026-07-28) served from a tooltask manager on an SDK v2 server.
 */
export { MAX_SUBSCRIBED_TASKS, type McpFetch } from './mcpTaskHttp.js';
export { type McpNodeListener, type McpNodeListenerOptions, toNodeListener } from './mcpTaskNode.js';
export {
  type McpDetailedTask,
  type McpInputRequest,
  type McpJsonRpcError,
  type McpTaskStatusV2,
  McpTasks,
  type McpTasksOptions,
  type McpTasksToolConfig,
  type McpTasksToolWork,
  type McpTasksWorkContext,
  type McpTaskV2,
  toJsonRpcError,
  toMcpTaskStatus,
} from './mcpTaskServer.js';
export { MISSING_REQUIRED_CLIENT_CAPABILITY, TASKS_EXTENSION } from './mcpTaskWire.js';
