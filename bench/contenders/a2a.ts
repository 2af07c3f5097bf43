import { type Task, TaskState } from '@a2a-js/sdk';
import { InMemoryTaskStore, ServerCallContext } from '@a2a-js/sdk/server';
import { type Contender, type ContenderFactory, ListenerShim, type PageWalk, taskId } from '../contender.js';

const SAMPLES = 3;

/**
 * The A2A SDK's `InMemoryTaskStore`, with the listener shim for subscriptions. The handle is the
 * executor's own task object, which it changes and saves on every event, as the SDK's
 * ResultManager does: one `save` (a structuredClone) per event, never a load.
 */
function a2a(): Contender {
  const store = new InMemoryTaskStore();
  const context = new ServerCallContext();
  const shim = new ListenerShim();
  const set = async (task: Task, state: TaskState, metadata: Record<string, unknown>) => {
    task.status = { state, timestamp: new Date().toISOString(), message: undefined };
    task.metadata = metadata;
    await store.save(task, context);
  };
  const query = (pageSize: number, pageToken: string) => ({
    tenant: '',
    contextId: '',
    status: TaskState.TASK_STATE_UNSPECIFIED,
    pageSize,
    pageToken,
    statusTimestampAfter: undefined,
  });
  let count = 0;
  return {
    create: async (key) => {
      const task: Task = {
        id: taskId(key),
        contextId: 'bench',
        status: { state: TaskState.TASK_STATE_SUBMITTED, timestamp: new Date().toISOString(), message: undefined },
        artifacts: [],
        history: [],
        metadata: {},
      };
      await store.save(task, context);
      count++;
      return task;
    },
    update: async (handle, progress, message) => {
      const task = handle as Task;
      await set(task, TaskState.TASK_STATE_WORKING, { progress, message });
      shim.emit(task.id, task);
    },
    complete: async (handle, result) => {
      const task = handle as Task;
      await set(task, TaskState.TASK_STATE_COMPLETED, { progress: 1, result });
      shim.emit(task.id, task, true);
    },
    remove: async (handle) => {
      const task = handle as Task;
      await set(task, TaskState.TASK_STATE_CANCELED, {});
      shim.emit(task.id, task, true);
    },
    get: (handle) => store.load((handle as Task).id, context),
    getAsync: (handle) => store.load((handle as Task).id, context),
    subscribe: (handle, listener) => shim.subscribe((handle as Task).id, listener),
    listAll: async () => (await store.list(query(count, ''), context)).tasks.length,
    walk: async (limit): Promise<PageWalk> => {
      // Each page copies and sorts the whole bucket (O(n log n)), so a full walk at 100k is 1,000
      // such pages: time the first pages and scale their median to the full walk.
      const pages = Math.ceil(count / limit);
      const times: number[] = [];
      let token = '';
      for (let k = 0; k < Math.min(SAMPLES, pages); k++) {
        const start = performance.now();
        const page = await store.list(query(limit, token), context);
        times.push(performance.now() - start);
        token = page.nextPageToken;
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)] as number;
      return {
        pages,
        tasks: count,
        ms: median * pages,
        extrapolated: `first ${SAMPLES} pages timed, median × ${pages} pages`,
      };
    },
    dispose: () => {},
  };
}

export const a2aContender: ContenderFactory = {
  name: 'A2A SDK store',
  notes: [
    '`InMemoryTaskStore` from `@a2a-js/sdk/server` 1.3.0; listener shim for subscribe; one `save` per event as its ResultManager does',
    'list-all is one `list()` page as large as the store; no delete, so W8 (churn) does not apply',
  ],
  create: a2a,
};
