import type { TaskWork, WorkContext } from '../src/index.js';

/** Lets pending promise callbacks, and what they send to actors, run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A work whose end the test decides, and which records what it was given. */
export interface ControlledWork {
  readonly work: TaskWork<unknown>;
  /** The context of the call, once the work started. */
  context: WorkContext | undefined;
  started: boolean;
  resolve(value: unknown): void;
  reject(reason: unknown): void;
}

export function controlledWork(): ControlledWork {
  let resolve!: (value: unknown) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const control: ControlledWork = {
    context: undefined,
    started: false,
    resolve: (value) => resolve(value),
    reject: (reason) => reject(reason),
    work: (context) => {
      control.context = context;
      control.started = true;
      return promise;
    },
  };
  return control;
}

/** Collects what an Observable delivers. */
export interface Recorder<T> {
  readonly values: T[];
  completed: boolean;
  error: unknown;
}

export function recorder<T>(): Recorder<T> & {
  observer: { next: (value: T) => void; complete: () => void; error: (error: unknown) => void };
} {
  const record: Recorder<T> = { values: [], completed: false, error: undefined };
  return Object.assign(record, {
    observer: {
      next: (value: T) => {
        record.values.push(value);
      },
      complete: () => {
        record.completed = true;
      },
      error: (error: unknown) => {
        record.error = error;
      },
    },
  });
}
