/**
 * ListTasks on `A2ATaskStore`: one page (50 tasks, the last updated first) out of n tasks, and a
 * walk of all n, page by page, in memory. Each page walks every task the manager holds (the
 * stores index by creation, not by update): this shows what that costs.
 *
 *   npm run bench:a2a-list            (SIZES=1000,10000,100000)
 */
import { TaskState } from '@a2a-js/sdk';
import { ServerCallContext } from '@a2a-js/sdk/server';
import { createTaskManager } from '../src/index.js';
import { A2ATaskStore } from '../src/protocols/a2a.js';

const SIZES = (process.env.SIZES ?? '1000,10000,100000').split(',').map(Number);
const context = new ServerCallContext();
const request = (pageToken: string) => ({
  tenant: '',
  contextId: '',
  status: TaskState.TASK_STATE_UNSPECIFIED,
  pageSize: 50,
  pageToken,
  statusTimestampAfter: '',
});

for (const size of SIZES) {
  const tasks = createTaskManager();
  const store = new A2ATaskStore(tasks);
  for (let index = 0; index < size; index++) {
    const status = { state: TaskState.TASK_STATE_WORKING, message: undefined, timestamp: undefined };
    await store.save({ id: `t${index}`, contextId: 'c', status, artifacts: [], history: [], metadata: {} }, context);
  }
  const pages: number[] = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    await store.list(request(''), context);
    pages.push(performance.now() - started);
  }
  pages.sort((a, b) => a - b);
  let walked = 0;
  let token = '';
  const started = performance.now();
  // A whole walk is n/50 pages of O(n) each: only for the smaller sizes.
  if (size <= 10_000) {
    do {
      const page = await store.list(request(token), context);
      walked += page.tasks.length;
      token = page.nextPageToken;
    } while (token !== '');
  }
  const walk = walked === 0 ? 'skipped' : `${Math.round(performance.now() - started)} ms for ${walked} tasks`;
  console.log(
    `n=${size.toLocaleString('en')}: one page of 50 in ${pages[2]?.toFixed(1)} ms (median of 5); whole walk ${walk}`,
  );
  await tasks.dispose();
}
