import fc from 'fast-check';
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import { createTaskManager, type TaskManager, type TaskSnapshot, type TaskState } from '../src/index.js';
import { FaultStore, randomLatency } from './faultStore.js';
import { freshNamespace, redisForTests } from './redis/fixtures.js';
import { hasRedis } from './redis/server.js';

/** The reference: the Go contract in a dozen lines, nothing shared with the implementation. */
interface ModelTask {
  state: TaskState;
  progress: number;
  seq: number;
  awaiting: boolean;
}
type Model = Map<string, ModelTask>;
interface Real {
  tasks: TaskManager;
  clock: SimulatedClock;
}

const ids = ['a', 'b', 'c', '', 'x'.repeat(300)];
const terminal = (state: TaskState) => state === 'complete' || state === 'failed' || state === 'cancelled';
const idError = (id: string) => (id === '' || id.length > 256 ? 'INVALID_TASK_ID' : undefined);

/** What the model says an operation answers: an error code, or nothing. */
async function outcome(action: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await action();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

function step(
  name: string,
  id: string,
  expectCode: (task: ModelTask | undefined) => string | undefined,
  apply: (task: ModelTask | undefined, model: Model) => void,
  act: (real: Real) => Promise<unknown>,
): fc.AsyncCommand<Model, Real> {
  return {
    check: () => true,
    async run(model, real) {
      real.clock.increment(1);
      const task = model.get(id);
      const expected = idError(id) ?? expectCode(task);
      const before = task === undefined ? undefined : await real.tasks.get(id);
      const code = await outcome(() => act(real));
      expect(code).toBe(expected);
      if (expected === undefined) apply(task, model);
      const now = model.get(id);
      if (now !== undefined) {
        const snapshot = await real.tasks.get(id);
        expect({
          state: snapshot.state,
          progress: snapshot.progress,
          seq: snapshot.seq,
          awaiting: snapshot.awaiting === 'input',
        }).toEqual(now);
        if (expected !== undefined) expect(snapshot).toEqual(before);
      }
    },
    toString: () => `${name}(${JSON.stringify(id.length > 10 ? `${id.slice(0, 5)}…` : id)})`,
  };
}

const mustExist = (ok: (task: ModelTask) => boolean) => (task: ModelTask | undefined) =>
  task === undefined ? 'TASK_NOT_FOUND' : ok(task) ? undefined : 'INVALID_TRANSITION';
const end = (state: TaskState, progress?: number) => (task: ModelTask | undefined) => {
  if (task === undefined) return;
  task.state = state;
  if (progress !== undefined) task.progress = progress;
  task.awaiting = false;
  task.seq++;
};

const commands = [
  fc.constantFrom(...ids).map((id) =>
    step(
      'create',
      id,
      (task) => (task === undefined ? undefined : 'TASK_EXISTS'),
      (_task, model) => model.set(id, { state: 'pending', progress: 0, seq: 0, awaiting: false }),
      (real) => real.tasks.create(id),
    ),
  ),
  fc
    .tuple(
      fc.constantFrom(...ids),
      fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(Number.NaN, 1.5, -1)),
    )
    .map(([id, progress]) =>
      step(
        `update@${progress}`,
        id,
        (task) =>
          idError(id) ??
          (Number.isNaN(progress) || progress < 0 || progress > 1
            ? 'INVALID_ARGUMENT'
            : mustExist((t) => !terminal(t.state))(task)),
        (task) => {
          if (task === undefined) return;
          task.state = 'running';
          task.progress = progress;
          task.seq++;
        },
        (real) => real.tasks.update(id, progress),
      ),
    ),
  fc.constantFrom(...ids).map((id) =>
    step(
      'complete',
      id,
      mustExist((t) => !terminal(t.state)),
      end('complete', 1),
      (real) => real.tasks.complete(id, 'r'),
    ),
  ),
  fc.constantFrom(...ids).map((id) =>
    step(
      'fail',
      id,
      mustExist((t) => !terminal(t.state)),
      end('failed'),
      (real) => real.tasks.fail(id, new Error('e')),
    ),
  ),
  fc.constantFrom(...ids).map((id) =>
    step(
      'cancel',
      id,
      mustExist((t) => !terminal(t.state)),
      end('cancelled'),
      (real) => real.tasks.cancel(id),
    ),
  ),
  fc.constantFrom(...ids).map((id) =>
    step(
      'requestInput',
      id,
      mustExist((t) => !terminal(t.state)),
      (task) => {
        if (task === undefined) return;
        task.state = 'running';
        task.awaiting = true;
        task.seq++;
      },
      (real) => real.tasks.requestInput(id, { message: 'answer?' }),
    ),
  ),
  fc.constantFrom(...ids).map((id) =>
    step(
      'resume',
      id,
      mustExist((t) => t.awaiting),
      (task) => {
        if (task === undefined) return;
        task.awaiting = false;
        task.seq++;
      },
      (real) => real.tasks.resume(id),
    ),
  ),
  fc.constantFrom(...ids).map((id) =>
    step(
      'get',
      id,
      (task) => (task === undefined ? 'TASK_NOT_FOUND' : undefined),
      () => {},
      (real) => real.tasks.get(id),
    ),
  ),
  fc.constantFrom('a', 'b', 'c').map(
    (id): fc.AsyncCommand<Model, Real> => ({
      check: (model) => model.has(id) && terminal((model.get(id) as ModelTask).state),
      async run(model, real) {
        // A finished task's stream is its final snapshot, then completion.
        const values: TaskSnapshot[] = await lastValueFrom(real.tasks.subscribe(id).pipe(toArray()));
        expect(values.map((task) => task.state)).toEqual([(model.get(id) as ModelTask).state]);
      },
      toString: () => `subscribeFinished(${id})`,
    }),
  ),
];

