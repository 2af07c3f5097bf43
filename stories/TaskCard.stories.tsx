import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import type { TaskSnapshot } from '../src/index.js';
import { createDemo, runningDemo, SignalState, TimeControls } from './demo.js';
import { LiveTaskCard, TaskCard } from './TaskCard.js';

/** A real manager drives each card into its state, so every snapshot is one the chart made. */
async function taskIn(state: TaskSnapshot['state']): Promise<TaskSnapshot> {
  const { tasks } = createDemo();
  await tasks.create('report-7');
  if (state === 'pending') return tasks.get('report-7');
  await tasks.update('report-7', 0.4, 'read 400 of 1000 rows');
  if (state === 'running') return tasks.get('report-7');
  if (state === 'complete') return tasks.complete('report-7', { rows: 1000 });
  if (state === 'failed') return tasks.fail('report-7', new Error('disk full'));
  return tasks.cancel('report-7', 'user cancelled');
}

const meta = {
  title: 'Tasks/TaskCard',
  component: TaskCard,
  render: (_args, { loaded }) => <TaskCard task={loaded.task as TaskSnapshot} onCancel={() => {}} />,
} satisfies Meta<typeof TaskCard>;
export default meta;
type Story = StoryObj<typeof meta>;

const placeholder = { task: undefined as unknown as TaskSnapshot };

function stateStory(state: TaskSnapshot['state'], percent: number): Story {
  return {
    args: placeholder,
    loaders: [async () => ({ task: await taskIn(state) })],
    play: async ({ canvasElement }) => {
      const card = within(canvasElement);
      await expect(card.getByRole('status', { name: 'state' })).toHaveTextContent(state);
      await expect(card.getByRole('progressbar')).toHaveAttribute('aria-valuenow', String(percent));
      const cancel = card.getByRole('button', { name: 'Cancel' });
      if (state === 'pending' || state === 'running') await expect(cancel).toBeEnabled();
      else await expect(cancel).toBeDisabled();
    },
  };
}

export const Pending: Story = stateStory('pending', 0);
export const Running: Story = stateStory('running', 40);
export const Complete: Story = stateStory('complete', 100);
export const Failed: Story = stateStory('failed', 40);
export const Cancelled: Story = stateStory('cancelled', 40);

type Running = Awaited<ReturnType<typeof runningDemo>>;

function LiveCard({ demo }: { readonly demo: Running }) {
  return (
    <div>
      <TimeControls clock={demo.clock} />
      <LiveTaskCard tasks={demo.tasks} id="fetch" />
      <SignalState watch={demo.watch} />
    </div>
  );
}

/** A running work on simulated time: each +100 ms is one step of four. */
export const Live: Story = {
  args: placeholder,
  render: (_args, { loaded }) => <LiveCard demo={loaded.demo as Running} />,
  loaders: [async () => ({ demo: await runningDemo() })],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const bar = canvas.getByRole('progressbar');
    await expect(canvas.getByRole('status', { name: 'state' })).toHaveTextContent('running');
    await expect(bar).toHaveAttribute('aria-valuenow', '0');
    for (const percent of ['25', '50', '75']) {
      await userEvent.click(canvas.getByRole('button', { name: '+100 ms' }));
      await waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', percent));
    }
    await userEvent.click(canvas.getByRole('button', { name: '+100 ms' }));
    await waitFor(() => expect(canvas.getByRole('status', { name: 'state' })).toHaveTextContent('complete'));
    await expect(bar).toHaveAttribute('aria-valuenow', '100');
    await expect(canvas.getByRole('button', { name: 'Cancel' })).toBeDisabled();
    await expect(canvas.getByLabelText('work signal')).toHaveTextContent('signal: not aborted');
  },
};

/** The Cancel button cancels the task and aborts its work's signal. */
export const CancelAbortsTheWork: Story = {
  args: placeholder,
  render: (_args, { loaded }) => <LiveCard demo={loaded.demo as Running} />,
  loaders: [async () => ({ demo: await runningDemo() })],
  play: async ({ canvasElement, loaded }) => {
    const canvas = within(canvasElement);
    const demo = loaded.demo as Running;
    await userEvent.click(canvas.getByRole('button', { name: '+100 ms' }));
    await waitFor(() => expect(canvas.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '25'));
    await userEvent.click(canvas.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(canvas.getByRole('status', { name: 'state' })).toHaveTextContent('cancelled'));
    await expect(canvas.getByLabelText('work signal')).toHaveTextContent('signal aborted: TaskCancelledError');
    await expect(canvas.getByRole('button', { name: 'Cancel' })).toBeDisabled();
    // Time moving on changes nothing: the aborted work never reports again.
    await userEvent.click(canvas.getByRole('button', { name: '+100 ms' }));
    await expect(canvas.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '25');
    await expect((await demo.tasks.get('fetch')).state).toBe('cancelled');
  },
};
