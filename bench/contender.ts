/**
 * What the benchmark drives: one task system behind the same small surface, so every workload runs
 * the same steps on every contender. A handle is whatever the contender hands back from `create`
 * (an id for most; MCP generates its own ids; A2A's executor keeps its task object, as the SDK's
 * own ResultManager does).
 */
export type Handle = unknown;
export type Listener = (value: unknown) => void;

export interface PageWalk {
  /** Pages walked (or that a full walk takes, when extrapolated). */
  readonly pages: number;
  /** Tasks seen (or that a full walk sees). */
  readonly tasks: number;
  /** Set when the walk was sampled and scaled to the full walk, and how. */
  readonly extrapolated?: string;
  /** Milliseconds, only when extrapolated (otherwise the harness times the walk). */
  readonly ms?: number;
}

export interface Contender {
  create(key: number): Handle | Promise<Handle>;
  update(handle: Handle, progress: number, message: string): void | Promise<void>;
  complete(handle: Handle, result: unknown): void | Promise<void>;
  /** Ends the task and, where the contender can, forgets it (W7 keeps the live count level with it). */
  remove(handle: Handle): void | Promise<void>;
  get(handle: Handle): unknown;
  /** Where the contender also reads through a Promise-returning call, W3 times that too. */
  getAsync?: ((handle: Handle) => Promise<unknown>) | undefined;
  subscribe(handle: Handle, listener: Listener): () => void;
  /** Every task at once; answers how many. */
  listAll(): number | Promise<number>;
  /** Walks every page of `pageSize`; answers what it walked. */
  walk(pageSize: number): PageWalk | Promise<PageWalk>;
  /**
   * W8: runs one task from creation to completion the way the contender does it on its own
   * (tooltask `run()` with `retention: 0`), leaving nothing behind if it can. Undefined when the
   * contender cannot forget a task.
   */
  churn?: ((key: number) => void | Promise<void>) | undefined;
  /** Awaits every churned task's end. */
  settle?: (() => Promise<void>) | undefined;
  dispose(): void | Promise<void>;
}

export interface ContenderFactory {
  readonly name: string;
  /** What differs from the plain contract (shims, missing features), shown under the table. */
  readonly notes: readonly string[];
  create(): Contender;
}

/**
 * The listener shim given to contenders without subscriptions (floor, MCP, A2A): a Set of
 * listeners per task, called after each change. The same code for all three, so it costs them alike.
 */
export class ListenerShim {
  readonly #listeners = new Map<string, Set<Listener>>();

  subscribe(id: string, listener: Listener): () => void {
    let set = this.#listeners.get(id);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(id, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit(id: string, value: unknown, last = false): void {
    const set = this.#listeners.get(id);
    if (set === undefined) return;
    for (const listener of set) listener(value);
    if (last) this.#listeners.delete(id);
  }
}

export function taskId(key: number): string {
  return `task-${key}`;
}
