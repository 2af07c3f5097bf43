import { getSimplePaths } from '@xstate/graph';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import {
  createTaskManager,
  InvalidTransitionError,
  type TaskEvent,
  type TaskManager,
  type TaskState,
  type TaskWorkRunner,
  taskMachine,
} from '../src/index.js';
import { type ControlledWork, controlledWork, flush } from './helpers.js';

type PathEvent =
  | TaskEvent
  | { type: 'xstate.done.actor.work'; output: { ok: boolean; value?: unknown; error?: Error; at: number } };

const idleRunner: TaskWorkRunner = {
  run: () => new Promise(() => {}),
  abort: () => {},
};

/** Every event the chart knows, with both outcomes of a work. */
function events(): PathEvent[] {
  return [
    { type: 'task.start', at: 1 },
    { type: 'task.progress', progress: 0.5, message: 'half', at: 1 },
    { type: 'task.complete', result: 'ok', at: 1 },
    { type: 'task.fail', error: new Error('boom'), at: 1 },
    { type: 'task.cancel', reason: 'stop', at: 1 },
    { type: 'task.timeout', at: 1 },
    { type: 'task.requestInput', key: 'r1', need: 'input', message: 'which region?', at: 1 },
    { type: 'task.respond', answers: { r1: 'eu-west' }, at: 1 },
    { type: 'task.resume', message: 'eu-west', at: 1 },
    { type: 'xstate.done.actor.work', output: { ok: true, value: 'v', at: 1 } },
    { type: 'xstate.done.actor.work', output: { ok: false, error: new Error('work failed'), at: 1 } },
  ];
}

function topState(value: unknown): TaskState {
  return (typeof value === 'string' ? value : 'running') as TaskState;
}

function pathsFor(withWork: boolean) {
  return getSimplePaths(taskMachine, {
    input: { id: 'model', at: 0, ...(withWork ? { work: idleRunner, timeout: 100 } : {}) },
    events: events as () => never[],
    serializeState: (snapshot) => JSON.stringify(snapshot.value),
    serializeEvent: (event) =>
      JSON.stringify([event.type, 'output' in event ? (event.output as { ok: boolean }).ok : undefined]),
  });
}

/** Sets up the task the path starts from, and performs each chart event through the public API. */
async function drive(withWork: boolean) {
  const clock = new SimulatedClock();
  const tasks = createTaskManager({ clock, concurrency: 1 });
  let work: ControlledWork | undefined;
  const blocker = controlledWork();
  if (withWork) {
    // Holds the only slot, so the task under test waits in `pending` until `task.start`.
    await tasks.run(blocker.work, { id: 'blocker' });
    work = controlledWork();
    await tasks.run(work.work, { id: 't', timeout: 100 });
  } else {
    await tasks.create('t');
  }
  const perform = async (event: PathEvent): Promise<void> => {
    switch (event.type) {
      case 'task.start':
        await tasks.complete('blocker', 'freed');
        return;
      case 'task.progress':
        await tasks.update('t', event.progress, event.message);
        return;
      case 'task.complete':
        await tasks.complete('t', event.result);
        return;
      case 'task.fail':
        await tasks.fail('t', event.error);
        return;
      case 'task.cancel':
        await tasks.cancel('t', event.reason);
        return;
      case 'task.timeout':
        clock.increment(100);
        return;
      case 'task.requestInput':
        await tasks.requestInput('t', { need: event.need, message: event.message });
        return;
      case 'task.respond':
        await tasks.respond('t', event.answers);
        return;
      case 'task.resume':
        await tasks.resume('t', event.message);
        return;
      case 'xstate.done.actor.work':
        if (event.output.ok) work?.resolve(event.output.value);
        else work?.reject(event.output.error);
        await flush();
        return;
    }
  };
  return { tasks, perform, work };
}

async function refusesEverything(tasks: TaskManager, state: TaskState) {
  const before = await tasks.get('t');
  const attempts: Array<() => Promise<unknown>> = [
    () => tasks.update('t', 0.9),
    () => tasks.complete('t', 'again'),
    () => tasks.fail('t', new Error('again')),
    () => tasks.cancel('t'),
    () => tasks.requestInput('t'),
    () => tasks.resume('t'),
  ];
  for (const attempt of attempts) {
    const error = await attempt().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidTransitionError);
    expect((error as InvalidTransitionError).from).toBe(state);
  }
  expect(await tasks.get('t')).toBe(before);
}

describe.each([
  ['a task driven by update()', false],
  ['a task running work', true],
])('every path through the task chart, for %s', (_name, withWork) => {
  const paths = pathsFor(withWork);

  it('has paths to every reachable state', () => {
    const reached = new Set(paths.map((path) => topState(path.state.value)));
    expect([...reached].sort()).toEqual(['cancelled', 'complete', 'failed', 'pending', 'running']);
  });

  for (const path of paths) {
    const name = path.steps.map((step) => JSON.stringify(step.state.value)).join(' → ');
    it(`follows ${name || 'the initial state'} through the manager`, async () => {
      const { tasks, perform, work } = await drive(withWork);
      let seq = (await tasks.get('t')).seq;
      // steps[0] is the initial state, reached by no event.
      for (const step of path.steps.slice(1)) {
        await perform(step.event as PathEvent);
        const snapshot = await tasks.get('t');
        expect(snapshot.state).toBe(topState(step.state.value));
        expect(snapshot.awaiting).toBe(step.state.context.awaiting);
        expect(snapshot.seq).toBe(seq + 1);
        seq = snapshot.seq;
      }
      const final = await tasks.get('t');
      if (final.state === 'complete') expect(final.progress).toBe(1);
      if (final.state === 'complete' || final.state === 'failed' || final.state === 'cancelled') {
        expect(final.completedAt).toBeDefined();
        expect(tasks.actor('t')).toBeUndefined();
        if (work?.started) {
          // Ending the task from outside aborts its work; the work ending by itself aborts nothing.
          const last = path.steps.at(-1)?.event as PathEvent;
          expect(work.context?.signal.aborted).toBe(last.type !== 'xstate.done.actor.work');
        }
        await refusesEverything(tasks, final.state);
      } else {
        expect(final.completedAt).toBeUndefined();
        expect(tasks.actor('t')).toBeDefined();
      }
      await tasks.dispose();
    });
  }
});
