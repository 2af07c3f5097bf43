/**
 * A promise that an outside `AbortSignal` may reject at any point (a store read in flight
 * included), with one `abort` listener per signal however many calls share it, removed as soon as
 * the call settles. Owns nothing beyond the one call.
 */
import type { SignalFanout } from '../signals.js';

/** How a body settles its promise, and learns that it was settled (aborted) meanwhile. */
export interface Settle<T> {
  resolve(value: T): void;
  reject(reason: unknown): void;
  settled(): boolean;
}

/** Runs `start`, which settles through `done` and returns what stops its work; `signal` rejects it with its reason. */
export function abortable<T>(
  signals: SignalFanout,
  signal: AbortSignal | undefined,
  start: (done: Settle<T>) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let stop: (() => void) | undefined;
    let detach: (() => void) | undefined;
    const finish = () => {
      settled = true;
      detach?.();
      stop?.();
    };
    const done: Settle<T> = {
      resolve: (value) => {
        if (settled) return;
        finish();
        resolve(value);
      },
      reject: (reason) => {
        if (settled) return;
        finish();
        reject(reason);
      },
      settled: () => settled,
    };
    stop = start(done);
    if (settled) {
      stop();
      return;
    }
    if (signal !== undefined) detach = signals.add(signal, () => done.reject(signal.reason));
  });
}
