/**
 * One `abort` listener per outside `AbortSignal`, however many tasks or waits it cancels, and
 * none once none is left.
 *
 * `addEventListener` checks a signal's whole listener list for a duplicate, and Node warns past
 * ten listeners: a signal shared by N live tasks made each `run()` O(N). Here a signal carries
 * one listener that calls the callbacks registered for it; adding and removing one is O(1), and
 * the listener leaves the signal with the last callback, so a long-lived signal shared by 100k
 * sequential calls ends with no listener on it.
 */
export class SignalFanout {
  readonly #registered = new WeakMap<AbortSignal, Registered>();

  /** Calls `onAbort` when `signal` aborts (at once if it has); returns what stops that. */
  add(signal: AbortSignal, onAbort: () => void): () => void {
    if (signal.aborted) {
      onAbort();
      return noop;
    }
    let registered = this.#registered.get(signal);
    if (registered === undefined) {
      const callbacks = new Set<() => void>();
      const listener = () => {
        this.#registered.delete(signal);
        for (const callback of [...callbacks]) callback();
        callbacks.clear();
      };
      registered = { callbacks, listener };
      this.#registered.set(signal, registered);
      signal.addEventListener('abort', listener, { once: true });
    }
    const own = registered;
    // A wrapper per registration, so the same function given twice is two registrations.
    const entry = () => onAbort();
    own.callbacks.add(entry);
    return () => {
      if (!own.callbacks.delete(entry) || own.callbacks.size > 0) return;
      signal.removeEventListener('abort', own.listener);
      if (this.#registered.get(signal) === own) this.#registered.delete(signal);
    };
  }
}

interface Registered {
  readonly callbacks: Set<() => void>;
  readonly listener: () => void;
}

function noop(): void {}
