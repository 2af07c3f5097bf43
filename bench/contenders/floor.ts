import { Subject } from 'rxjs';
import { type Contender, type ContenderFactory, type Listener, taskId } from '../contender.js';
import { walkMap } from './xstate.js';

interface FloorTask {
  readonly id: string;
  state: 'pending' | 'running' | 'complete' | 'cancelled';
  progress: number;
  message: string | undefined;
  result: unknown;
  readonly createdAt: number;
  updatedAt: number;
  listeners: Readers | undefined;
}

/** A task's readers: how the floor fans a change out. */
interface Readers {
  add(listener: Listener): () => void;
  notify(task: FloorTask): void;
}

/** A Set of listeners, called in a loop: the least fan-out costs. */
function setReaders(): Readers {
  const listeners = new Set<Listener>();
  return {
    add: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    notify: (task) => {
      for (const listener of listeners) listener(task);
    },
  };
}

/** A bare RxJS Subject: the least a design that fans out through RxJS observables costs. */
function subjectReaders(): Readers {
  const subject = new Subject<FloorTask>();
  return {
    add: (listener) => {
      const subscription = subject.subscribe(listener);
      return () => subscription.unsubscribe();
    },
    notify: (task) => subject.next(task),
  };
}

/**
 * The floor: a plain Map of mutable task objects and a Set of listeners per task. No state machine,
 * no checks, no copies: what keeping tasks costs at the least in JavaScript.
 */
function floor(readers: () => Readers): Contender {
  const tasks = new Map<string, FloorTask>();
  const notify = (task: FloorTask) => task.listeners?.notify(task);
  const make = (id: string): FloorTask => {
    const now = Date.now();
    const task: FloorTask = {
      id,
      state: 'pending',
      progress: 0,
      message: undefined,
      result: undefined,
      createdAt: now,
      updatedAt: now,
      listeners: undefined,
    };
    tasks.set(id, task);
    return task;
  };
  const complete = (task: FloorTask, result: unknown) => {
    task.state = 'complete';
    task.progress = 1;
    task.result = result;
    task.updatedAt = Date.now();
    notify(task);
    task.listeners = undefined;
  };
  return {
    create: (key) => make(taskId(key)).id,
    update: (id, progress, message) => {
      const task = tasks.get(id as string) as FloorTask;
      task.state = 'running';
      task.progress = progress;
      task.message = message;
      task.updatedAt = Date.now();
      notify(task);
    },
    complete: (id, result) => complete(tasks.get(id as string) as FloorTask, result),
    remove: (id) => {
      const task = tasks.get(id as string) as FloorTask;
      task.state = 'cancelled';
      notify(task);
      tasks.delete(id as string);
    },
    get: (id) => tasks.get(id as string),
    subscribe: (id, listener) => {
      const task = tasks.get(id as string) as FloorTask;
      if (task.listeners === undefined) task.listeners = readers();
      return task.listeners.add(listener);
    },
    listAll: () => [...tasks.values()].length,
    walk: (limit) => walkMap(tasks, limit, (task) => task),
    churn: async (key) => {
      const task = make(taskId(key));
      const result = await Promise.resolve(1);
      complete(task, result);
      tasks.delete(task.id);
    },
    settle: async () => {
      while (tasks.size > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    },
    dispose: () => tasks.clear(),
  };
}

export const floorContender: ContenderFactory = {
  name: 'floor',
  notes: ['a Map of mutable task objects with a Set of listeners per task; no checks, no copies'],
  create: () => floor(setReaders),
};

export const rxjsSubjectContender: ContenderFactory = {
  name: 'rxjs Subject',
  notes: ['the floor with a bare RxJS Subject per task as its fan-out: what readers cost in a design built on RxJS'],
  create: () => floor(subjectReaders),
};
