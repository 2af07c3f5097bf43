import { useSelector } from '@xstate/react';
import { act, type ReactNode, StrictMode, startTransition } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { Observable } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createTaskManager,
  InvalidTransitionError,
  type TaskManager,
  type TaskSnapshot,
  taskMachine,
  toJSON,
} from '../../src/index.js';
import { StatechartView, TaskManagerProvider, useTask, useTaskManager, useTasks } from '../../src/react.js';

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean;
}
globalThis.IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLElement;
let root: Root;

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});

afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

function render(node: ReactNode): void {
  act(() => root.render(node));
}

/** Counts the manager's open subscriptions: to `changes$` and to each task's `subscribe(id)`. */
function counted(tasks: TaskManager): { open: () => number } {
  let open = 0;
  const track = <T,>(source: Observable<T>) =>
    new Observable<T>((subscriber) => {
      open++;
      const inner = source.subscribe(subscriber);
      return () => {
        open--;
        inner.unsubscribe();
      };
    });
  Object.defineProperty(tasks, 'changes$', { value: track(tasks.changes$) });
  const subscribe = tasks.subscribe.bind(tasks);
  tasks.subscribe = (id: string) => track(subscribe(id));
  return { open: () => open };
}

function Progress({ tasks, id, seen }: { tasks: TaskManager; id: string; seen?: TaskSnapshot[] }) {
  const task = useTask(tasks, id);
  if (task !== undefined) seen?.push(task);
  return <span data-testid={id}>{task === undefined ? 'none' : `${task.state} ${task.progress}`}</span>;
}

function TwoCards({ tasks, show }: { tasks: TaskManager; show: boolean }) {
  return show ? (
    <>
      <Progress tasks={tasks} id="a" />
      <Progress tasks={tasks} id="a" />
      <Progress tasks={tasks} id="b" />
    </>
  ) : null;
}

function Both({ tasks }: { tasks: TaskManager }) {
  const task = useTask(tasks, 'a');
  const progress = useSelector(tasks.actor('a'), (snapshot) => snapshot?.context.progress);
  const value = useSelector(tasks.actor('a'), (snapshot) => JSON.stringify(snapshot?.value));
  return <span>{`${task?.progress}/${progress} ${value}`}</span>;
}

const ids = Array.from({ length: 40 }, (_, index) => index);

function Many({ tasks, round }: { tasks: TaskManager; round: number }) {
  return (
    <>
      {ids.map((index) => (
        <Progress key={`${round}-${index}`} tasks={tasks} id="a" />
      ))}
    </>
  );
}

function Live({ tasks, lists, tick }: { tasks: TaskManager; lists: (readonly TaskSnapshot[])[]; tick: number }) {
  const live = useTasks(tasks, { state: ['pending', 'running'] });
  lists.push(live);
  return <span data-tick={tick}>{live.map((task) => task.id).join(',')}</span>;
}

function All({ tasks }: { tasks: TaskManager }) {
  return (
    <span>
      {useTasks(tasks)
        .map((task) => `${task.id}:${task.state}`)
        .join(',')}
    </span>
  );
}

function Card() {
  return <Progress tasks={useTaskManager()} id="a" />;
}

