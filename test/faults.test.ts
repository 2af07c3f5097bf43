import { describe, expect, it } from 'vitest';
import { createTaskManager, StoreError, TaskNotFoundError, type TaskSnapshot } from '../src/index.js';
import { type Fault, FaultStore, type Operation, randomLatency } from './faultStore.js';
import { flush } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Breaks one operation while `broken` is true. */
function switchable(operation: Operation, fault: Fault) {
  const state = { broken: true };
  return {
    state,
    fault: (op: Operation) => (state.broken && op === operation ? fault : undefined),
  };
}

describe('a store that fails', () => {
  for (const fault of ['throw', 'reject'] as const) {
    it(`create whose first write fails (${fault}s) rejects with StoreError and leaves nothing behind`, async () => {
      const store = new FaultStore({ fault: (op) => (op === 'insert' ? fault : undefined) });
      const tasks = createTaskManager({ store });
      const errors: StoreError[] = [];
      tasks.errors$.subscribe((error) => errors.push(error));
      const error = await tasks.create('a').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: 'STORE_ERROR', operation: 'insert', taskId: 'a' });
      expect((error as StoreError).cause).toBeInstanceOf(Error);
      expect(errors).toEqual([error]);
      expect(tasks.peek('a')).toBeUndefined();
      expect(tasks.actor('a')).toBeUndefined();
      await expect(tasks.get('a')).rejects.toBeInstanceOf(TaskNotFoundError);
      // The id is free again.
      store.options = {};
      expect((await tasks.create('a')).state).toBe('pending');
      await tasks.dispose();
    });

    it(`a call whose write fails (${fault}s) rejects with StoreError, the change stands, and the retry lands`, async () => {
      const broken = switchable('save', fault);
      const store = new FaultStore({ fault: broken.fault });
      const tasks = createTaskManager({ store });
      const errors: StoreError[] = [];
      tasks.errors$.subscribe((error) => errors.push(error));
      broken.state.broken = false;
      await tasks.create('a');
      broken.state.broken = true;
      const error = await tasks.update('a', 0.5, 'half').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ operation: 'save', taskId: 'a', seq: 1, attempt: 1 });
      // The chart is the truth: the change stands, and every read sees it.
      expect(tasks.peek('a')).toMatchObject({ state: 'running', progress: 0.5, seq: 1 });
      expect(await tasks.get('a')).toMatchObject({ progress: 0.5 });
      expect(await tasks.list()).toEqual([expect.objectContaining({ id: 'a', seq: 1 })]);
      expect(store.inner.load('a')?.seq).toBe(0);
      await sleep(120);
      expect(errors.length).toBeGreaterThanOrEqual(2);
      expect(errors.map((e) => e.attempt)).toEqual(errors.map((_, index) => index + 1));
      broken.state.broken = false;
      await sleep(250);
      expect(store.inner.load('a')?.seq).toBe(1);
      await tasks.dispose();
    });
  }

  it('a read that fails rejects with StoreError; peek answers undefined; nothing crashes', async () => {
    const store = new FaultStore();
    const tasks = createTaskManager({ store });
    await tasks.create('a');
    await tasks.cancel('a');
    store.options = {
      fault: (op) => (op === 'load' ? 'throw' : op === 'loadAll' || op === 'page' ? 'reject' : undefined),
    };
    const errors: StoreError[] = [];
    tasks.errors$.subscribe((error) => errors.push(error));
    await expect(tasks.get('a')).rejects.toMatchObject({ code: 'STORE_ERROR', operation: 'load' });
    await expect(tasks.list()).rejects.toMatchObject({ code: 'STORE_ERROR', operation: 'loadAll' });
    await expect(tasks.page()).rejects.toMatchObject({ code: 'STORE_ERROR', operation: 'page' });
    expect(tasks.peek('a')).toBeUndefined();
    expect(errors.map((error) => error.operation)).toEqual(['load', 'loadAll', 'page', 'load']);
    await tasks.dispose();
  });

  it('a store that never answers: the call rejects with StoreError after storeTimeout, and the process goes on', async () => {
    const store = new FaultStore();
    const tasks = createTaskManager({ store, storeTimeout: 30 });
    await tasks.create('a');
    store.options = { fault: (op) => (op === 'save' || op === 'load' ? 'hang' : undefined) };
    const started = Date.now();
    await expect(tasks.update('a', 0.1)).rejects.toMatchObject({ code: 'STORE_ERROR', operation: 'save' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(tasks.peek('a')?.progress).toBe(0.1);
    await tasks.cancel('a').catch(() => {});
    await expect(tasks.get('b')).rejects.toMatchObject({ code: 'STORE_ERROR', operation: 'load' });
    await tasks.dispose();
  });

  it('retention deletes that fail are retried, after the last save', async () => {
    const broken = switchable('delete', 'reject');
    const store = new FaultStore({ fault: broken.fault, latency: () => 1 });
    const tasks = createTaskManager({ store, retention: 0 });
    const deleted: string[] = [];
    tasks.deletions$.subscribe((id) => deleted.push(id));
    await tasks.run(async () => 1, { id: 'a' });
    await sleep(80);
    expect(deleted).toEqual([]);
    broken.state.broken = false;
    await sleep(200);
    expect(deleted).toEqual(['a']);
    expect(store.inner.load('a')).toBeUndefined();
    const ops = store.writes.filter((write) => write.id === 'a').map((write) => write.op);
    expect(ops.at(-1)).toBe('delete');
    await tasks.dispose();
  });
});

