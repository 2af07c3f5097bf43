import { describe, expect, it } from 'vitest';
import { createTaskManager, InvalidTransitionError, type TaskSnapshot } from '../src/index.js';
import { controlledWork, flush, recorder } from './helpers.js';

describe('a task awaiting its client', () => {
  it('stays running while it awaits input, and resumes', async () => {
    const tasks = createTaskManager();
    await tasks.create('deploy');
    const asked = await tasks.requestInput('deploy', { message: 'Deploy to production?' });
    expect(asked).toMatchObject({ state: 'running', awaiting: 'input', message: 'Deploy to production?', seq: 1 });
    expect(tasks.actor('deploy')?.getSnapshot().value).toEqual({ running: { work: 'manual', client: 'awaiting' } });
    const resumed = await tasks.resume('deploy', 'approved');
    expect(resumed).toMatchObject({ state: 'running', awaiting: undefined, message: 'approved', seq: 2 });
  });

  it('can await auth, and change what it awaits', async () => {
    const tasks = createTaskManager();
    await tasks.create('t');
    await tasks.update('t', 0.5);
    expect((await tasks.requestInput('t', { need: 'auth' })).awaiting).toBe('auth');
    expect((await tasks.requestInput('t', { need: 'input', message: 'now a question' })).awaiting).toBe('input');
  });

  it('keeps reporting progress while awaiting', async () => {
    const tasks = createTaskManager();
    await tasks.create('t');
    await tasks.requestInput('t');
    expect(await tasks.update('t', 0.4)).toMatchObject({ progress: 0.4, awaiting: 'input' });
  });

  it('ends while awaiting: complete, fail and cancel clear it', async () => {
    const tasks = createTaskManager();
    for (const id of ['c', 'f', 'x']) {
      await tasks.create(id);
      await tasks.requestInput(id);
    }
    expect((await tasks.complete('c', 1)).awaiting).toBeUndefined();
    expect((await tasks.fail('f', 'no answer')).awaiting).toBeUndefined();
    expect((await tasks.cancel('x')).awaiting).toBeUndefined();
  });

  it('refuses resume when nothing is awaited, and both events once finished', async () => {
    const tasks = createTaskManager();
    await tasks.create('t');
    await expect(tasks.resume('t')).rejects.toBeInstanceOf(InvalidTransitionError);
    await tasks.update('t', 0.1);
    await expect(tasks.resume('t')).rejects.toBeInstanceOf(InvalidTransitionError);
    await tasks.complete('t');
    await expect(tasks.requestInput('t')).rejects.toBeInstanceOf(InvalidTransitionError);
    await expect(tasks.resume('t')).rejects.toBeInstanceOf(InvalidTransitionError);
  });

  it('refuses requestInput for a work still waiting for its slot', async () => {
    const tasks = createTaskManager({ concurrency: 1 });
    await tasks.run(controlledWork().work, { id: 'busy' });
    await tasks.run(controlledWork().work, { id: 'queued' });
    await expect(tasks.requestInput('queued')).rejects.toBeInstanceOf(InvalidTransitionError);
  });

  it('lets a work ask its client and go on, streaming each step', async () => {
    const tasks = createTaskManager();
    const work = controlledWork();
    const seen = recorder<TaskSnapshot>();
    await tasks.run(work.work, { id: 'job' });
    tasks.subscribe('job').subscribe(seen.observer);
    work.context?.requestInput({ need: 'auth', message: 'sign in to GitHub' });
    work.context?.resume('signed in');
    work.context?.resume('ignored: nothing awaited');
    work.resolve('done');
    await flush();
    expect(seen.values.map((task) => `${task.state}:${task.awaiting}:${task.message}`)).toEqual([
      'running:undefined:undefined',
      'running:auth:sign in to GitHub',
      'running:undefined:signed in',
      'complete:undefined:signed in',
    ]);
  });

  it('keeps the work running (and its timeout armed) while it awaits', async () => {
    const tasks = createTaskManager();
    const work = controlledWork();
    await tasks.run(work.work, { id: 'job' });
    await tasks.requestInput('job');
    expect(work.context?.signal.aborted).toBe(false);
    expect(tasks.actor('job')?.getSnapshot().value).toEqual({ running: { work: 'working', client: 'awaiting' } });
  });
});
