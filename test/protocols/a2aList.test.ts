import { TaskState } from '@a2a-js/sdk';
import { ServerCallContext } from '@a2a-js/sdk/server';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createTaskManager } from '../../src/index.js';
import { A2ATaskStore } from '../../src/protocols/a2a.js';
import { listRequest, status, task } from './a2aFixtures.js';

/**
 * ListTasks' keyset walk, against any interleaving of pages and changes: on simulated time, so
 * many tasks share one millisecond (ties) and a change may keep a task's time.
 */
describe('A2ATaskStore.list while tasks change', () => {
  it('never gives a task twice, and gives every task that did not change exactly once, newest first', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.tuple(fc.nat(11), fc.nat(3)), { maxLength: 12 }),
        async (count, pageSize, changes) => {
          const clock = new SimulatedClock();
          const tasks = createTaskManager({ clock });
          const store = new A2ATaskStore(tasks);
          const context = new ServerCallContext();
          const working = status(TaskState.TASK_STATE_WORKING);
          for (let index = 0; index < count; index++) {
            await store.save(task(`t${index}`, 'c'), context);
            clock.increment(index % 3 === 0 ? 1 : 0);
          }
          const given: string[] = [];
          const changed = new Set<string>();
          let pageToken = '';
          let page = 0;
          do {
            const listed = await store.list(listRequest({ pageSize, pageToken }), context);
            const times = listed.tasks.map((listedTask) => Date.parse(listedTask.status?.timestamp ?? ''));
            expect(times).toEqual([...times].sort((a, b) => b - a));
            given.push(...listed.tasks.map((listedTask) => listedTask.id));
            pageToken = listed.nextPageToken;
            // Between pages, some tasks change (WORKING, then a new message), maybe in the same millisecond.
            for (const [which, step] of changes.filter((_, index) => index % 3 === page % 3)) {
              const id = `t${which % count}`;
              if (changed.has(id)) continue;
              clock.increment(step);
              await store.save(task(id, 'c', { status: working }), context);
              changed.add(id);
            }
            page++;
          } while (pageToken !== '');
          expect(new Set(given).size).toBe(given.length);
          for (let index = 0; index < count; index++) {
            if (!changed.has(`t${index}`)) expect(given).toContain(`t${index}`);
          }
          await tasks.dispose();
        },
      ),
      { numRuns: 60 },
    );
  });
});
