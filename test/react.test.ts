import { createElement, type ReactNode } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { createTaskManager, InvalidArgumentError, type TaskManager } from '../src/index.js';
import { TaskManagerProvider, useTask, useTaskManager, useTasks } from '../src/react.js';

function Task({ id }: { id: string }): ReactNode {
  const task = useTask(useTaskManager(), id);
  return createElement('p', null, task === undefined ? `${id}: none` : `${id}: ${task.state} ${task.progress}`);
}

function Tasks({ tasks, running }: { tasks: TaskManager; running?: boolean }): ReactNode {
  const list = useTasks(tasks, running === true ? { state: 'running' } : undefined);
  return createElement('ul', null, ...list.map((task) => createElement('li', { key: task.id }, task.id)));
}

function inProvider(tasks: TaskManager, child: ReactNode): string {
  return renderToString(createElement(TaskManagerProvider, { manager: tasks }, child));
}

describe('tooltask/react on the server', () => {
  it('renders a live task, a finished one, and an unknown id', async () => {
    const tasks = createTaskManager();
    await tasks.create('a');
    await tasks.update('a', 0.5);
    await tasks.create('b');
    await tasks.complete('b');
    const html = inProvider(
      tasks,
      ['a', 'b', 'c'].map((id) => createElement(Task, { key: id, id })),
    );
    expect(html).toBe('<p>a: running 0.5</p><p>b: complete 1</p><p>c: none</p>');
  });

  it('renders the live tasks in creation order, filtered by state', async () => {
    const tasks = createTaskManager();
    for (const id of ['x', 'y', 'z']) await tasks.create(id);
    await tasks.update('y', 0.1);
    expect(renderToString(createElement(Tasks, { tasks }))).toBe('<ul><li>x</li><li>y</li><li>z</li></ul>');
    expect(renderToString(createElement(Tasks, { tasks, running: true }))).toBe('<ul><li>y</li></ul>');
  });

  it('refuses useTaskManager() outside a TaskManagerProvider', () => {
    expect(() => renderToString(createElement(Task, { id: 'a' }))).toThrow(InvalidArgumentError);
  });
});
