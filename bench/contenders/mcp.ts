import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks';
import { type Contender, type ContenderFactory, ListenerShim, type PageWalk } from '../contender.js';

const request = { method: 'tools/call', params: { name: 'bench', arguments: {} } };
const SAMPLES = 8;
/** The SDK's page length, fixed inside `listTasks`. */
const MCP_PAGE = 10;

/**
 * The MCP SDK's `InMemoryTaskStore` (experimental tasks, `ttl: null`), with the listener shim for
 * subscriptions. Its handle is the task id it generates.
 */
function mcp(): Contender {
  const store = new InMemoryTaskStore();
  const shim = new ListenerShim();
  return {
    create: async (key) => (await store.createTask({ ttl: null }, key, request)).taskId,
    update: async (id, progress, message) => {
      await store.updateTaskStatus(id as string, 'working', message);
      shim.emit(id as string, progress);
    },
    complete: async (id, result) => {
      await store.storeTaskResult(id as string, 'completed', { content: [{ type: 'text', text: String(result) }] });
      shim.emit(id as string, 1, true);
    },
    remove: async (id) => {
      await store.updateTaskStatus(id as string, 'cancelled');
      shim.emit(id as string, 1, true);
    },
    get: (id) => store.getTask(id as string),
    getAsync: (id) => store.getTask(id as string),
    subscribe: (id, listener) => shim.subscribe(id as string, listener),
    listAll: () => store.getAllTasks().length,
    walk: async (): Promise<PageWalk> => {
      // listTasks copies and filters every key, then indexOf's the cursor: O(n) per page, 10 tasks a
      // page. A full walk at 100k is 10,000 such pages (minutes), so time pages at evenly spread
      // cursors and scale their mean to the full walk.
      const ids = store.getAllTasks().map((task) => task.taskId);
      const pages = Math.ceil(ids.length / MCP_PAGE);
      const times: number[] = [];
      for (let k = 0; k < SAMPLES; k++) {
        const page = Math.floor(((k + 0.5) * pages) / SAMPLES);
        const cursor = page === 0 ? undefined : ids[page * MCP_PAGE - 1];
        const start = performance.now();
        await store.listTasks(cursor);
        times.push(performance.now() - start);
      }
      const mean = times.reduce((a, b) => a + b, 0) / times.length;
      return {
        pages,
        tasks: ids.length,
        ms: mean * pages,
        extrapolated: `${SAMPLES} pages timed at evenly spread cursors, mean × ${pages} pages of ${MCP_PAGE} (the SDK's fixed page length)`,
      };
    },
    dispose: () => store.cleanup(),
  };
}

export const mcpContender: ContenderFactory = {
  name: 'MCP SDK store',
  notes: [
    '`InMemoryTaskStore` from `@modelcontextprotocol/sdk/experimental/tasks` 1.32.2, `ttl: null`; listener shim for subscribe',
    'progress is `updateTaskStatus(id, "working", message)` (MCP tasks carry no progress number); list-all is `getAllTasks()`',
    'no delete: tasks stay until their ttl, so W8 (churn) does not apply',
  ],
  create: mcp,
};
