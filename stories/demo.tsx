import { useEffect, useState, useSyncExternalStore } from 'react';
import { SimulatedClock } from 'xstate';
import { createTaskManager, type TaskManager, type TaskWork } from '../src/index.js';

/** A task manager on simulated time: stories and their tests move time by hand, never sleep. */
export interface Demo {
  readonly clock: SimulatedClock;
  readonly tasks: TaskManager;
}

/**
 * A manager on a fresh `SimulatedClock`.
 *
 * @example
 * ```ts
 * const { clock, tasks } = createDemo({ concurrency: 2 });
 * clock.increment(100);
 * ```
 */
export function createDemo(options: { readonly concurrency?: number } = {}): Demo {
  const clock = new SimulatedClock();
  return { clock, tasks: createTaskManager({ clock, ...options }) };
}

/**
 * Moves the demo's clock `times` steps of `ms`, letting the works' continuations run after each,
 * as a visitor pressing the step button would.
 *
 * @example
 * ```ts
 * await advance(demo, 2, 100); // t = 200 ms
 * ```
 */
export async function advance(demo: Demo, times: number, ms: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    demo.clock.increment(ms);
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

/** Resolves after `ms` of the clock's time; rejects with the signal's reason if it aborts first. */
export function sleep(clock: SimulatedClock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal.throwIfAborted();
    const handle = clock.setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clock.clearTimeout(handle);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** What `steps` is told and tells. */
export interface StepsOptions {
  readonly count: number;
  /** Simulated ms per step. */
  readonly every: number;
  /** Throw at this step (1-based) to fail the task. */
  readonly failAt?: number;
  /** Called with the signal's reason when the work is aborted. */
  readonly onAbort?: (reason: unknown) => void;
}

/**
 * A work of `count` steps of `every` simulated ms each, reporting progress after each.
 *
 * @example
 * ```ts
 * await tasks.run(steps(clock, { count: 4, every: 100 }), { id: 'fetch' });
 * ```
 */
export function steps(clock: SimulatedClock, options: StepsOptions): TaskWork<string> {
  return async ({ progress, signal }) => {
    signal.addEventListener('abort', () => options.onAbort?.(signal.reason), { once: true });
    for (let step = 1; step <= options.count; step++) {
      await sleep(clock, options.every, signal);
      if (step === options.failAt) throw new Error(`step ${step} broke`);
      progress(step / options.count, `step ${step} of ${options.count}`);
    }
    return 'done';
  };
}

/**
 * Buttons that move the demo's clock: one step at a time, or playing in real time. Shows the
 * simulated time.
 */
export function TimeControls({ clock, step = 100 }: { readonly clock: SimulatedClock; readonly step?: number }) {
  const [now, setNow] = useState(clock.now());
  const [playing, setPlaying] = useState(false);
  const advance = () => {
    clock.increment(step);
    setNow(clock.now());
  };
  useEffect(() => {
    if (!playing) return;
    const timer = setInterval(() => {
      clock.increment(step);
      setNow(clock.now());
    }, 250);
    return () => clearInterval(timer);
  }, [playing, clock, step]);
  return (
    <div className="time">
      <button type="button" onClick={advance}>
        +{step} ms
      </button>
      <button type="button" onClick={() => setPlaying(!playing)}>
        {playing ? 'Pause' : 'Play'}
      </button>
      <output aria-label="simulated time">t = {now} ms</output>
    </div>
  );
}

/**
 * Remembers why a work's signal aborted, for a component to show (`useAbortReason`).
 *
 * @example
 * ```ts
 * const watch = new AbortWatch();
 * await tasks.run(steps(clock, { count: 4, every: 100, onAbort: watch.record }));
 * ```
 */
export class AbortWatch {
  #reason: string | undefined;
  readonly #listeners = new Set<() => void>();

  readonly record = (reason: unknown): void => {
    this.#reason = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    for (const listener of this.#listeners) listener();
  };

  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  readonly reason = (): string | undefined => this.#reason;
}

/** Shows whether the work's signal aborted, and why. */
export function SignalState({ watch }: { readonly watch: AbortWatch }) {
  const reason = useSyncExternalStore(watch.subscribe, watch.reason, watch.reason);
  return (
    <output className="signal" aria-label="work signal">
      {reason === undefined ? 'signal: not aborted' : `signal aborted: ${reason}`}
    </output>
  );
}

/** A demo with one running task `fetch` of four 100 ms steps, and a watch on its signal. */
export async function runningDemo(
  options: { readonly concurrency?: number } = {},
): Promise<Demo & { watch: AbortWatch }> {
  const demo = createDemo(options);
  const watch = new AbortWatch();
  await demo.tasks.run(steps(demo.clock, { count: 4, every: 100, onAbort: watch.record }), { id: 'fetch' });
  return { ...demo, watch };
}
