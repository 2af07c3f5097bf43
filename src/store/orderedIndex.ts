/**
 * Ids kept in ascending order of a number (their creation ordinal), with O(log n) lookup of where
 * a page starts and O(1) amortised insert and remove for the common case of ordinals arriving in
 * order. Removal leaves a hole that a later compaction drops, so walking a page skips at most as
 * many holes as there are live entries.
 */
export class OrderedIndex {
  #ordinals: number[] = [];
  #ids: (string | undefined)[] = [];
  #holes = 0;

  get size(): number {
    return this.#ids.length - this.#holes;
  }

  add(ordinal: number, id: string): void {
    const ordinals = this.#ordinals;
    const last = ordinals.length - 1;
    if (last < 0 || (ordinals[last] as number) < ordinal) {
      ordinals.push(ordinal);
      this.#ids.push(id);
      return;
    }
    const at = this.#lowerBound(ordinal);
    if (ordinals[at] === ordinal) {
      if (this.#ids[at] === undefined) this.#holes--;
      this.#ids[at] = id;
      return;
    }
    ordinals.splice(at, 0, ordinal);
    this.#ids.splice(at, 0, id);
  }

  remove(ordinal: number): void {
    const at = this.#lowerBound(ordinal);
    if (this.#ordinals[at] !== ordinal || this.#ids[at] === undefined) return;
    this.#ids[at] = undefined;
    this.#holes++;
    if (this.#holes > 64 && this.#holes * 2 > this.#ids.length) this.#compact();
  }

  /** Up to `limit` ids with an ordinal above `after`, and the ordinal of the last one returned. */
  slice(after: number, limit: number): { ids: string[]; last: number; more: boolean } {
    const ids: string[] = [];
    let last = after;
    let at = this.#lowerBound(after + 1);
    const length = this.#ids.length;
    for (; at < length && ids.length < limit; at++) {
      const id = this.#ids[at];
      if (id === undefined) continue;
      ids.push(id);
      last = this.#ordinals[at] as number;
    }
    while (at < length && this.#ids[at] === undefined) at++;
    return { ids, last, more: at < length };
  }

  *values(): IterableIterator<string> {
    for (const id of this.#ids) if (id !== undefined) yield id;
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
    const ids: string[] = [];
    for (let i = 0; i < this.#ids.length; i++) {
      const id = this.#ids[i];
      if (id === undefined) continue;
      ordinals.push(this.#ordinals[i] as number);
      ids.push(id);
    }
    this.#ordinals = ordinals;
    this.#ids = ids;
    this.#holes = 0;
  }
}
