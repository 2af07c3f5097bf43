import { describe, expect, it } from 'vitest';
import { createTaskManager, InvalidTransitionError, type TaskSnapshot } from '../src/index.js';
import { FaultStore, randomLatency } from './faultStore.js';
import { controlledWork, flush } from './helpers.js';

/** A call's outcome, taken at once: a rejection a test reads later is never unhandled. */
function settle<T>(call: Promise<T>): Promise<PromiseSettledResult<T>> {
  return call.then(
    (value) => ({ status: 'fulfilled', value }),
    (reason: unknown) => ({ status: 'rejected', reason }),
  );
}

/** Runs `body` for the in-memory store and for one that answers late. */
const stores = [
  ['in memory', () => undefined],
  ['on a slow store', () => new FaultStore({ latency: randomLatency(2) })],
] as const;

describe.each(stores)('calls made from inside callbacks, %s', (_, makeStore) => {
  const manager = (options: { concurrency?: number } = {}) => {
    const store = makeStore();
    return createTaskManager({ ...options, ...(store === undefined ? {} : { store }) });
  };

  it('dispose() from a subscriber as a queued task gets its slot ends that task and settles its waiters', async () => {
    const tasks = manager({ concurrency: 1 });
    const first = controlledWork();
    const second = controlledWork();
    await tasks.run(first.work, { id: 'first' });
    await tasks.run(second.work, { id: 'second' });
    let disposing: Promise<void> | undefined;
    tasks.subscribe('second').subscribe((task) => {
      if (task.state === 'running') disposing = tasks.dispose();
    });
    const waiting = tasks.wait('second');
    first.resolve('freed');
    await flush();
    await disposing;
    const ended = await waiting;
    expect(ended).toMatchObject({ state: 'cancelled', message: 'disposed' });
    if (second.started) expect(second.context?.signal.aborted).toBe(true);
    expect(tasks.registry.getSnapshot().context.live).toBe(0);
  });

  it('dispose() from a work as it starts cancels that task and aborts its signal', async () => {
    const tasks = manager();
    let signal: AbortSignal | undefined;
    const { id } = await tasks.run(({ signal: own }) => {
      signal = own;
      void tasks.dispose();
      return new Promise(() => {});
    });
    const ended = await tasks.wait(id);
    expect(ended).toMatchObject({ state: 'cancelled', message: 'disposed' });
    expect(signal?.aborted).toBe(true);
  });

  it('dispose() from a changes$ subscriber as a task is created ends it', async () => {
    const tasks = manager();
    const work = controlledWork();
    tasks.changes$.subscribe((task) => {
      if (task.seq === 0) void tasks.dispose();
    });
    const created = await tasks.run(work.work, { id: 'a' }).catch((error: unknown) => error);
    const ended = await tasks.wait('a');
    expect(ended.state).toBe('cancelled');
    if (work.started) expect(work.context?.signal.aborted).toBe(true);
    expect(created).toBeDefined();
  });

  it('a subscriber whose first callback changes the task sees that change next: seq contiguous', async () => {
    const tasks = manager();
    await tasks.create('t');
    const seqs: number[] = [];
    tasks.subscribe('t').subscribe((task) => {
      seqs.push(task.seq);
      if (task.seq === 0) void tasks.update('t', 0.5);
      if (task.seq === 1) void tasks.update('t', 0.7);
    });
    await flush();
    await tasks.complete('t');
    expect(seqs).toEqual([0, 1, 2, 3]);
  });

  it('a subscriber that cancels in its first callback sees the end and completes', async () => {
    const tasks = manager();
    await tasks.create('t');
    const states: string[] = [];
    let completed = false;
    tasks.subscribe('t').subscribe({
      next: (task) => {
        states.push(task.state);
        if (task.seq === 0) void tasks.cancel('t');
      },
      complete: () => {
        completed = true;
      },
    });
    await flush();
    expect(states).toEqual(['pending', 'cancelled']);
    expect(completed).toBe(true);
  });

  it('from a work’s abort listener, complete, update and a second cancel are refused; the cancel wins', async () => {
    const tasks = manager();
    const outcomes: Array<Promise<PromiseSettledResult<unknown>>> = [];
    const { id } = await tasks.run(
      ({ id, signal }) =>
        new Promise(() => {
          signal.addEventListener('abort', () => {
            outcomes.push(
              settle(tasks.complete(id, 'late')),
              settle(tasks.update(id, 0.9)),
              settle(tasks.cancel(id, 'again')),
            );
          });
        }),
    );
    const cancelled = await tasks.cancel(id, 'stop');
    expect(cancelled).toMatchObject({ state: 'cancelled', message: 'stop' });
    const settled = await Promise.all(outcomes);
    expect(settled.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const result of settled) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(InvalidTransitionError);
      expect((result as PromiseRejectedResult).reason).toMatchObject({ from: 'cancelled' });
    }
    expect(await tasks.get(id)).toBe(cancelled);
    await tasks.dispose();
  });

  it('from a changes$ subscriber, fail then cancel: exactly one wins, and each call answers with its own snapshot', async () => {
    const tasks = manager();
    const calls: Array<Promise<PromiseSettledResult<TaskSnapshot>>> = [];
    tasks.changes$.subscribe((task) => {
      if (task.id === 't' && task.seq === 1) calls.push(settle(tasks.fail('t', 'boom')), settle(tasks.cancel('t')));
    });
    await tasks.create('t');
    const update = await tasks.update('t', 0.1);
    expect(update.seq).toBe(1);
    const [failed, cancelled] = await Promise.all(calls);
    expect(failed).toMatchObject({ status: 'fulfilled', value: { state: 'failed', seq: 2 } });
    expect(cancelled?.status).toBe('rejected');
    expect((cancelled as PromiseRejectedResult).reason).toMatchObject({ code: 'INVALID_TRANSITION', from: 'failed' });
    await tasks.dispose();
  });

  it('changes$ is in causal order: a change made by a listener of change X comes after X, for every listener', async () => {
    const tasks = manager();
    await tasks.create('a');
    await tasks.create('b');
    const first: string[] = [];
    const second: string[] = [];
    tasks.changes$.subscribe((task) => {
      first.push(`${task.id}${task.seq}`);
      if (task.id === 'a' && task.seq === 1) void tasks.update('b', 0.5);
    });
    tasks.changes$.subscribe((task) => second.push(`${task.id}${task.seq}`));
    await tasks.update('a', 0.5);
    await flush();
    expect(first).toEqual(['a1', 'b1']);
    expect(second).toEqual(['a1', 'b1']);
    await tasks.dispose();
  });

  it('a call made while another is delivered answers with the snapshot its own event made', async () => {
    const tasks = manager();
    await tasks.create('t');
    let inner: Promise<TaskSnapshot> | undefined;
    tasks.subscribe('t').subscribe((task) => {
      if (task.seq === 1) inner = tasks.update('t', 0.2, 'inner');
    });
    const outer = await tasks.update('t', 0.1, 'outer');
    expect(outer).toMatchObject({ seq: 1, message: 'outer' });
    expect(await inner).toMatchObject({ seq: 2, message: 'inner' });
    await tasks.dispose();
  });
});
