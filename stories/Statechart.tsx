import type { StateValue } from 'xstate';
import type { ChartTheme } from '../src/chart.js';
import type { StateNodeJSON, TaskManager } from '../src/index.js';
import { StatechartView, useTask } from '../src/react.js';

/** Props of `Statechart`. */
export interface StatechartProps {
  /** The chart, from `toJSON(machine)`. */
  readonly chart: StateNodeJSON;
  /** The state value to light: every region's active state. */
  readonly value?: StateValue | undefined;
  /** The last event, whose transition is highlighted. */
  readonly event?: string | undefined;
  /** The value before `event`, when known. */
  readonly previous?: StateValue | undefined;
  /** Whose state is shown (a task id): a new one forgets the value shown before. */
  readonly subject?: string | undefined;
  /** `light`, `dark` or `auto` (the page's `color-scheme`). */
  readonly theme?: ChartTheme | undefined;
}

/**
 * A chart from `toJSON(machine)` drawn as a statechart (tooltask/react's `StatechartView`: ELK
 * layout, a pill per transition on its own arrow, parallel regions in frames, zoom / fit / pan)
 * with a state value lit.
 *
 * @example
 * ```tsx
 * <Statechart chart={toJSON(taskMachine)} value={{ running: { work: 'working', client: 'free' } }} />
 * ```
 */
export function Statechart({ chart, value, event, previous, subject, theme }: StatechartProps) {
  return (
    <figure className="chart" aria-label={`${chart.id} statechart`}>
      <StatechartView chart={chart} value={value} event={event} previous={previous} subject={subject} theme={theme} />
    </figure>
  );
}

/**
 * The task chart with one task's live state lit: the snapshot's `value` (every region's state)
 * and `event` (the transition it took), through `useTask`.
 *
 * @example
 * ```tsx
 * <LiveStatechart chart={toJSON(taskMachine)} tasks={tasks} id="fetch" />
 * ```
 */
export function LiveStatechart({
  chart,
  tasks,
  id,
}: {
  readonly chart: StateNodeJSON;
  readonly tasks: TaskManager;
  readonly id: string;
}) {
  const task = useTask(tasks, id);
  return <Statechart chart={chart} subject={id} value={task?.value} event={task?.event} />;
}