describe('a store that answers late, in random order', () => {
  it('resolves each call once its change is in the store: get, wait, list and page read their writes', async () => {
    const store = new FaultStore({ latency: randomLatency(4) });
    const tasks = createTaskManager({ store });
    const { id } = await tasks.run(async () => 42);
    expect((await tasks.wait(id)).result).toBe(42);
    expect((await tasks.get(id)).state).toBe('complete');
    await tasks.create('m');
    const done = await tasks.complete('m', 'ok');
    expect(store.inner.load('m')?.seq).toBe(done.seq);
    expect(await tasks.get('m')).toBe(done);
    expect((await tasks.list({ state: 'complete' })).map((task) => task.id)).toEqual([id, 'm']);
    expect((await tasks.page({ state: 'complete' })).tasks.map((task) => task.id)).toEqual([id, 'm']);
    await tasks.dispose();
  });

  it('resolves wait() once the store holds the final snapshot: what it hands on is what the store reads', async () => {
    // A2A over Redis found this: A answered COMPLETED while B, reading the store, still said WORKING.
    const store = new FaultStore({ latency: (operation) => (operation === 'save' ? 40 : undefined) });
    const tasks = createTaskManager({ store });
    for (const work of [async () => 'done', async () => Promise.reject(new Error('no'))]) {
      const { id } = await tasks.run(work);
      const done = await tasks.wait(id);
      expect(store.inner.load(id)).toEqual(done);
      // Already ended, its final save still under way: the same.
      const { id: next } = await tasks.run(work);
      await new Promise((resolve) => setImmediate(resolve));
      expect(tasks.peek(next)?.seq).toBeGreaterThan(store.inner.load(next)?.seq ?? -1);
      const ended = await tasks.wait(next);
      expect(store.inner.load(next)).toEqual(ended);
    }
    await tasks.dispose();
  });

  it('rejects wait() with StoreError when the store does not take the final snapshot; a later wait() resolves once it lands', async () => {
    const broken = switchable('save', 'reject');
    broken.state.broken = false;
    const store = new FaultStore({ fault: broken.fault });
    const tasks = createTaskManager({ store });
    let finish: () => void = () => {};
    const { id } = await tasks.run(() => new Promise<string>((resolve) => (finish = () => resolve('done'))));
    broken.state.broken = true;
    const waited = tasks.wait(id).catch((caught: unknown) => caught);
    finish();
    const error = await waited;
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ operation: 'save', taskId: id });
    // The task ended all the same; the store takes it once it works again.
    expect(tasks.peek(id)?.state).toBe('complete');
    broken.state.broken = false;
    expect((await tasks.wait(id)).state).toBe('complete');
    expect(store.inner.load(id)?.state).toBe('complete');
    await tasks.dispose();
  });

  it('settles a wait() on a store that never takes the final snapshot, dispose() or not: StoreError, never a hang', async () => {
    const hangs = switchable('save', 'hang');
    hangs.state.broken = false;
    const store = new FaultStore({ fault: hangs.fault });
    const tasks = createTaskManager({ store, storeTimeout: 100 });
    let finish: () => void = () => {};
    const { id } = await tasks.run(() => new Promise<string>((resolve) => (finish = () => resolve('done'))));
    hangs.state.broken = true;
    finish();
    await new Promise((resolve) => setImmediate(resolve));
    expect(tasks.peek(id)?.state).toBe('complete');
    const before = tasks.wait(id).catch((caught: unknown) => caught);
    const disposing = tasks.dispose();
    const during = tasks.wait(id).catch((caught: unknown) => caught);
    await disposing;
    expect(await before).toBeInstanceOf(StoreError);
    expect(await during).toBeInstanceOf(StoreError);
    expect(tasks.peek(id)?.state).toBe('complete');
  });

  it('writes each task in seq order and ends with its latest snapshot, across 200 busy tasks', async () => {
    const store = new FaultStore({ latency: randomLatency(3) });
    const tasks = createTaskManager({ store });
    const ids = Array.from({ length: 200 }, (_, index) => `t${index}`);
    await Promise.all(
      ids.map((id) =>
        tasks.run(
          async ({ progress }) => {
            for (let step = 1; step <= 5; step++) {
              progress(step / 5);
              await sleep(Math.random() * 2);
            }
            return id;
          },
          { id },
        ),
      ),
    );
    const finals = await Promise.all(ids.map((id) => tasks.wait(id)));
    await tasks.dispose();
    for (const [id, seqs] of store.savedSeqs()) {
      expect(seqs, id).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size, id).toBe(seqs.length);
    }
    for (const final of finals) expect(store.inner.load(final.id)).toBe(final);
  });

  it('with retention 0, deletes every task after its last save: none comes back', async () => {
    const store = new FaultStore({ latency: randomLatency(3) });
    const tasks = createTaskManager({ store, retention: 0 });
    const deleted: string[] = [];
    tasks.deletions$.subscribe((id) => deleted.push(id));
    const runs = await Promise.all(Array.from({ length: 100 }, (_, index) => tasks.run(async () => index)));
    await Promise.all(runs.map((task) => tasks.wait(task.id).catch(() => undefined)));
    await sleep(60);
    expect(store.inner.size).toBe(0);
    expect(deleted.sort()).toEqual(runs.map((task) => task.id).sort());
    for (const { id } of runs) {
      const ops = store.writes.filter((write) => write.id === id).map((write) => write.op);
      expect(ops.at(-1)).toBe('delete');
      expect(ops.filter((op) => op === 'delete')).toHaveLength(1);
    }
    await tasks.dispose();
  });

  it('slow reads, fast writes: a read never answers older than the call that resolved before it', async () => {
    const store = new FaultStore({ latency: (op) => (op === 'save' || op === 'insert' ? 0 : 15) });
    const tasks = createTaskManager({ store });
    await tasks.create('a');
    const reading = tasks.get('a');
    const updated = await tasks.update('a', 0.3);
    // The read began before the update; still, what it answers is at least that update's view.
    expect((await reading).seq).toBeLessThanOrEqual(updated.seq);
    expect((await tasks.get('a')).seq).toBe(updated.seq);
    await tasks.dispose();
  });

  it('dispose waits for the writes under way, so the store ends with every task’s final snapshot', async () => {
    const store = new FaultStore({ latency: randomLatency(5) });
    const tasks = createTaskManager({ store });
    for (let index = 0; index < 20; index++) await tasks.create(`t${index}`);
    await tasks.dispose();
    for (let index = 0; index < 20; index++) {
      expect(store.inner.load(`t${index}`)).toMatchObject({ state: 'cancelled', message: 'disposed' });
    }
  });

  it('two creates of one id racing on a slow store: exactly one wins', async () => {
    const store = new FaultStore({ latency: () => 5 });
    const tasks = createTaskManager({ store });
    const results = await Promise.allSettled([tasks.create('same'), tasks.create('same')]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'TASK_EXISTS' });
    await tasks.dispose();
  });

  it('a subscriber on a slow store sees every seq, in order, then completion', async () => {
    const store = new FaultStore({ latency: randomLatency(3) });
    const tasks = createTaskManager({ store });
    const { id } = await tasks.run(async ({ progress }) => {
      for (let step = 1; step <= 10; step++) progress(step / 10);
      await sleep(5);
      return 'done';
    });
    const seen: TaskSnapshot[] = [];
    await new Promise<void>((resolve) =>
      tasks.subscribe(id).subscribe({ next: (task) => seen.push(task), complete: resolve }),
    );
    const seqs = seen.map((task) => task.seq);
    expect(seqs).toEqual(seqs.map((_, index) => (seqs[0] as number) + index));
    expect(seen.at(-1)?.state).toBe('complete');
    await flush();
    await tasks.dispose();
  });
});

describe('a create whose first write answers too late', () => {
  it('rejects with StoreError after storeTimeout, and the late insert is undone: nothing is left behind', async () => {
    const store = new FaultStore({ latency: (op) => (op === 'insert' ? 80 : undefined) });
    const tasks = createTaskManager({ store, storeTimeout: 20 });
    await expect(tasks.create('late')).rejects.toMatchObject({ code: 'STORE_ERROR', operation: 'insert' });
    await sleep(150);
    expect(store.inner.load('late')).toBeUndefined();
    store.options = {};
    expect((await tasks.create('late')).state).toBe('pending');
    await tasks.dispose();
  });
});
