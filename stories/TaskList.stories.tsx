import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { advance, createDemo, type Demo, steps, TimeControls } from './demo.js';
import { TaskList } from './TaskList.js';

/**
 * Five tasks arrive in twos on a manager that runs two at a time: the rest wait in `pending`.
 * `parse` fails at its second step; the others complete.
 */
function arrivals(): Demo {
  const demo = createDemo({ concurrency: 2 });
  const plan = [
    { id: 'fetch', at: 0, count: 2 },
    { id: 'parse', at: 0, count: 3, failAt: 2 },
    { id: 'index', at: 100, count: 2 },
    { id: 'thumbs', at: 100, count: 3 },
    { id: 'notify', at: 200, count: 1 },
  ];
  for (const { id, at, ...work } of plan) {
    const arrive = () => void demo.tasks.run(steps(demo.clock, { every: 100, ...work }), { id });
    // A simulated timer fires only when time moves, so arrivals at 0 are not put off.
    if (at === 0) arrive();
    else demo.clock.setTimeout(arrive, at);
  }
  return demo;
}

const meta = {
  title: 'Tasks/TaskList',
  component: TaskList,
  render: (_args, { loaded }) => {
    const demo = loaded.demo as Demo;
    return (
      <div>
        <TimeControls clock={demo.clock} />
        <TaskList tasks={demo.tasks} />
      </div>
    );
  },
  loaders: [async () => ({ demo: arrivals() })],
} satisfies Meta<typeof TaskList>;
export default meta;
type Story = StoryObj<typeof meta>;

const placeholder = { tasks: undefined as unknown as Demo['tasks'] };

function names(section: HTMLElement): string[] {
  return [...section.querySelectorAll('article')].map(
    (card) => `${card.querySelector('strong')?.textContent}:${card.dataset.state}`,
  );
}

/** Tasks come (two at a time run, the rest wait) and go (they move to Ended as they end). */
export const ComingAndGoing: Story = {
  args: placeholder,
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    const live = canvas.getByRole('region', { name: 'live tasks' });
    const ended = canvas.getByRole('region', { name: 'ended tasks' });
    const step = () => userEvent.click(canvas.getByRole('button', { name: '+100 ms' }));
    await waitFor(() => expect(names(live)).toEqual(['fetch:running', 'parse:running']));
    await expect(names(ended)).toEqual([]);
    await step();
    await waitFor(() =>
      expect(names(live)).toEqual(['fetch:running', 'parse:running', 'index:pending', 'thumbs:pending']),
    );
    await step();
    await waitFor(() => expect(names(live)).toEqual(['index:running', 'thumbs:running', 'notify:pending']));
    await expect(names(ended)).toEqual(['fetch:complete', 'parse:failed']);
    for (let i = 0; i < 3; i++) await step();
    await waitFor(() => expect(names(live)).toEqual([]));
    await expect(names(ended)).toEqual([
      'fetch:complete',
      'parse:failed',
      'index:complete',
      'thumbs:complete',
      'notify:complete',
    ]);
    await expect((await (loaded.demo as Demo).tasks.list()).length).toBe(5);
  },
};

/** The same arrivals 200 ms in: two running, one waiting, two ended. */
export const Midway: Story = {
  args: placeholder,
  loaders: [
    async () => {
      const demo = arrivals();
      await advance(demo, 2, 100);
      return { demo };
    },
  ],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    await waitFor(() =>
      expect(names(canvas.getByRole('region', { name: 'live tasks' }))).toEqual([
        'index:running',
        'thumbs:running',
        'notify:pending',
      ]),
    );
    await expect(names(canvas.getByRole('region', { name: 'ended tasks' }))).toEqual([
      'fetch:complete',
      'parse:failed',
    ]);
  },
};
