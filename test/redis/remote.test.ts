import { finalize } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError, TaskLostError, type TaskManager, type TaskSnapshot } from '../../src/index.js';
import { freshNamespace, managersForTests, reapNow, redisForTests, until } from './fixtures.js';
import { hasRedis } from './server.js';

describe.skipIf(!hasRedis())('the manager on Redis: tasks of other processes', () => {
  const redis = redisForTests({ lease: 1000 });
  const manager = managersForTests();

  it('reads other processes’ changes only while someone reads changes$ or deletions$', async () => {
    const namespace = freshNamespace();
    const store = redis.open(namespace);
    const opened: boolean[] = [];
    const followAll = store.cluster.followAll.bind(store.cluster);
    store.cluster.followAll = (options) => {
      const index = opened.push(true) - 1;
      return followAll(options).pipe(finalize(() => (opened[index] = false)));
    };
    const b = manager(store);
    const a = manager(redis.open(namespace));
    await store.cluster.start();
    // Nobody reads B's changes$: B does not follow the namespace's stream.
    await a.create('unread');
    expect(opened).toEqual([]);
    const seen: string[] = [];
    const reading = b.changes$.subscribe((snapshot) => seen.push(snapshot.id));
    const deletions = b.deletions$.subscribe(() => {});
    expect(opened).toEqual([true]);
    await a.create('read');
    await until(() => seen.includes('read'));
    reading.unsubscribe();
    expect(opened).toEqual([true]);
    deletions.unsubscribe();
    expect(opened).toEqual([false]);
  });

  it('refuses to remove a task another process runs, as it refuses a live one here', async () => {
    const namespace = freshNamespace();
    const a = manager(redis.open(namespace));
    const b = manager(redis.open(namespace));
    const run = await a.run(({ signal }) => new Promise((resolve) => signal.addEventListener('abort', resolve)));
    await until(async () => (await b.get(run.id)).state === 'running');
    await expect(b.remove(run.id)).rejects.toBeInstanceOf(InvalidTransitionError);
    expect((await b.get(run.id)).state).toBe('running');
    await a.cancel(run.id);
    expect((await b.wait(run.id)).state).toBe('cancelled');
    expect((await b.remove(run.id)).state).toBe('cancelled');
  });

  it('gives changes$ the winner’s seq 0 when this process lost the race to create an id', async () => {
    const namespace = freshNamespace();
    const stores = [redis.open(namespace), redis.open(namespace)] as const;
    const [a, b] = stores.map(manager) as [TaskManager, TaskManager];
    await Promise.all(stores.map((store) => store.cluster.start()));
    const seen = [new Map<string, number[]>(), new Map<string, number[]>()];
    [a, b].forEach((tasks, i) => {
      tasks.changes$.subscribe((snapshot) => {
        const seqs = seen[i]?.get(snapshot.id) ?? [];
        seqs.push(snapshot.seq);
        seen[i]?.set(snapshot.id, seqs);
      });
    });
    // changes$ carries other processes' changes written after it subscribed: from where the
    // namespace's stream was when the store's connection asked, so a later store call answers after.
    await Promise.all(stores.map((store) => store.load('-')));
    const ids = Array.from({ length: 30 }, (_, i) => `race-${i}`);
    await Promise.all(ids.flatMap((id) => [a.create(id).catch(() => {}), b.create(id).catch(() => {})]));
    await until(() => seen.every((byId) => ids.every((id) => byId.get(id)?.includes(0))));
    for (const byId of seen) for (const id of ids) expect(byId.get(id)).toEqual([0]);
  });

  it('gets the final snapshot to followers and waiters of another process before a removal', async () => {
    const namespace = freshNamespace();
    const a = manager(redis.open(namespace));
    const b = manager(redis.open(namespace));
    for (let round = 0; round < 10; round++) {
      const id = `short-${round}`;
      await a.create(id);
      await a.update(id, 0.5);
      await until(async () => (await b.get(id)).progress === 0.5);
      const seen: TaskSnapshot[] = [];
      let first: () => void = () => {};
      const current = new Promise<void>((resolve) => {
        first = resolve;
      });
      const followed = new Promise<void>((resolve) => {
        b.subscribe(id).subscribe({
          next: (snapshot) => {
            seen.push(snapshot);
            first();
          },
          complete: resolve,
        });
      });
      const waited = b.wait(id);
      // Ends and goes while B's follower is still catching up.
      await current;
      await a.complete(id, 'done');
      await a.remove(id);
      await followed;
      expect(seen.at(-1)?.state).toBe('complete');
      expect((await waited).state).toBe('complete');
    }
  });

  it('ends its own tasks as the store says once it learns its lease lapsed: the work aborts with TaskLostError', async () => {
    const namespace = freshNamespace();
    const ownerStore = redis.open(namespace);
    const survivorStore = redis.open(namespace);
    const a = manager(ownerStore);
    const b = manager(survivorStore);
    let reason: unknown;
    const run = await a.run(
      ({ signal }) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            reason = signal.reason;
            reject(signal.reason);
          }),
        ),
    );
    const changes: TaskSnapshot[] = [];
    a.changes$.subscribe((snapshot) => changes.push(snapshot));
    await survivorStore.cluster.start();
    await reapNow(redis.url, namespace, ownerStore, survivorStore);
    await until(() => reason !== undefined);
    expect(reason).toBeInstanceOf(TaskLostError);
    const here = await a.wait(run.id);
    expect(here.state).toBe('failed');
    expect(here.error).toBeInstanceOf(TaskLostError);
    expect(changes.at(-1)?.state).toBe('failed');
    expect((await b.get(run.id)).state).toBe('failed');
    expect((await a.get(run.id)).error).toBeInstanceOf(TaskLostError);
    // It goes on: a new task under its new lease.
    const next = await a.run(async () => 'ok');
    expect((await b.wait(next.id)).state).toBe('complete');
  });

  it("answers wait() with the store's lost snapshot for a task whose work ended while its owner was cut off", async () => {
    const namespace = freshNamespace();
    // A lease long enough that the owner learns of its lapse only from its refused write.
    const ownerStore = redis.open(namespace, { lease: 60_000 });
    const survivorStore = redis.open(namespace);
    const a = manager(ownerStore);
    const b = manager(survivorStore);
    let finish: () => void = () => {};
    const run = await a.run(() => new Promise<string>((resolve) => (finish = () => resolve('done'))));
    await survivorStore.cluster.start();
    await reapNow(redis.url, namespace, ownerStore, survivorStore);
    const waited = a.wait(run.id);
    finish();
    // The work's end is refused by the store, which ended the task as lost: one truth, the store's.
    const here = await waited;
    expect(here.state).toBe('failed');
    expect(here.error).toBeInstanceOf(TaskLostError);
    expect((await b.get(run.id)).state).toBe('failed');
    expect((await a.get(run.id)).state).toBe('failed');
  });
});
