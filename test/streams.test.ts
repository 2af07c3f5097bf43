import { config, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTaskManager, InvalidTaskIdError, TaskNotFoundError, type TaskSnapshot } from '../src/index.js';
import { recorder } from './helpers.js';

const states = (values: readonly TaskSnapshot[]) => values.map((task) => `${task.state}:${task.progress}`);

afterEach(() => {
  config.onUnhandledError = null;
});

describe('subscribe(id)', () => {
  it('first gives the current snapshot', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    await tasks.update('a', 0.3);
    const first = await firstValueFrom(tasks.subscribe('a'));
    expect(first).toMatchObject({ state: 'running', progress: 0.3, seq: 1 });
  });

  it('then gives every change in order, none dropped, and completes after the final one', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    const seen = recorder<TaskSnapshot>();
    tasks.subscribe('a').subscribe(seen.observer);
    for (let i = 1; i <= 100; i++) await tasks.update('a', i / 100);
    await tasks.complete('a', 'r');
    expect(seen.values.map((task) => task.seq)).toEqual(Array.from({ length: 102 }, (_, i) => i));
    expect(seen.values.at(-1)).toMatchObject({ state: 'complete', result: 'r' });
    expect(seen.completed).toBe(true);
  });

  it('delivers synchronously, in the call that made the change', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    const seen = recorder<TaskSnapshot>();
    tasks.subscribe('a').subscribe(seen.observer);
    const pending = tasks.update('a', 0.5);
    expect(states(seen.values)).toEqual(['pending:0', 'running:0.5']);
    await pending;
  });

  it('gives a finished task its final snapshot and completes', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    await tasks.fail('a', new Error('x'));
    const values = await lastValueFrom(tasks.subscribe('a').pipe(toArray()));
    expect(states(values)).toEqual(['failed:0']);
  });

  it('errors with TaskNotFoundError for an unknown id, and InvalidTaskIdError for a bad one', async () => {
    const tasks = createTaskManager();
    await expect(firstValueFrom(tasks.subscribe('nope'))).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(firstValueFrom(tasks.subscribe(''))).rejects.toBeInstanceOf(InvalidTaskIdError);
  });

  it('does nothing until subscribed (cold), and checks the id at subscription', async () => {
    const tasks = createTaskManager();
    const stream = tasks.subscribe('later');
    await tasks.create('later');
    expect((await firstValueFrom(stream)).id).toBe('later');
  });

  it('stops delivering after unsubscribe mid-stream', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    const seen = recorder<TaskSnapshot>();
    const subscription = tasks.subscribe('a').subscribe(seen.observer);
    await tasks.update('a', 0.1);
    subscription.unsubscribe();
    await tasks.update('a', 0.2);
    await tasks.complete('a');
    expect(states(seen.values)).toEqual(['pending:0', 'running:0.1']);
    expect(seen.completed).toBe(false);
  });

  it('keeps the manager and other subscribers whole when one subscriber throws', async () => {
    const reported: unknown[] = [];
    config.onUnhandledError = (error) => reported.push(error);
    const tasks = createTaskManager();
    await tasks.create('a');
    const before = recorder<TaskSnapshot>();
    const after = recorder<TaskSnapshot>();
    tasks.subscribe('a').subscribe(before.observer);
    tasks.subscribe('a').subscribe(() => {
      throw new Error('subscriber bug');
    });
    tasks.subscribe('a').subscribe(after.observer);
    await tasks.update('a', 0.5);
    await tasks.complete('a');
    await vi.waitFor(() => expect(reported).toHaveLength(3));
    expect(states(before.values)).toEqual(['pending:0', 'running:0.5', 'complete:1']);
    expect(states(after.values)).toEqual(['pending:0', 'running:0.5', 'complete:1']);
    expect(after.completed).toBe(true);
    expect((await tasks.get('a')).state).toBe('complete');
  });

  it('gives a late subscriber the current snapshot, then what follows', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    await tasks.update('a', 0.1);
    await tasks.update('a', 0.2);
    const late = recorder<TaskSnapshot>();
    tasks.subscribe('a').subscribe(late.observer);
    await tasks.update('a', 0.3);
    expect(states(late.values)).toEqual(['running:0.2', 'running:0.3']);
  });

  it('gives a subscriber that joins inside another subscriber no duplicate', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    const inner = recorder<TaskSnapshot>();
    let joined = false;
    tasks.subscribe('a').subscribe((task) => {
      if (task.progress === 0.5 && !joined) {
        joined = true;
        tasks.subscribe('a').subscribe(inner.observer);
      }
    });
    await tasks.update('a', 0.5);
    await tasks.update('a', 0.7);
    expect(states(inner.values)).toEqual(['running:0.5', 'running:0.7']);
  });

  it('keeps order when a subscriber changes the task it watches', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    const seen = recorder<TaskSnapshot>();
    tasks.subscribe('a').subscribe((task) => {
      if (task.progress === 0.5) void tasks.update('a', 0.6);
    });
    tasks.subscribe('a').subscribe(seen.observer);
    const answer = await tasks.update('a', 0.5);
    expect(answer.progress).toBe(0.5);
    expect(states(seen.values)).toEqual(['pending:0', 'running:0.5', 'running:0.6']);
  });

  it('answers a call made inside a subscriber with the snapshot that call made', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    let inner: Promise<TaskSnapshot> | undefined;
    tasks.subscribe('a').subscribe((task) => {
      if (task.progress === 0.5 && inner === undefined) inner = tasks.complete('a', 'from inside');
    });
    expect((await tasks.update('a', 0.5)).state).toBe('running');
    expect(await inner).toMatchObject({ state: 'complete', result: 'from inside' });
  });

  it('delivers every update to 1,000 subscribers of one task, nothing lost', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    const counts = new Array<number>(1000).fill(0);
    const completed = new Array<boolean>(1000).fill(false);
    for (let i = 0; i < 1000; i++) {
      tasks.subscribe('a').subscribe({
        next: () => {
          counts[i] = (counts[i] ?? 0) + 1;
        },
        complete: () => {
          completed[i] = true;
        },
      });
    }
    for (let step = 1; step <= 100; step++) await tasks.update('a', step / 100);
    await tasks.complete('a');
    expect(new Set(counts)).toEqual(new Set([102]));
    expect(completed.every(Boolean)).toBe(true);
  });
});

