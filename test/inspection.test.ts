import { createInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { describe, expect, it, vi } from 'vitest';
import type { AnyActorRef, InspectionEvent, Snapshot } from 'xstate';
import { createTaskManager } from '../src/index.js';
import { controlledWork, flush } from './helpers.js';

function observe() {
  const events: InspectionEvent[] = [];
  return { events, inspect: (event: InspectionEvent) => events.push(event) };
}

/** The inspected actor: XState types it as the narrow `ActorRefLike`, but it is a full actor. */
function actorOf(event: InspectionEvent): AnyActorRef {
  return event.actorRef as AnyActorRef;
}

/**
 * Which task an inspected actor is: every task actor has the actor id `task` (one done-event type
 * for all, see registryMachine.ts), and carries its task id in its context.
 */
function taskIdOf(actor: AnyActorRef): unknown {
  return (actor.getSnapshot() as { context?: { id?: unknown } } | undefined)?.context?.id;
}

function ofActor(events: readonly InspectionEvent[], id: string) {
  return events.filter((event) => actorOf(event).id === 'task' && taskIdOf(actorOf(event)) === id);
}

function stateValue(snapshot: Snapshot<unknown>): unknown {
  return (snapshot as Snapshot<unknown> & { value?: unknown }).value;
}

describe('inspection', () => {
  it('shows the observer the registry and every task actor it spawns', async () => {
    const { events, inspect } = observe();
    const tasks = createTaskManager({ inspect });
    await tasks.create('a');
    await tasks.run(async () => 'done', { id: 'b' });
    await tasks.wait('b');
    const actors = events.filter((event) => event.type === '@xstate.actor').map((event) => actorOf(event));
    expect(actors.slice(1).map((actor) => actor.id)).toEqual(['task', 'task', 'work']);
    expect(actors.map((actor) => taskIdOf(actor))).toEqual([undefined, 'a', 'b', undefined]);
    expect(actors[0]?.sessionId).toBe(events[0]!.rootId);
    await tasks.dispose();
  });

  it('shows every task actor in the registry system, with the registry as parent', async () => {
    const { events, inspect } = observe();
    const tasks = createTaskManager({ inspect });
    await tasks.create('a');
    const registration = ofActor(events, 'a').find((event) => event.type === '@xstate.actor');
    expect(registration).toBeDefined();
    const actor = actorOf(registration!);
    expect(registration!.rootId).toBe(tasks.registry.sessionId);
    expect(actor.system).toBe(tasks.registry.system);
    expect(actor._parent).toBe(tasks.registry);
    await tasks.dispose();
  });

  it('shows each event a task receives and the snapshot it makes, in order', async () => {
    const { events, inspect } = observe();
    const tasks = createTaskManager({ inspect });
    await tasks.create('a');
    await tasks.update('a', 0.5, 'half');
    await tasks.complete('a', 42);
    const seen = ofActor(events, 'a');
    expect(seen.filter((event) => event.type === '@xstate.event').map((event) => event.event.type)).toEqual([
      'xstate.init',
      'task.progress',
      'task.complete',
    ]);
    const snapshots = seen.flatMap((event) => (event.type === '@xstate.snapshot' ? [event.snapshot] : []));
    expect(snapshots.map((snapshot) => stateValue(snapshot))).toEqual([
      'pending',
      { running: { work: 'manual', client: 'free' } },
      'complete',
    ]);
    expect(snapshots.at(-1)).toMatchObject({ status: 'done', context: { progress: 1, result: 42 } });
    await tasks.dispose();
  });

  it('shows a run from start through its work to cancellation', async () => {
    const { events, inspect } = observe();
    const tasks = createTaskManager({ inspect });
    const work = controlledWork();
    await tasks.run(work.work, { id: 'job' });
    await flush();
    work.context?.progress(0.25);
    await tasks.cancel('job', 'stop');
    const received = ofActor(events, 'job')
      .filter((event) => event.type === '@xstate.event')
      .map((event) => event.event.type);
    expect(received).toEqual(['xstate.init', 'task.start', 'task.progress', 'task.cancel']);
    const values = ofActor(events, 'job').flatMap((event) =>
      event.type === '@xstate.snapshot' ? [stateValue(event.snapshot)] : [],
    );
    const working = { running: { work: 'working', client: 'free' } };
    expect(values).toEqual(['pending', working, working, 'cancelled']);
    expect(work.context?.signal.aborted).toBe(true);
    await tasks.dispose();
  });

  it('feeds @statelyai/inspect: each task is registered under the registry with its chart', async () => {
    const sent: StatelyInspectionEvent[] = [];
    const inspector = createInspector({ send: (event) => sent.push(event) });
    const tasks = createTaskManager({ inspect: inspector.inspect });
    await tasks.create('a');
    const sessionId = tasks.actor('a')?.sessionId;
    await tasks.update('a', 0.5);
    await tasks.complete('a');
    // The inspector batches its work in idle callbacks.
    await vi.waitFor(() =>
      expect(sent.some((event) => event.type === '@xstate.snapshot' && event.snapshot.status === 'done')).toBe(true),
    );
    const registry = sent.find((event) => event.type === '@xstate.actor' && event.name === 'registry');
    // Stately's inspector names an actor by its actor id: every task shows as `task`, told apart by session.
    const task = sent.find((event) => event.type === '@xstate.actor' && event.sessionId === sessionId);
    expect(task).toMatchObject({ name: 'task' });
    expect(registry).toBeDefined();
    expect(task).toMatchObject({ parentId: tasks.registry.sessionId, rootId: tasks.registry.sessionId });
    expect(JSON.parse((task as { definition: string }).definition)).toMatchObject({ id: 'task' });
    const taskEvents = sent.filter((event) => event.type === '@xstate.event' && event.sessionId === task?.sessionId);
    expect(taskEvents.map((event) => (event.type === '@xstate.event' ? event.event.type : ''))).toEqual([
      'xstate.init',
      'task.progress',
      'task.complete',
    ]);
    inspector.stop();
    await tasks.dispose();
  });
});
