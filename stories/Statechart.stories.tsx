import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { registryMachine, taskMachine, toJSON } from '../src/index.js';
import { advance, runningDemo, SignalState, steps, TimeControls } from './demo.js';
import { kitchenChart } from './kitchen.js';
import { LiveStatechart, Statechart } from './Statechart.js';
import { LiveTaskCard } from './TaskCard.js';

const taskChart = toJSON(taskMachine);

const meta = {
  title: 'Charts/Statechart',
  component: Statechart,
} satisfies Meta<typeof Statechart>;
export default meta;
type Story = StoryObj<typeof meta>;

type Running = Awaited<ReturnType<typeof runningDemo>>;

/**
 * `fetch` holds the only slot; `report` waits in `pending` until it ends, then runs its work
 * (`running.work.working`) to the end.
 */
async function queuedDemo(): Promise<Running> {
  const demo = await runningDemo({ concurrency: 1 });
  await demo.tasks.run(steps(demo.clock, { count: 2, every: 100, onAbort: demo.watch.record }), { id: 'report' });
  return demo;
}

/** The same, moved on to halfway through `report`'s work (500 ms). */
async function halfwayDemo(): Promise<Running> {
  const demo = await queuedDemo();
  await advance(demo, 5, 100);
  return demo;
}

function LiveChart({ demo }: { readonly demo: Running }) {
  return (
    <div>
      <TimeControls clock={demo.clock} />
      <div className="demo">
        <div>
          <LiveTaskCard tasks={demo.tasks} id="report" />
          <SignalState watch={demo.watch} />
        </div>
        <LiveStatechart chart={taskChart} tasks={demo.tasks} id="report" />
      </div>
    </div>
  );
}

/** Lit while a work runs: both regions of `running`, with `work.working` and `client.free`. */
const WORKING = [
  'task.running',
  'task.running.work',
  'task.running.work.working',
  'task.running.client',
  'task.running.client.free',
];

/** The ids of the lit states, once the chart is laid out and drawn (ELK answers asynchronously). */
async function lit(canvasElement: HTMLElement): Promise<string[]> {
  await waitFor(() => expect(canvasElement.querySelector('svg [data-state-id]')).not.toBeNull(), { timeout: 40_000 });
  return [...canvasElement.querySelectorAll<SVGElement>('svg [data-kind][data-active="true"]')].map(
    (node) => node.getAttribute('data-state-id') ?? '',
  );
}

/** The lit state follows the task: pending while it waits for a slot, running.work.working, complete. */
export const FollowsTheTask: Story = {
  args: { chart: taskChart },
  render: (_args, { loaded }) => <LiveChart demo={loaded.demo as Running} />,
  loaders: [async () => ({ demo: await queuedDemo() })],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const step = () => userEvent.click(canvas.getByRole('button', { name: '+100 ms' }));
    await expect(await lit(canvasElement)).toEqual(['task.pending']);
    for (let i = 0; i < 4; i++) await step();
    await waitFor(async () => expect(await lit(canvasElement)).toEqual(WORKING));
    await step();
    await waitFor(() => expect(canvas.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '50'));
    await expect(await lit(canvasElement)).toEqual(WORKING);
    await step();
    await waitFor(async () => expect(await lit(canvasElement)).toEqual(['task.complete']));
  },
};

/** Halfway through its work: `running.work.working` is lit, inside `running`. */
export const Working: Story = {
  args: { chart: taskChart },
  render: (_args, { loaded }) => <LiveChart demo={loaded.demo as Running} />,
  loaders: [async () => ({ demo: await halfwayDemo() })],
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '50');
    await expect(await lit(canvasElement)).toEqual(WORKING);
  },
};