describe('changes$', () => {
  it('gives every change of every task, in order', async () => {
    const tasks = createTaskManager();
    const seen = recorder<TaskSnapshot>();
    tasks.changes$.subscribe(seen.observer);
    await tasks.create('a');
    await tasks.create('b');
    await tasks.update('b', 0.5);
    await tasks.complete('a', 1);
    await tasks.cancel('b');
    expect(seen.values.map((task) => `${task.id}:${task.state}`)).toEqual([
      'a:pending',
      'b:pending',
      'b:running',
      'a:complete',
      'b:cancelled',
    ]);
  });

  it('has no replay: a late subscriber sees only what follows', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    const late = recorder<TaskSnapshot>();
    tasks.changes$.subscribe(late.observer);
    await tasks.update('a', 0.5);
    expect(states(late.values)).toEqual(['running:0.5']);
  });

  it('stops delivering on unsubscribe, and keeps others whole when one throws', async () => {
    const reported: unknown[] = [];
    config.onUnhandledError = (error) => reported.push(error);
    const tasks = createTaskManager();
    const stopped = recorder<TaskSnapshot>();
    const kept = recorder<TaskSnapshot>();
    const subscription = tasks.changes$.subscribe(stopped.observer);
    tasks.changes$.subscribe(() => {
      throw new Error('bug');
    });
    tasks.changes$.subscribe(kept.observer);
    await tasks.create('a');
    subscription.unsubscribe();
    await tasks.complete('a');
    expect(stopped.values).toHaveLength(1);
    expect(kept.values).toHaveLength(2);
    await vi.waitFor(() => expect(reported).toHaveLength(2));
  });

  it('completes on dispose, after the cancellations it causes', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    const all = lastValueFrom(tasks.changes$.pipe(toArray()));
    await tasks.dispose();
    expect((await all).map((task) => `${task.id}:${task.state}:${task.message}`)).toEqual(['a:cancelled:disposed']);
  });

  it('works with operators: the first two changes, then completion', async () => {
    const tasks = createTaskManager();
    const two = firstValueFrom(tasks.changes$.pipe(take(2), toArray()));
    await tasks.create('a');
    await tasks.create('b');
    await tasks.create('c');
    expect((await two).map((task) => task.id)).toEqual(['a', 'b']);
  });
});
