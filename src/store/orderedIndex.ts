/**
 * Values kept in ascending order of a number (their creation ordinal), with O(log n) lookup of
 * where a page starts and O(1) amortised insert and remove for the common case of ordinals arriving
 * in order. Removal leaves a hole that a later compaction drops, so walking a page skips at most as
 * many holes as there are live entries. It holds the values themselves, not keys to look up: a page
 * of 100 is 100 reads, not 100 `Map` lookups.
 */
export class OrderedIndex<T> {
  #ordinals: number[] = [];
  #values: (T | undefined)[] = [];
  #holes = 0;

  get size(): number {
    return this.#values.length - this.#holes;
  }

  add(ordinal: number, value: T): void {
    const ordinals = this.#ordinals;
    const last = ordinals.length - 1;
    if (last < 0 || (ordinals[last] as number) < ordinal) {
      ordinals.push(ordinal);
      this.#values.push(value);
      return;
    }
    const at = this.#lowerBound(ordinal);
    if (ordinals[at] === ordinal) {
      if (this.#values[at] === undefined) this.#holes--;
      this.#values[at] = value;
      return;
    }
    ordinals.splice(at, 0, ordinal);
    this.#values.splice(at, 0, value);
  }

  remove(ordinal: number): void {
    const at = this.#lowerBound(ordinal);
    if (this.#ordinals[at] !== ordinal || this.#values[at] === undefined) return;
    this.#values[at] = undefined;
    this.#holes++;
    if (this.#holes > 64 && this.#holes * 2 > this.#values.length) this.#compact();
  }

  /**
   * What `read` makes of up to `limit` values with an ordinal above `after`, the ordinal of the last
   * one, and whether more follow.
   */
  slice<U>(after: number, limit: number, read: (value: T) => U): { items: U[]; last: number; more: boolean } {
    const items: U[] = [];
    let last = after;
    let at = this.#lowerBound(after + 1);
    const values = this.#values;
    const length = values.length;
    for (; at < length && items.length < limit; at++) {
      const value = values[at];
      if (value === undefined) continue;
      items.push(read(value));
      last = this.#ordinals[at] as number;
    }
    while (at < length && values[at] === undefined) at++;
    return { items, last, more: at < length };
  }

  /** What `read` makes of every value, in order, as a new array. */
  map<U>(read: (value: T) => U): U[] {
    const items: U[] = [];
    for (const value of this.#values) if (value !== undefined) items.push(read(value));
    return items;
  }

  #lowerBound(ordinal: number): number {
    const ordinals = this.#ordinals;
    let low = 0;
    let high = ordinals.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((ordinals[mid] as number) < ordinal) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  #compact(): void {
    const ordinals: number[] = [];
    const values: T[] = [];
    for (let i = 0; i < this.#values.length; i++) {
      const value = this.#values[i];
      if (value === undefined) continue;
      ordinals.push(this.#ordinals[i] as number);
      values.push(value);
    }
    this.#ordinals = ordinals;
    this.#values = values;
    this.#holes = 0;
  }
}
