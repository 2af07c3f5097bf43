import {
  createContext,
  createElement,
  type ReactNode,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useSyncExternalStore,
} from 'react';
import type { Subscription } from 'rxjs';
import type { StateValue } from 'xstate';
import { drawStatechart, type StatechartDrawing } from './chart/render.js';
import type { StateNodeJSON } from './chartExport.js';
import { InvalidArgumentError } from './errors.js';
import type { ListFilter, TaskManager } from './manager.js';
import type { TaskSnapshot, TaskState } from './task.js';

type Listener = () => void;

const EMPTY: readonly TaskSnapshot[] = Object.freeze([]);

/** Whether `next` is a later version of a task than `current`: a later creation, or a later change. */
function isNewer(next: TaskSnapshot, current: TaskSnapshot | undefined): boolean {
  if (current === undefined) return true;
  if (next.createdAt !== current.createdAt) return next.createdAt > current.createdAt;
  return next.seq > current.seq;
}

/** One task watched by components: its latest snapshot, and the stream that keeps it fresh. */
interface Watched {
  snapshot: TaskSnapshot | undefined;
  readonly listeners: Set<Listener>;
  subscription: Subscription | undefined;
}

/**
 * What React reads of one manager. One per manager, shared by every hook on it: it listens to
 * `changes$` once, from the first mounted hook to the last unmounted one, and hands each hook
 * the manager's own frozen snapshots, so an unchanged task is the same object on every read.
 */
class ManagerView {
  readonly #manager: TaskManager;
  readonly #watched = new Map<string, Watched>();
  readonly #listListeners = new Set<Listener>();
  /** Every task seen while the list is watched, by id. */
  readonly #all = new Map<string, TaskSnapshot>();
  #list: readonly TaskSnapshot[] = EMPTY;
  #listStale = false;
  #changes: Subscription | undefined;
  #deletions: Subscription | undefined;

  constructor(manager: TaskManager) {
    this.#manager = manager;
  }

  task(id: string): TaskSnapshot | undefined {
    const watched = this.#watched.get(id);
    return watched === undefined ? this.#manager.peek(id) : watched.snapshot;
  }

  subscribeTask(id: string, listener: Listener): () => void {
    let watched = this.#watched.get(id);
    if (watched === undefined) {
      const entry: Watched = { snapshot: this.#manager.peek(id), listeners: new Set(), subscription: undefined };
      watched = entry;
      this.#watched.set(id, entry);
      // Live tasks and finished ones the store still has; an unknown id errors, and its creation,
      // should it come, arrives through changes$.
      entry.subscription = this.#manager.subscribe(id).subscribe({
        next: (snapshot) => this.#acceptTask(entry, snapshot),
        error: () => {},
      });
    }
    watched.listeners.add(listener);
    this.#retain();
    const entry = watched;
    return () => {
      if (!entry.listeners.delete(listener)) return;
      if (entry.listeners.size === 0) {
        entry.subscription?.unsubscribe();
        this.#watched.delete(id);
      }
      this.#release();
    };
  }

  list(): readonly TaskSnapshot[] {
    if (this.#listListeners.size === 0) {
      // Not watched yet (a first render): the live tasks, rebuilt only when one of them changed.
      const live: TaskSnapshot[] = [];
      for (const id of this.#manager.registry.getSnapshot().context.tasks.keys()) {
        const snapshot = this.#manager.peek(id);
        if (snapshot !== undefined) live.push(snapshot);
      }
      if (!sameItems(live, this.#list)) this.#list = live.length === 0 ? EMPTY : Object.freeze(live);
      return this.#list;
    }
    if (this.#listStale) {
      this.#listStale = false;
      this.#list = Object.freeze([...this.#all.values()]);
    }
    return this.#list;
  }

  subscribeList(listener: Listener): () => void {
    if (this.#listListeners.size === 0) {
      // Start from what the first render showed, so that subscribing alone re-renders nothing.
      for (const task of this.list()) this.#all.set(task.id, task);
      this.#listListeners.add(listener);
      this.#retain();
      this.#loadAll();
    } else {
      this.#listListeners.add(listener);
    }
    return () => {
      if (!this.#listListeners.delete(listener)) return;
      if (this.#listListeners.size === 0) this.#all.clear();
      this.#release();
    };
  }

  #loadAll(): void {
    this.#manager.list().then(
      (tasks) => {
        if (this.#listListeners.size === 0) return;
        const known = new Map(this.#all);
        this.#all.clear();
        for (const task of tasks) {
          const seen = known.get(task.id);
          this.#all.set(task.id, seen !== undefined && !isNewer(task, seen) ? seen : task);
          known.delete(task.id);
        }
        // Tasks created while the store answered come after the ones it listed.
        for (const [id, task] of known) this.#all.set(id, task);
        this.#listStale = true;
        this.#notify(this.#listListeners);
      },
      () => {},
    );
  }

  #retain(): void {
    if (this.#changes !== undefined) return;
    this.#changes = this.#manager.changes$.subscribe((snapshot) => this.#changed(snapshot));
    this.#deletions = this.#manager.deletions$.subscribe((id) => this.#deleted(id));
  }

  #release(): void {
    if (this.#watched.size > 0 || this.#listListeners.size > 0) return;
    this.#changes?.unsubscribe();
    this.#changes = undefined;
    this.#deletions?.unsubscribe();
    this.#deletions = undefined;
  }

  #deleted(id: string): void {
    const watched = this.#watched.get(id);
    if (watched?.snapshot !== undefined) {
      watched.snapshot = undefined;
      this.#notify(watched.listeners);
    }
    if (this.#listListeners.size > 0 && this.#all.delete(id)) {
      this.#listStale = true;
      this.#notify(this.#listListeners);
    }
  }

  #changed(snapshot: TaskSnapshot): void {
    const watched = this.#watched.get(snapshot.id);
    if (watched !== undefined) this.#acceptTask(watched, snapshot);
    if (this.#listListeners.size > 0 && isNewer(snapshot, this.#all.get(snapshot.id))) {
      this.#all.set(snapshot.id, snapshot);
      this.#listStale = true;
      this.#notify(this.#listListeners);
    }
  }

  #acceptTask(watched: Watched, snapshot: TaskSnapshot): void {
    if (!isNewer(snapshot, watched.snapshot)) return;
    watched.snapshot = snapshot;
    this.#notify(watched.listeners);
  }

  #notify(listeners: ReadonlySet<Listener>): void {
    for (const listener of [...listeners]) listener();
  }

  /**
   * The task's current snapshot, read synchronously: a live task's `subscribe` delivers it at
   * once, and so does a finished one from a synchronous store. `undefined` otherwise.
   */
}

