import { describe, expect, it } from 'vitest';
import { assign, createActor, fromObservable, setup, toPromise } from 'xstate';
import { createTaskManager, type TaskManager, type TaskSnapshot } from '../src/index.js';
import { controlledWork, flush } from './helpers.js';

// The README's bridge, as printed there: a tooltask task followed from inside your own machine.
const watchTask = setup({
  types: {
    input: {} as { tasks: TaskManager; id: string },
    context: {} as { tasks: TaskManager; id: string; progress: number; state: string },
  },
  actors: {
    task: fromObservable(({ input }: { input: { tasks: TaskManager; id: string } }) => input.tasks.subscribe(input.id)),
  },
}).createMachine({
  context: ({ input }) => ({ ...input, progress: 0, state: 'unknown' }),
  initial: 'watching',
  states: {
    watching: {
      invoke: {
        src: 'task',
        input: ({ context }) => ({ tasks: context.tasks, id: context.id }),
        // Each snapshot the task emits; `subscribe` completes after the final one.
        onSnapshot: {
          actions: assign(({ event }) => {
            const task = event.snapshot.context as TaskSnapshot | undefined; // undefined once it errored
            return task === undefined ? {} : { progress: task.progress, state: task.state };
          }),
        },
        onDone: 'finished',
        onError: 'lost', // TaskNotFoundError: no such task
      },
    },
    finished: { type: 'final' },
    lost: { type: 'final' },
  },
});

describe('fromObservable(() => manager.subscribe(id)) inside an XState machine', () => {
  it('follows the task to its end, then the invoke is done', async () => {
    const tasks = createTaskManager();
    const work = controlledWork();
    const { id } = await tasks.run(work.work);
    await flush();
    const actor = createActor(watchTask, { input: { tasks, id } }).start();
    await flush();
    expect(actor.getSnapshot().context.state).toBe('running');
    work.context?.progress(0.5, 'half');
    expect(actor.getSnapshot().context).toMatchObject({ progress: 0.5, state: 'running' });
    work.resolve('ok');
    await toPromise(actor);
    expect(actor.getSnapshot().value).toBe('finished');
    expect(actor.getSnapshot().context).toMatchObject({ progress: 1, state: 'complete' });
    await tasks.dispose();
  });

  it('ends in the error branch for an unknown id', async () => {
    const tasks = createTaskManager();
    const actor = createActor(watchTask, { input: { tasks, id: 'nope' } }).start();
    await toPromise(actor);
    expect(actor.getSnapshot().value).toBe('lost');
    await tasks.dispose();
  });
});