const stores = [
  ['in memory', () => undefined, 2_000],
  // Every store call answers 0-2 ms late, so the writes of different tasks land out of order.
  ['on a store that answers late, in random order', () => new FaultStore({ latency: randomLatency(2) }), 150],
] as const;

describe.each(stores)('the manager against a reference model, %s', (_, makeStore, numRuns) => {
  it('agrees with the model over random command sequences, errors included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40 }), async (sequence) => {
        const clock = new SimulatedClock();
        const store = makeStore();
        const tasks = createTaskManager({ clock, ...(store === undefined ? {} : { store }) });
        // Every change of every task, checked at the end: each seq follows the previous one.
        const seqs = new Map<string, number[]>();
        tasks.changes$.subscribe((task) => seqs.set(task.id, [...(seqs.get(task.id) ?? []), task.seq]));
        await fc.asyncModelRun(() => ({ model: new Map(), real: { tasks, clock } }), sequence);
        for (const list of seqs.values()) expect(list).toEqual(list.map((_, i) => i));
        await tasks.dispose();
        if (store === undefined) return;
        // The store took each task's snapshots in seq order, and ends with the latest one.
        for (const [id, saved] of store.savedSeqs()) {
          expect(saved).toEqual([...saved].sort((a, b) => a - b));
          expect(store.inner.load(id)?.seq).toBe(saved.at(-1));
        }
      }),
      { numRuns },
    );
  });
});

describe.skipIf(!hasRedis())('the manager against a reference model, on Redis', () => {
  const redis = redisForTests();
  it('agrees with the model over random command sequences, errors included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (sequence) => {
        const clock = new SimulatedClock();
        const store = redis.open(freshNamespace());
        const tasks = createTaskManager({ clock, store });
        await store.cluster.start();
        const seqs = new Map<string, number[]>();
        tasks.changes$.subscribe((task) => seqs.set(task.id, [...(seqs.get(task.id) ?? []), task.seq]));
        await fc.asyncModelRun(() => ({ model: new Map(), real: { tasks, clock } }), sequence);
        // Every change of this manager's tasks, once each and in order (the store's echo is not news).
        for (const list of seqs.values()) expect(list).toEqual(list.map((_, i) => i));
        await tasks.dispose();
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
