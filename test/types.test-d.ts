import type { Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import {
  createTaskManager,
  type InvalidTransitionError,
  type RegistryActorRef,
  type TaskActorRef,
  type TaskEvent,
  type TaskManager,
  type TaskPage,
  type TaskSnapshot,
  type TaskState,
  type TooltaskError,
  type TooltaskErrorCode,
  type WorkContext,
} from '../src/index.js';

describe('public types', () => {
  it('createTaskManager returns a TaskManager whose calls answer with Promises of snapshots', () => {
    const tasks = createTaskManager();
    expectTypeOf(tasks).toEqualTypeOf<TaskManager>();
    expectTypeOf(tasks.create('a')).toEqualTypeOf<Promise<TaskSnapshot>>();
    expectTypeOf(tasks.get('a')).toEqualTypeOf<Promise<TaskSnapshot>>();
    expectTypeOf(tasks.update('a', 0.5, 'm')).toEqualTypeOf<Promise<TaskSnapshot>>();
    expectTypeOf(tasks.list()).toEqualTypeOf<Promise<TaskSnapshot[]>>();
    expectTypeOf(tasks.page()).toEqualTypeOf<Promise<TaskPage>>();
    expectTypeOf(tasks.wait('a')).toEqualTypeOf<Promise<TaskSnapshot>>();
    expectTypeOf(tasks.dispose()).toEqualTypeOf<Promise<void>>();
  });

  it('streams are RxJS Observables of snapshots', () => {
    const tasks = createTaskManager();
    expectTypeOf(tasks.subscribe('a')).toEqualTypeOf<Observable<TaskSnapshot>>();
    expectTypeOf(tasks.changes$).toEqualTypeOf<Observable<TaskSnapshot>>();
  });

  it('exposes the registry and task actors', () => {
    const tasks = createTaskManager();
    expectTypeOf(tasks.registry).toEqualTypeOf<RegistryActorRef>();
    expectTypeOf(tasks.actor('a')).toEqualTypeOf<TaskActorRef | undefined>();
  });

  it('snapshots are read-only, with a closed set of states', () => {
    expectTypeOf<TaskSnapshot['state']>().toEqualTypeOf<TaskState>();
    expectTypeOf<TaskState>().toEqualTypeOf<'pending' | 'running' | 'complete' | 'failed' | 'cancelled'>();
    expectTypeOf<TaskSnapshot['error']>().toEqualTypeOf<Error | undefined>();
    expectTypeOf<TaskSnapshot['completedAt']>().toEqualTypeOf<number | undefined>();
    // @ts-expect-error snapshots are read-only
    const write = (task: TaskSnapshot) => (task.state = 'complete');
    expectTypeOf(write).toBeFunction();
  });

  it('a work gets an id, a signal and a progress function', () => {
    const tasks = createTaskManager();
    void tasks.run(async (context) => {
      expectTypeOf(context).toEqualTypeOf<WorkContext>();
      expectTypeOf(context.signal).toEqualTypeOf<AbortSignal>();
      expectTypeOf(context.progress).parameters.toEqualTypeOf<[value: number, message?: string]>();
      return 1;
    });
    // @ts-expect-error progress is a number
    void tasks.update('a', '0.5');
    // @ts-expect-error run takes a function
    void tasks.run('work');
  });

  it('events carry their payloads and the time', () => {
    expectTypeOf<Extract<TaskEvent, { type: 'task.progress' }>>().toHaveProperty('progress').toEqualTypeOf<number>();
    expectTypeOf<Extract<TaskEvent, { type: 'task.fail' }>>().toHaveProperty('error').toEqualTypeOf<Error>();
    expectTypeOf<TaskEvent['at']>().toEqualTypeOf<number>();
  });

  it('errors are classes with a stable code', () => {
    expectTypeOf<InvalidTransitionError>().toExtend<TooltaskError>();
    expectTypeOf<InvalidTransitionError['from']>().toEqualTypeOf<TaskState>();
    expectTypeOf<TooltaskError['code']>().toEqualTypeOf<TooltaskErrorCode>();
  });
});