/** Cancelling from the card lights `cancelled` and aborts the running work's signal. */
export const CancelLightsCancelled: Story = {
  args: { chart: taskChart },
  render: (_args, { loaded }) => <LiveChart demo={loaded.demo as Running} />,
  loaders: [async () => ({ demo: await queuedDemo() })],
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    for (let i = 0; i < 5; i++) await userEvent.click(canvas.getByRole('button', { name: '+100 ms' }));
    await waitFor(() => expect(canvas.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '50'));
    await expect(await lit(canvasElement)).toContain('task.running.work.working');
    await userEvent.click(canvas.getByRole('button', { name: 'Cancel' }));
    await waitFor(async () => expect(await lit(canvasElement)).toEqual(['task.cancelled']));
    await expect(canvas.getByLabelText('work signal')).toHaveTextContent('signal aborted: TaskCancelledError');
  },
};

/** A task driven by `update()` goes to `running.work.manual`, the state with no work. */
export const ManualProgress: Story = {
  args: { chart: taskChart, value: { running: { work: 'manual', client: 'free' } } },
  play: async ({ canvasElement }) => {
    await expect(await lit(canvasElement)).toEqual([
      'task.running',
      'task.running.work',
      'task.running.work.manual',
      'task.running.client',
      'task.running.client.free',
    ]);
  },
};

/** A task that asked its client for input (`requestInput`): still running, `client.awaiting` lit. */
export const AwaitingInput: Story = {
  args: { chart: taskChart },
  render: (_args, { loaded }) => <LiveChart demo={loaded.demo as Running} />,
  loaders: [
    async () => {
      const demo = await halfwayDemo();
      await demo.tasks.requestInput('report', { message: 'Which region?' });
      return { demo };
    },
  ],
  play: async ({ canvasElement }) => {
    await expect(await lit(canvasElement)).toContain('task.running.client.awaiting');
    await expect(await lit(canvasElement)).toContain('task.running.work.working');
    await expect(await lit(canvasElement)).not.toContain('task.running.client.free');
    await expect(within(canvasElement).getByRole('status', { name: 'state' })).toHaveTextContent(
      'running · awaiting input',
    );
  },
};

/** The registry chart, from `toJSON(registryMachine)`. */
export const Registry: Story = {
  args: { chart: toJSON(registryMachine), value: 'open' },
  play: async ({ canvasElement }) => {
    await expect(await lit(canvasElement)).toEqual(['registry.open']);
  },
};

/** The pills of a drawn chart, by id: their lines of text. */
function pills(canvasElement: HTMLElement): Record<string, string[]> {
  return Object.fromEntries(
    [...canvasElement.querySelectorAll('[data-label-id]')].map((pill) => [
      pill.getAttribute('data-label-id') ?? '',
      [...pill.querySelectorAll('text')].map((line) => line.textContent ?? ''),
    ]),
  );
}

/** One transition into both regions (`SPLIT`): one pill, two arrows taken. */
export const StatelyFeatures: Story = {
  args: {
    chart: kitchenChart,
    value: { cooking: { oven: 'baking', hob: 'boiling' } },
    event: 'SPLIT',
    previous: 'idle',
  },
  play: async ({ canvasElement }) => {
    await lit(canvasElement);
    const drawn = pills(canvasElement);
    await expect(drawn['kitchen.idle:1']).toEqual(['ORDER', 'ELSE IF canOrder']);
    await expect(drawn['kitchen.waiting:0']).toEqual(['after 5 sec']);
    await expect(drawn['kitchen.cooking:0']).toEqual(['done: work']);
    const taken = [...canvasElement.querySelectorAll('.tt-transition[data-taken="true"]')];
    await expect(taken.map((arrow) => arrow.getAttribute('data-target'))).toEqual([
      'kitchen.cooking.oven.baking',
      'kitchen.cooking.hob.boiling',
    ]);
  },
};

/** The dark theme: the chart's CSS variables take their dark values. */
export const Dark: Story = {
  args: { chart: kitchenChart, value: 'idle', theme: 'dark' },
  play: async ({ canvasElement }) => {
    await lit(canvasElement);
    const box = canvasElement.querySelector('[data-state-id="kitchen.waiting"] .tt-box') as Element;
    await expect(getComputedStyle(box).fill).toBe('rgb(30, 41, 59)');
  },
};
