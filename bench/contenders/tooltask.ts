import { createTaskManager, type TaskManager } from '../../src/index.js';
import { type Contender, type ContenderFactory, taskId } from '../contender.js';

const work = () => 1;

/** tooltask through its public API only; every call awaited, as a caller would. */
function tooltask(): Contender {
  const tasks: TaskManager = createTaskManager();
  const churn: TaskManager = createTaskManager({ retention: 0 });
  return {
    create: async (key) => {
      const id = taskId(key);
      await tasks.create(id);
      return id;
    },
    update: async (id, progress, message) => {
      await tasks.update(id as string, progress, message);
    },
    complete: async (id, result) => {
      await tasks.complete(id as string, result);
    },
    remove: async (id) => {
      await tasks.cancel(id as string);
    },
    get: (id) => tasks.peek(id as string),
    getAsync: (id) => tasks.get(id as string),
    subscribe: (id, listener) => {
      const subscription = tasks.subscribe(id as string).subscribe(listener);
      return () => subscription.unsubscribe();
    },
    listAll: async () => (await tasks.list()).length,
    walk: async (limit) => {
      let pages = 0;
      let seen = 0;
      let cursor: string | undefined;
      do {
        const page = await tasks.page(cursor === undefined ? { limit } : { cursor, limit });
        pages++;
        seen += page.tasks.length;
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return { pages, tasks: seen };
    },
    churn: async (key) => {
      await churn.run(work, { id: taskId(key) });
    },
    // The works end a few microtasks after run() resolves; awaiting the registry's live count
    // (public: `tasks.registry`) costs the tasks nothing, unlike a subscriber or `wait()` each.
    settle: async () => {
      while (churn.registry.getSnapshot().context.live > 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
    dispose: async () => {
      await tasks.dispose();
      await churn.dispose();
    },
  };
}

export const tooltaskContender: ContenderFactory = {
  name: 'tooltask',
  notes: [
    'public API only (`createTaskManager`), every call awaited; W8 is `run()` with `retention: 0`',
    'W3 reads with `peek(id)`, the synchronous read; `await get(id)` is the row "through a Promise"',
  ],
  create: tooltask,
};
