import type { WireRow } from '../wire.js';

export type Shown = 'pending' | 'running' | 'awaiting' | 'complete' | 'failed' | 'cancelled';
export const SHOWN: readonly Shown[] = ['pending', 'running', 'awaiting', 'complete', 'failed', 'cancelled'];

export interface Query {
  readonly state: Shown | '';
  readonly search: string;
  readonly newestFirst: boolean;
}

/**
 * A task as the list shows it; `shown` is its displayed state (`awaiting` for a running task
 * awaiting its client). Only what the list draws is kept, its strings shared where they repeat:
 * a million of these must fit in the page's heap.
 */
export class Row {
  readonly id: string;
  readonly shown: Shown;
  readonly progress: number;
  readonly message: string;
  readonly createdAt: number;
  readonly seq: number;
  readonly order: number;

  constructor(wire: WireRow) {
    const [id, state, awaiting, progress, message, createdAt, , seq, order] = wire;
    this.id = id;
    this.shown = shownOf(state, awaiting);
    this.progress = progress;
    this.message = shared(message);
    this.createdAt = createdAt;
    this.seq = seq;
    this.order = order;
  }

  /** The task's state (`running` for one awaiting input). */
  get state(): string {
    return this.shown === 'awaiting' ? 'running' : this.shown;
  }
}

const BY_NAME = new Map<string, Shown>(SHOWN.map((shown) => [shown, shown]));

function shownOf(state: string, awaiting: string): Shown {
  const shown = BY_NAME.get(state === 'running' && awaiting !== '' ? 'awaiting' : state);
  return shown ?? (state as Shown);
}

/** Short texts many rows repeat ("step 4 of 10"), one copy each; at most this many kept. */
const SHARED_LIMIT = 50_000;
const sharedTexts = new Map<string, string>();

function shared(text: string): string {
  if (text.length > 64) return text;
  const known = sharedTexts.get(text);
  if (known !== undefined) return known;
  if (sharedTexts.size >= SHARED_LIMIT) sharedTexts.clear();
  sharedTexts.set(text, text);
  return text;
}

/**
 * Every task the page knows, the counts per displayed state, and the rows a query selects.
 * Applying a change is O(1); the selection is rebuilt (O(n)) only when its members may have
 * changed, and at most once per frame.
 */
export class TaskTable {
  readonly #rows = new Map<string, Row>();
  #ordered: Row[] = [];
  #sorted = true;
  #compact = true;
  readonly counts: Record<Shown, number> = {
    pending: 0,
    running: 0,
    awaiting: 0,
    complete: 0,
    failed: 0,
    cancelled: 0,
  };
  #view: Row[] = [];
  #viewQuery: Query | undefined;
  #viewStale = true;

  get size(): number {
    return this.#rows.size;
  }

  get(id: string): Row | undefined {
    return this.#rows.get(id);
  }

  clear(): void {
    this.#rows.clear();
    this.#ordered = [];
    for (const shown of SHOWN) this.counts[shown] = 0;
    this.#viewStale = true;
  }

  /** Takes a row unless the page already has that version or a later one; says whether it changed. */
  apply(wire: WireRow): boolean {
    const row = new Row(wire);
    const known = this.#rows.get(row.id);
    if (known !== undefined && known.order === row.order && known.seq >= row.seq) return false;
    this.#rows.set(row.id, row);
    if (known !== undefined) this.counts[known.shown]--;
    this.counts[row.shown]++;
    if (known === undefined || known.order !== row.order) {
      if (known !== undefined) this.#compact = false;
      const last = this.#ordered.at(-1);
      if (last !== undefined && last.order > row.order) this.#sorted = false;
      this.#ordered.push(row);
      this.#viewStale = true;
    } else if (known.shown !== row.shown && this.#viewQuery?.state !== '') {
      this.#viewStale = true;
    }
    return true;
  }

  delete(id: string): boolean {
    const known = this.#rows.get(id);
    if (known === undefined) return false;
    this.#rows.delete(id);
    this.counts[known.shown]--;
    this.#compact = false;
    this.#viewStale = true;
    return true;
  }

  /** The rows a query selects, in its order. Rows are read through `get` for their latest version. */
  view(query: Query): readonly Row[] {
    const same =
      this.#viewQuery !== undefined &&
      this.#viewQuery.state === query.state &&
      this.#viewQuery.search === query.search &&
      this.#viewQuery.newestFirst === query.newestFirst;
    if (same && !this.#viewStale) return this.#view;
    this.#tidy();
    const { state, search } = query;
    let view: Row[] = this.#ordered;
    if (state !== '' || search !== '') {
      view = this.#ordered.filter((row) => {
        const latest = this.#rows.get(row.id) ?? row;
        return (state === '' || latest.shown === state) && (search === '' || row.id.includes(search));
      });
    } else {
      view = this.#ordered.slice();
    }
    if (query.newestFirst) view.reverse();
    this.#view = view;
    this.#viewQuery = query;
    this.#viewStale = false;
    return view;
  }

  /** Drops deleted and replaced entries from the creation order, and sorts it if needed. */
  #tidy(): void {
    if (!this.#compact) {
      this.#ordered = this.#ordered.filter((row) => this.#rows.get(row.id)?.order === row.order);
      this.#compact = true;
    }
    if (!this.#sorted) {
      this.#ordered.sort((a, b) => a.order - b.order);
      this.#sorted = true;
    }
  }
}