async function settle(): Promise<void> {
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

describe('useTask', () => {
  it('follows a task through its changes', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    render(<Progress tasks={tasks} id="a" />);
    expect(container.textContent).toBe('pending 0');
    await act(() => tasks.update('a', 0.5));
    expect(container.textContent).toBe('running 0.5');
    await act(() => tasks.complete('a'));
    expect(container.textContent).toBe('complete 1');
  });

  it('sees a task created after it mounted', async () => {
    const tasks = createTaskManager();
    render(<Progress tasks={tasks} id="later" />);
    expect(container.textContent).toBe('none');
    await act(() => tasks.create('later'));
    expect(container.textContent).toBe('pending 0');
  });

  it('works under StrictMode: no uncached-snapshot warning, one subscription left, none after unmount', async () => {
    const errors = vi.spyOn(console, 'error');
    const tasks = createTaskManager();
    const { open } = counted(tasks);
    await tasks.create('a');
    const seen: TaskSnapshot[] = [];
    render(
      <StrictMode>
        <Progress tasks={tasks} id="a" seen={seen} />
      </StrictMode>,
    );
    // StrictMode subscribed, unsubscribed and subscribed again: changes$ and the task, once each.
    expect(open()).toBe(2);
    await act(() => tasks.update('a', 0.25));
    expect(container.textContent).toBe('running 0.25');
    // Every render of one version of the task got the same object.
    expect(new Set(seen.map((task) => task.seq))).toEqual(new Set([0, 1]));
    expect(new Set(seen).size).toBe(2);
    act(() => root.unmount());
    expect(open()).toBe(0);
    root = createRoot(container);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
  });

  it('unsubscribes on unmount, and shares one changes$ subscription among components', async () => {
    const tasks = createTaskManager();
    const { open } = counted(tasks);
    await tasks.create('a');
    await tasks.create('b');
    render(<TwoCards tasks={tasks} show />);
    expect(open()).toBe(3); // changes$, a, b
    render(<TwoCards tasks={tasks} show={false} />);
    expect(open()).toBe(0);
    await act(() => tasks.update('a', 0.5));
    expect(container.textContent).toBe('');
  });

  it('agrees with @xstate/react useSelector on the task actor', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    render(<Both tasks={tasks} />);
    expect(container.textContent).toBe('0/0 "pending"');
    await act(() => tasks.update('a', 0.75));
    expect(container.textContent).toBe('0.75/0.75 {"running":{"work":"manual","client":"free"}}');
    await act(() => tasks.complete('a'));
    // The actor is gone once the task ends; useTask still has its final snapshot.
    expect(container.textContent).toBe('1/undefined undefined');
  });

  it('shows every component the same version during a transition (no tearing)', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    render(<Many tasks={tasks} round={0} />);
    await act(async () => {
      startTransition(() => root.render(<Many tasks={tasks} round={1} />));
      await tasks.update('a', 0.5);
    });
    await settle();
    const shown = new Set([...container.querySelectorAll('span')].map((span) => span.textContent));
    expect(shown).toEqual(new Set(['running 0.5']));
  });
});

describe('useTasks', () => {
  it('lists tasks as they come and go, and keeps the array while nothing in it changes', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    const lists: (readonly TaskSnapshot[])[] = [];
    render(<Live tasks={tasks} lists={lists} tick={0} />);
    expect(container.textContent).toBe('a');
    await act(() => tasks.create('b'));
    expect(container.textContent).toBe('a,b');
    const before = lists.at(-1);
    render(<Live tasks={tasks} lists={lists} tick={1} />);
    expect(lists.at(-1)).toBe(before);
    await act(() => tasks.complete('a'));
    expect(container.textContent).toBe('b');
  });

  it('adds the finished tasks the store keeps once list() answers', async () => {
    const tasks = createTaskManager();
    await tasks.create('done');
    await tasks.complete('done');
    await tasks.create('live');
    render(<All tasks={tasks} />);
    expect(container.textContent).toBe('live:pending');
    await settle();
    expect(container.textContent).toBe('done:complete,live:pending');
  });
});

describe('TaskManagerProvider', () => {
  it('hands its manager to useTaskManager()', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    render(
      <TaskManagerProvider manager={tasks}>
        <Card />
      </TaskManagerProvider>,
    );
    expect(container.textContent).toBe('pending 0');
  });
});

/** The README's Cancel button, as printed there. */
function CancelButton({ id }: { id: string }) {
  const tasks = useTaskManager();
  const task = useTask(tasks, id);
  const live = task?.state === 'pending' || task?.state === 'running';
  const cancel = () =>
    tasks.cancel(id).catch((error: unknown) => {
      // The task ended between the last render and the click: nothing left to cancel.
      if (!(error instanceof InvalidTransitionError)) throw error;
    });
  return (
    <button type="button" disabled={!live} onClick={cancel}>
      Cancel
    </button>
  );
}

/** A pending task `a` and the README's Cancel button for it. */
async function pendingWithButton() {
  const tasks = createTaskManager();
  await tasks.create('a');
  render(
    <TaskManagerProvider manager={tasks}>
      <CancelButton id="a" />
    </TaskManagerProvider>,
  );
  return { tasks, button: container.querySelector('button') as HTMLButtonElement };
}

