import type { MaybePromise } from './store/store.js';

/**
 * Applies `next` at once to a plain value, or once a Promise settles: a sync store stays sync.
 * Not named `then`: a module exporting `then` is a thenable namespace, and `await import()` of it
 * (vitest's module runner does that) calls it and never resolves to the module.
 */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(value) ? value.then(next) : next(value);
}

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
