import type { Clock } from './clock.js';

/** The longest delay `setTimeout` honours: 2^31 - 1 ms, about 24.8 days. */
const MAX_DELAY = 2_147_483_647;

/** A scheduled callback; pass it to `cancel`. */
export interface TimerHandle {
  readonly at: number;
}

interface Entry extends TimerHandle {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  readonly keepAlive: boolean;
  index: number;
}

/**
 * One real timer for a whole manager, over a binary min-heap of deadlines.
 *
 * Timeouts and retention are scheduled here rather than with a platform timer each, and not with
 * XState's `after`: XState cancels an actor's delayed events on stop by scanning every delayed
 * event in the system, which makes each task's stop O(pending timeouts) once tasks share a system.
 * Entries that keep the process alive (a running task's timeout) ref the timer; the rest (retention)
 * leave it unref'd, so a process with nothing live left exits by itself.
 */
export class TimerQueue {
  readonly #clock: Clock;
  readonly #heap: Entry[] = [];
  #seq = 0;
  #keepAlive = 0;
  #armedAt = Number.POSITIVE_INFINITY;
  #handle: unknown;
  #firing = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** How many callbacks are waiting. */
  get size(): number {
    return this.#heap.length;
  }

  /** Runs `callback` once the clock reaches `at` (epoch ms). */
  schedule(at: number, callback: () => void, keepAlive: boolean): TimerHandle {
    const entry: Entry = { at, seq: this.#seq++, callback, keepAlive, index: this.#heap.length };
    this.#heap.push(entry);
    this.#up(entry.index);
    if (keepAlive) this.#keepAlive++;
    this.#arm();
    return entry;
  }

  /** Drops a scheduled callback; a handle that already ran or was cancelled is ignored. */
  cancel(handle: TimerHandle): void {
    const entry = handle as Entry;
    const heap = this.#heap;
    if (entry.index < 0 || heap[entry.index] !== entry) return;
    const last = heap.pop() as Entry;
    if (last !== entry) {
      heap[entry.index] = last;
      last.index = entry.index;
      this.#down(last.index);
      this.#up(last.index);
    }
    entry.index = -1;
    if (entry.keepAlive) this.#keepAlive--;
    this.#arm();
  }

  /** Drops every callback and the real timer. */
  clear(): void {
    for (const entry of this.#heap) entry.index = -1;
    this.#heap.length = 0;
    this.#keepAlive = 0;
    this.#arm();
  }

  #fire = (): void => {
    this.#armedAt = Number.POSITIVE_INFINITY;
    this.#handle = undefined;
    this.#firing = true;
    try {
      const now = this.#clock.now();
      for (let top = this.#heap[0]; top !== undefined && top.at <= now; top = this.#heap[0]) {
        this.cancel(top);
        top.callback();
      }
    } finally {
      this.#firing = false;
      this.#arm();
    }
  };

  #arm(): void {
    if (this.#firing) return;
    const next = this.#heap[0];
    const at = next === undefined ? Number.POSITIVE_INFINITY : next.at;
    if (at === this.#armedAt && this.#handle !== undefined) {
      this.#ref();
      return;
    }
    if (this.#handle !== undefined) this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#armedAt = at;
    if (next === undefined) return;
    // Platform timers take at most 2^31 - 1 ms and fire at once above it (and warn): a longer wait
    // fires early, finds nothing due, and arms again for the rest.
    this.#handle = this.#clock.setTimeout(this.#fire, Math.min(MAX_DELAY, Math.max(0, at - this.#clock.now())));
    this.#ref();
  }

  #ref(): void {
    const handle = this.#handle as { ref?: () => void; unref?: () => void } | undefined;
    if (this.#keepAlive > 0) handle?.ref?.();
    else handle?.unref?.();
  }

  #less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #up(index: number): void {
    const heap = this.#heap;
    const entry = heap[index] as Entry;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as Entry;
      if (!this.#less(entry, parent)) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.index = index;
  }

  #down(index: number): void {
    const heap = this.#heap;
    const length = heap.length;
    const entry = heap[index] as Entry;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && this.#less(heap[right] as Entry, heap[left] as Entry) ? right : left;
      const childEntry = heap[child] as Entry;
      if (!this.#less(childEntry, entry)) break;
      heap[index] = childEntry;
      childEntry.index = index;
      index = child;
    }
    heap[index] = entry;
    entry.index = index;
  }
}