describe("the README's Cancel button", () => {
  it('cancels a pending task', async () => {
    const { tasks, button } = await pendingWithButton();
    expect(button.disabled).toBe(false);
    await act(async () => button.click());
    expect((await tasks.get('a')).state).toBe('cancelled');
    expect(button.disabled).toBe(true);
  });

  it('rejects nothing uncaught when the task ended just before the click', async () => {
    const { tasks, button } = await pendingWithButton();
    const unhandled = vi.fn();
    window.addEventListener('unhandledrejection', unhandled);
    // The task completes, and the click lands before React re-renders the button.
    await act(async () => {
      void tasks.complete('a');
      button.click();
    });
    await settle();
    window.removeEventListener('unhandledrejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
    expect((await tasks.get('a')).state).toBe('complete');
  });
});

describe('deletions', () => {
  // `deletions$` and `remove(id)` come with the manager's deletion announcements.
  const tasks = createTaskManager();
  const announces = 'deletions$' in tasks && 'remove' in tasks;
  if (!announces)
    console.warn('!! tooltask/react deletion tests SKIPPED: this manager has no deletions$ / remove(id) yet.');

  it.skipIf(!announces)('drops a deleted task from useTask and useTasks', async () => {
    const manager = createTaskManager();
    const remove = (manager as unknown as { remove(id: string): Promise<void> }).remove.bind(manager);
    await manager.create('a');
    await manager.create('b');
    await manager.complete('a');
    render(
      <>
        <Progress tasks={manager} id="a" />
        <All tasks={manager} />
      </>,
    );
    await settle();
    expect(container.textContent).toBe('complete 1a:complete,b:pending');
    await act(() => remove('a'));
    expect(container.textContent).toBe('noneb:pending');
  });
});

describe('StatechartView', () => {
  const chart = toJSON(taskMachine);
  const lit = () =>
    [...container.querySelectorAll('[data-kind][data-active="true"]')].map((node) =>
      node.getAttribute('data-state-id'),
    );

  it('draws the chart laid out by ELK, lights every region, highlights the last transition', async () => {
    render(<StatechartView chart={chart} value="pending" event="xstate.init" />);
    // The first layout loads ELK and warms it up: allow for a busy machine.
    await vi.waitFor(() => expect(container.querySelector('svg')).not.toBeNull(), { timeout: 40_000 });
    expect(lit()).toEqual(['task.pending']);
    const boxes = [...container.querySelectorAll('[data-kind="final"]')].map((node) =>
      node.getAttribute('data-state-id'),
    );
    expect(boxes).toEqual(['task.complete', 'task.failed', 'task.cancelled']);
    // A pill per transition: its event, guard branch and actions.
    const pill = (id: string) =>
      [...container.querySelectorAll(`[data-label-id="${id}"] text`)].map((node) => node.textContent);
    expect(pill('task.pending:0')).toEqual(['task.start', 'IF hasWork', 'do recordStart']);
    expect(pill('task.running.work.working:0')).toEqual(['task.timeout', 'do recordTimeout']);
    // Parallel regions side by side (in whichever order ELK puts them), each in its own frame.
    const frames = [...container.querySelectorAll('.tt-region')].map((node) => (node as SVGGraphicsElement).getBBox());
    expect(frames).toHaveLength(2);
    const [one, other] = frames as [DOMRect, DOMRect];
    expect(one.x + one.width <= other.x || other.x + other.width <= one.x).toBe(true);
    expect(container.querySelectorAll('circle.tt-initial')).toHaveLength(3);

    render(
      <StatechartView
        chart={chart}
        value={{ running: { work: 'working', client: 'free' } }}
        event="task.start"
        previous="pending"
      />,
    );
    expect(lit()).toEqual([
      'task.running',
      'task.running.work',
      'task.running.work.working',
      'task.running.client',
      'task.running.client.free',
    ]);
    const taken = [...container.querySelectorAll('.tt-transition[data-taken="true"]')].map((node) =>
      node.getAttribute('data-transition-id'),
    );
    expect(taken).toEqual(['task.pending:0:0']);
  });
});
