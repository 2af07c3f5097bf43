import { type Actor, createActor } from 'xstate';
import { type TaskMachine, type TaskWorkRunner, taskMachine } from '../../machines/taskMachine.js';
import { type Contender, type ContenderFactory, taskId } from '../contender.js';

type TaskActor = Actor<TaskMachine>;

/**
 * The task statechart alone: `createActor(taskMachine, …).start()` kept in a Map, no registry, no
 * manager, no store, no public snapshot. What tooltask would cost if it added nothing to XState.
 */
function bareXState(): Contender {
  const actors = new Map<string, TaskActor>();
  return {
    create: (key) => {
      const id = taskId(key);
      actors.set(id, createActor(taskMachine, { input: { id, at: Date.now() } }).start());
      return id;
    },
    update: (id, progress, message) => {
      actors.get(id as string)?.send({ type: 'task.progress', progress, message, at: Date.now() });
    },
    complete: (id, result) => {
      actors.get(id as string)?.send({ type: 'task.complete', result, at: Date.now() });
    },
    remove: (id) => {
      actors.get(id as string)?.send({ type: 'task.cancel', at: Date.now() });
      actors.delete(id as string);
    },
    get: (id) => actors.get(id as string)?.getSnapshot(),
    subscribe: (id, listener) => {
      const subscription = (actors.get(id as string) as TaskActor).subscribe(listener);
      return () => subscription.unsubscribe();
    },
    listAll: () => {
      let count = 0;
      for (const actor of actors.values()) if (actor.getSnapshot()) count++;
      return count;
    },
    walk: (limit) => walkMap(actors, limit, (actor) => actor.getSnapshot()),
    churn: (key) => {
      const id = taskId(key);
      const actor = createActor(taskMachine, {
        input: { id, at: Date.now(), work: churnWork },
      });
      actors.set(id, actor);
      actor.subscribe({ complete: () => actors.delete(id) });
      actor.start();
      actor.send({ type: 'task.start', at: Date.now() });
    },
    settle: async () => {
      while (actors.size > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    },
    dispose: () => {
      for (const actor of actors.values()) actor.stop();
      actors.clear();
    },
  };
}

const churnWork: TaskWorkRunner = { run: async () => ({ ok: true, value: 1, at: Date.now() }), abort: () => {} };

/** Walks a Map's values in pages of `limit`, one iterator across pages: O(limit) per page. */
export function walkMap<T>(map: Map<string, T>, limit: number, read: (value: T) => unknown) {
  let pages = 0;
  let tasks = 0;
  const iterator = map.values();
  let next = iterator.next();
  while (!next.done) {
    const page: unknown[] = [];
    while (!next.done && page.length < limit) {
      page.push(read(next.value));
      next = iterator.next();
    }
    pages++;
    tasks += page.length;
  }
  return { pages, tasks };
}

export const bareXStateContender: ContenderFactory = {
  name: 'bare XState',
  notes: ['`createActor(taskMachine).start()` in a Map; `actor.subscribe` for listeners; raw XState snapshots'],
  create: bareXState,
};
