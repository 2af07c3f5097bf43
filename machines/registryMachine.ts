import { type ActorRefFrom, enqueueActions, setup } from 'xstate';
import type { TaskActorRef, TaskOutput } from './taskMachine.js';

/** What the registry is started with. */
export interface RegistryInput {
  /** How many works may run at once; `Infinity` for no limit. */
  readonly concurrency: number;
}

export interface RegistryContext {
  /** Every live task this registry owns, by id. */
  readonly tasks: Map<string, TaskActorRef>;
  /** Tasks whose work waits for a slot, first in first out. */
  readonly queue: Map<string, TaskActorRef>;
  /** Ids of the tasks whose work holds a slot. */
  readonly working: Set<string>;
  readonly concurrency: number;
  /** Counts, so that a snapshot shows a change even though the collections above are mutated in place. */
  readonly live: number;
  readonly queued: number;
  readonly running: number;
}

export type RegistryEvent =
  | { readonly type: 'registry.create'; readonly task: TaskActorRef; readonly at: number }
  | { readonly type: 'registry.dispose'; readonly at: number }
  | { readonly type: typeof TASK_DONE; readonly output: TaskOutput };

/**
 * The actor id every task actor gets, so that every task's done event has this one type.
 *
 * XState memoizes a state node's transition candidates per event type, for good: were each task's
 * actor id its task id, each `xstate.done.actor.<taskId>` would add an entry to the registry's
 * state nodes, a leak of ~300 B per task ever created. The task's own id travels in its output,
 * and its unique `sessionId` still tells actors apart in the system and the inspector.
 */
export const TASK_ACTOR_ID = 'task';
const TASK_DONE = `xstate.done.actor.${TASK_ACTOR_ID}` as const;

/**
 * The registry: owns every live task actor, starts work as slots free, and reaps tasks that end.
 *
 * Tasks are created by the manager with `createActor(taskMachine, { parent: registry })` and handed
 * over with `registry.create`, rather than spawned with `spawnChild`: XState copies a parent's whole
 * `children` object on every spawn and stop, which makes each O(live tasks). Here the registry
 * keeps its own `Map`, so creating and reaping a task costs the same at a million live tasks as at
 * one. A task that reaches a final state stops itself; its `xstate.done.actor.task` event reaches
 * the registry, which forgets it (by the id in its output), frees its slot and starts the next
 * waiting work.
 *
 * The collections in context are mutated in place (a copy per event would be O(n)); the counts
 * beside them change with every event, so snapshots and selectors still see each change.
 */
export const registryMachine = setup({
  types: {
    context: {} as RegistryContext,
    events: {} as RegistryEvent,
    input: {} as RegistryInput,
  },
  actions: {
    // Each action decides and updates the registry's collections, then enqueues its effects (start
    // a task, message it), which XState runs once the transition executes.
    record: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'registry.create') return;
      const { task, at } = event;
      const { id } = task.getSnapshot().context;
      context.tasks.set(id, task);
      enqueue(() => task.start());
      const start = { type: 'task.start', at } as const;
      if (task.getSnapshot().can(start)) {
        if (context.working.size < context.concurrency) {
          context.working.add(id);
          enqueue.sendTo(task, start);
        } else {
          context.queue.set(id, task);
        }
      }
      enqueue.assign(counts(context));
    }),
    reap: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== TASK_DONE) return;
      const { id } = event.output;
      context.tasks.delete(id);
      context.queue.delete(id);
      if (context.working.delete(id)) {
        const at = event.output?.completedAt ?? 0;
        for (const [nextId, next] of context.queue) {
          context.queue.delete(nextId);
          // Ended while waiting, with its done event still behind this one (dispose does that).
          if (next.getSnapshot().status !== 'active') continue;
          context.working.add(nextId);
          enqueue.sendTo(next, { type: 'task.start', at });
          break;
        }
      }
      enqueue.assign(counts(context));
    }),
  },
}).createMachine({
  id: 'registry',
  context: ({ input }) => ({
    tasks: new Map(),
    queue: new Map(),
    working: new Set(),
    concurrency: input.concurrency,
    live: 0,
    queued: 0,
    running: 0,
  }),
  initial: 'open',
  states: {
    open: {
      on: {
        'registry.create': { actions: 'record' },
        [TASK_DONE]: { actions: 'reap' },
        // The manager cancels every task itself (waiting ones first); here the registry stops
        // giving slots, and only reaps.
        'registry.dispose': { target: 'disposed' },
      },
    },
    disposed: {
      on: {
        [TASK_DONE]: { actions: 'reap' },
      },
    },
  },
});

function counts(context: RegistryContext) {
  return { live: context.tasks.size, queued: context.queue.size, running: context.working.size };
}

/** The registry machine's type. */
export type RegistryMachine = typeof registryMachine;
/** The running registry actor. */
export type RegistryActorRef = ActorRefFrom<RegistryMachine>;