function sameItems(a: readonly TaskSnapshot[], b: readonly TaskSnapshot[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

const views = new WeakMap<TaskManager, ManagerView>();

function viewOf(manager: TaskManager): ManagerView {
  let view = views.get(manager);
  if (view === undefined) {
    view = new ManagerView(manager);
    views.set(manager, view);
  }
  return view;
}

/**
 * A task's latest snapshot, re-rendering the component on each change; `undefined` while there is
 * no such task (or while an asynchronous store loads a finished one). Pass `undefined` as the id
 * to watch nothing.
 *
 * Built on `useSyncExternalStore`: every read of an unchanged task returns the same frozen
 * snapshot, so it is safe under StrictMode and concurrent rendering, and the component stops
 * listening when it unmounts. Renders on the server too.
 *
 * @example
 * ```tsx
 * import { useTask } from 'tooltask/react';
 *
 * function Progress({ id }: { id: string }) {
 *   const task = useTask(tasks, id);
 *   if (task === undefined) return null;
 *   return <progress value={task.progress} title={`${task.state}: ${task.message ?? ''}`} />;
 * }
 * ```
 */
export function useTask(manager: TaskManager, id: string | undefined): TaskSnapshot | undefined {
  const view = viewOf(manager);
  const subscribe = useMemo(
    () => (listener: Listener) => (id === undefined ? () => {} : view.subscribeTask(id, listener)),
    [view, id],
  );
  const read = useMemo(() => () => (id === undefined ? undefined : view.task(id)), [view, id]);
  return useSyncExternalStore(subscribe, read, read);
}

/**
 * The manager's tasks in creation order, or those in the given state(s), re-rendering the
 * component when one of them changes. Tasks the manager deletes (retention, `remove`) leave the
 * list as the manager announces them on `deletions$`.
 *
 * On the first render it shows the live tasks; finished ones the store keeps follow once
 * `list()` answers. The array is the same object until a task in it changes, so it works as a
 * dependency and is safe under StrictMode and concurrent rendering. `filter` may be a new object
 * on every render.
 *
 * @example
 * ```tsx
 * import { useTasks } from 'tooltask/react';
 *
 * function Running() {
 *   const running = useTasks(tasks, { state: ['pending', 'running'] });
 *   return <ul>{running.map((task) => <li key={task.id}>{task.id} {Math.round(task.progress * 100)}%</li>)}</ul>;
 * }
 * ```
 */
export function useTasks(manager: TaskManager, filter?: ListFilter): readonly TaskSnapshot[] {
  const view = viewOf(manager);
  const states = filter?.state;
  const key = states === undefined ? '' : typeof states === 'string' ? states : [...states].sort().join(',');
  const subscribe = useMemo(() => (listener: Listener) => view.subscribeList(listener), [view]);
  const read = useMemo(() => {
    const wanted = key === '' ? undefined : new Set(key.split(',') as TaskState[]);
    let source: readonly TaskSnapshot[] | undefined;
    let result: readonly TaskSnapshot[] = EMPTY;
    return () => {
      const next = view.list();
      if (next === source) return result;
      source = next;
      if (wanted === undefined) result = next;
      else {
        const kept = next.filter((task) => wanted.has(task.state));
        if (!sameItems(kept, result)) result = kept.length === 0 ? EMPTY : Object.freeze(kept);
      }
      return result;
    };
  }, [view, key]);
  return useSyncExternalStore(subscribe, read, read);
}

const TaskManagerContext = createContext<TaskManager | undefined>(undefined);

/** Props of `TaskManagerProvider`. */
export interface TaskManagerProviderProps {
  readonly manager: TaskManager;
  readonly children?: ReactNode;
}

/**
 * Makes a task manager available to the components below it, through `useTaskManager()`.
 *
 * @example
 * ```tsx
 * import { createTaskManager } from 'tooltask';
 * import { TaskManagerProvider } from 'tooltask/react';
 *
 * const tasks = createTaskManager();
 * root.render(
 *   <TaskManagerProvider manager={tasks}>
 *     <App />
 *   </TaskManagerProvider>,
 * );
 * ```
 */
export function TaskManagerProvider({ manager, children }: TaskManagerProviderProps): ReactNode {
  return createElement(TaskManagerContext.Provider, { value: manager }, children);
}

/**
 * The task manager of the nearest `TaskManagerProvider`; throws `InvalidArgumentError` if there
 * is none.
 *
 * @example
 * ```tsx
 * import { useTask, useTaskManager } from 'tooltask/react';
 *
 * function CancelButton({ id }: { id: string }) {
 *   const tasks = useTaskManager();
 *   const task = useTask(tasks, id);
 *   return <button disabled={task?.state !== 'running'} onClick={() => tasks.cancel(id)}>Cancel</button>;
 * }
 * ```
 */
export function useTaskManager(): TaskManager {
  const manager = useContext(TaskManagerContext);
  if (manager === undefined) {
    throw new InvalidArgumentError(
      'Expected a <TaskManagerProvider manager={…}> above the component that calls useTaskManager(), found none',
    );
  }
  return manager;
}

/** Props of `StatechartView`. */
export interface StatechartViewProps {
  /** The chart, from `toJSON(machine)`. Keep the same object between renders: its layout is cached by identity. */
  readonly chart: StateNodeJSON;
  /** The state value to light (every region's active state), e.g. an actor snapshot's `value`. */
  readonly value?: StateValue | undefined;
  /** The type of the event that led to `value`: the transitions it took are highlighted. */
  readonly event?: string | undefined;
  /** The state value before `event`, to tell which transition it took (optional). */
  readonly previous?: StateValue | undefined;
  readonly className?: string | undefined;
}

/**
 * A statechart drawn as one: states as boxes, transitions as labelled arrows laid out by ELK,
 * parallel regions side by side, the active state of every region lit and the last transition
 * highlighted. The React face of `drawStatechart` (`tooltask/chart`), which draws the SVG; the
 * layout is computed once per chart object.
 *
 * @example
 * ```tsx
 * import { taskMachine, toJSON } from 'tooltask';
 * import { StatechartView } from 'tooltask/react';
 *
 * const chart = toJSON(taskMachine);
 * function Chart() {
 *   return <StatechartView chart={chart} value={{ running: { work: 'working', client: 'free' } }} event="task.start" />;
 * }
 * ```
 */
export function StatechartView({ chart, value, event, previous, className }: StatechartViewProps): ReactNode {
  const container = useRef<HTMLDivElement>(null);
  const drawing = useRef<StatechartDrawing | undefined>(undefined);
  const highlight = useRef({ value, event, previous });
  highlight.current = { value, event, previous };
  useEffect(() => {
    if (container.current === null) return;
    const drawn = drawStatechart(container.current, chart, highlight.current);
    drawing.current = drawn;
    return () => {
      drawn.destroy();
      drawing.current = undefined;
    };
  }, [chart]);
  // A state value is often a new object with the same content: compare what it says.
  const key = `${JSON.stringify(value) ?? ''}|${event ?? ''}|${JSON.stringify(previous) ?? ''}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for the highlight's content.
  useEffect(() => {
    drawing.current?.update(highlight.current);
  }, [key]);
  return createElement('div', { ref: container, className, 'data-statechart': chart.id });
}
