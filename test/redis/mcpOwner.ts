/**
 * An MCP server instance in its own process on a Redis namespace, for the lost-task tests: serves
 * the Tasks extension's test tools over HTTP on loopback, and runs one 2025-11-25 task (a work that
 * never ends) for session `s1` through `McpTaskStore`. Prints one JSON line: `{ url, v1 }`.
 * Arguments: <redis url> <namespace> <lease ms>. Never exits by itself: the test kills it (-9).
 */
import { createTaskManager } from '../../src/index.js';
import { McpTaskStore } from '../../src/protocols/mcp.js';
import { redisStore } from '../../src/redis/index.js';
import { createTools, overHttp } from '../protocols/mcpTasksHarness.js';

const [url, namespace, lease] = process.argv.slice(2) as [string, string, string];
const store = redisStore({ url, namespace, lease: Number(lease) });
const tasks = createTaskManager({ store });
await store.cluster.start();
const endpoint = await overHttp(createTools({}, tasks));
const v1 = await new McpTaskStore(tasks).run(
  ({ signal }) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
  { sessionId: 's1' },
);
process.stdout.write(`${JSON.stringify({ url: endpoint.url, v1: v1.taskId })}\n`);
process.stdin.on('data', () => {});
