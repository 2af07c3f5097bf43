/**
 * One `abort` listener per outside `AbortSignal`, however many tasks it cancels.
 *
 * `addEventListener` checks a signal's whole listener list for a duplicate, and Node warns past
 * ten listeners: a signal shared by N live tasks made each `run()` O(N). Here a signal carries
 * one listener that calls the cancels registered for it; adding and removing a task is O(1).
 */
export class SignalFanout {
  readonly #listeners = new WeakMap<AbortSignal, Set<() => void>>();

  /** Calls `onAbort` when `signal` aborts (at once if it has); returns what stops that. */
  add(signal: AbortSignal, onAbort: () => void): () => void {
    if (signal.aborted) {
      onAbort();
      return noop;
    }
    let callbacks = this.#listeners.get(signal);
    if (callbacks === undefined) {
      const registered = new Set<() => void>();
      callbacks = registered;
      this.#listeners.set(signal, registered);
      signal.addEventListener('abort', () => this.#abort(signal, registered), { once: true });
    }
    const own = callbacks;
    // A wrapper per task, so the same function given twice is two registrations.
    const entry = () => onAbort();
    own.add(entry);
    return () => {
      own.delete(entry);
    };
  }

  #abort(signal: AbortSignal, callbacks: Set<() => void>): void {
    this.#listeners.delete(signal);
    for (const callback of [...callbacks]) callback();
    callbacks.clear();
  }
}

function noop(): void {}
