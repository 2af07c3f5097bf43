import { describe, expect, it } from 'vitest';
import {
  createTaskManager,
  InvalidArgumentError,
  InvalidTransitionError,
  TaskCancelledError,
  type TaskSnapshot,
  TaskTimeoutError,
} from '../src/index.js';
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

describe('keyed input requests', () => {
  it('asks from the work, shows the request, and hands the answer back', async () => {
    const tasks = createTaskManager();
    const { id } = await tasks.run(async ({ ask }) => {
      const answer = await ask<{ action: string }>({
        message: 'Deploy?',
        request: { method: 'elicitation/create', params: { message: 'Deploy?' } },
      });
      return answer.action;
    });
    await flush();
    const waiting = await tasks.get(id);
    expect(waiting).toMatchObject({
      state: 'running',
      awaiting: 'input',
      value: { running: { work: 'working', client: 'awaiting' } },
      event: 'task.requestInput',
      inputRequests: {
        r1: { key: 'r1', need: 'input', message: 'Deploy?', request: { method: 'elicitation/create' } },
      },
    });
    expect(Object.isFrozen(waiting.inputRequests?.r1?.request)).toBe(true);
    const answered = await tasks.respond(id, { r1: { action: 'accept' } });
    expect(answered).toMatchObject({ awaiting: undefined, inputRequests: undefined, event: 'task.respond' });
    expect(await tasks.wait(id)).toMatchObject({ state: 'complete', result: 'accept' });
  });

  it('stays awaiting until every open request is answered; unknown and answered keys are ignored', async () => {
    const tasks = createTaskManager();
    const answers: unknown[] = [];
    const { id } = await tasks.run(async ({ ask }) => {
      const [a, b] = await Promise.all([ask({ message: 'a?' }), ask({ need: 'auth', message: 'b?' })]);
      answers.push(a, b);
      return 'ok';
    });
    await flush();
    expect((await tasks.get(id)).awaiting).toBe('auth');
    const first = await tasks.respond(id, { r1: 'A', nope: 'x' });
    expect(first.inputRequests).toEqual({ r2: expect.objectContaining({ key: 'r2', need: 'auth' }) });
    expect(first.awaiting).toBe('auth');
    const ignored = await tasks.respond(id, { r1: 'again', nope: 'x' });
    expect(ignored).toBe(first);
    await tasks.respond(id, { r2: 'B' });
    expect((await tasks.wait(id)).result).toBe('ok');
    expect(answers).toEqual(['A', 'B']);
  });

  it('never reuses a key over the task’s lifetime', async () => {
    const tasks = createTaskManager();
    await tasks.create('t');
    const one = await tasks.requestInput('t');
    await tasks.respond('t', { r1: 1 });
    const two = await tasks.requestInput('t');
    expect(Object.keys(one.inputRequests ?? {})).toEqual(['r1']);
    expect(Object.keys(two.inputRequests ?? {})).toEqual(['r2']);
  });

  it('rejects open asks with the reason when the task is cancelled or times out', async () => {
    const tasks = createTaskManager();
    let cancelled: unknown;
    const { id } = await tasks.run(({ ask }) =>
      ask().catch((error: unknown) => {
        cancelled = error;
        throw error;
      }),
    );
    await flush();
    await tasks.cancel(id, 'stop');
    await flush();
    expect(cancelled).toBeInstanceOf(TaskCancelledError);
    let timedOut: unknown;
    const late = await tasks.run(
      ({ ask }) =>
        ask().catch((error: unknown) => {
          timedOut = error;
          throw error;
        }),
      { timeout: 5 },
    );
    expect((await tasks.wait(late.id)).state).toBe('failed');
    await flush();
    expect(timedOut).toBeInstanceOf(TaskTimeoutError);
  });

  it('resume answers every open request with its message', async () => {
    const tasks = createTaskManager();
    const { id } = await tasks.run(async ({ ask }) => Promise.all([ask(), ask()]));
    await flush();
    await tasks.resume(id, 'yes');
    expect((await tasks.wait(id)).result).toEqual(['yes', 'yes']);
  });

  it('refuses answers that are not an object, and request payloads that are not JSON data', async () => {
    const tasks = createTaskManager();
    await tasks.create('t');
    await expect(tasks.respond('t', null as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(tasks.requestInput('t', { request: new Map() })).rejects.toThrow(
      'Expected `request` to be JSON data, got a Map',
    );
    expect((await tasks.get('t')).seq).toBe(0);
  });
});
