/** A value now, or later: the in-memory store answers at once, a remote one with a Promise. */
export type MaybePromise<T> = T | Promise<T>;

/** Applies `next` at once to a plain value, or once a Promise settles: a sync store stays sync. */
export function chain<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(value) ? value.then(next) : next(value);
}

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}
