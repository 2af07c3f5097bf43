import { useSelector } from '@xstate/react';
import type { StateNodeJSON, TaskManager, TransitionJSON } from '../src/index.js';
import { useTask } from '../src/react.js';

/** The ids of the states a state value is in, from the root down: `{ running: { work: 'working' } }` → task, task.running, task.running.work, task.running.work.working. */
export function activeStateIds(rootId: string, value: unknown): Set<string> {
  const ids = new Set<string>([rootId]);
  const visit = (prefix: string, node: unknown) => {
    if (typeof node === 'string') ids.add(`${prefix}.${node}`);
    else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        ids.add(`${prefix}.${key}`);
        visit(`${prefix}.${key}`, child);
      }
    }
  };
  visit(rootId, value);
  return ids;
}

function shortId(root: StateNodeJSON, id: string): string {
  return id.slice(root.id.length + 1);
}

function label(transition: TransitionJSON): string {
  const trigger =
    transition.kind === 'always'
      ? 'always'
      : transition.kind === 'delayed'
        ? `after ${transition.delay ?? '?'}`
        : transition.event;
  return transition.guard === undefined ? trigger : `${trigger} [${transition.guard}]`;
}

function StateBox({
  node,
  root,
  active,
  initial,
}: {
  readonly node: StateNodeJSON;
  readonly root: StateNodeJSON;
  readonly active: ReadonlySet<string>;
  readonly initial: boolean;
}) {
  const lit = active.has(node.id);
  return (
    <section
      className={`state state-${node.type}${lit ? ' lit' : ''}`}
      data-state-id={node.id}
      data-active={lit}
      aria-label={`state ${shortId(root, node.id)}`}
      aria-current={lit ? 'step' : undefined}
    >
      <div className="state-name">
        {initial ? <span title="initial">● </span> : null}
        {node.key}
        {node.type === 'final' ? <span className="final-mark"> ◉</span> : null}
      </div>
      {node.invoke.map((invoke) => (
        <div className="invoke" key={invoke.id}>
          invoke {invoke.src}
        </div>
      ))}
      <ul className="transitions">
        {node.transitions.map((transition, index) => (
          // Transitions have no id of their own; their order in the chart is fixed.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <li key={index}>
            {label(transition)} →{' '}
            {transition.targets.length === 0
              ? '(stays)'
              : transition.targets.map((target) => shortId(root, target)).join(', ')}
          </li>
        ))}
      </ul>
      {node.states.length > 0 ? (
        <div className="children">
          {node.states.map((child) => (
            <StateBox key={child.id} node={child} root={root} active={active} initial={node.initial === child.id} />
          ))}
        </div>
      ) : null}
    </section>
  );
}

/** Props of `Statechart`. */
export interface StatechartProps {
  /** The chart, from `toJSON(machine)`. */
  readonly chart: StateNodeJSON;
  /** Ids of the states to light (see `activeStateIds`). */
  readonly active: ReadonlySet<string>;
}

/**
 * Draws a chart from `toJSON(machine)` as nested boxes, each with its outgoing transitions, and
 * lights the active states.
 *
 * @example
 * ```tsx
 * <Statechart chart={toJSON(taskMachine)} active={activeStateIds('task', { running: { work: 'working', client: 'free' } })} />
 * ```
 */
export function Statechart({ chart, active }: StatechartProps) {
  return (
    <figure className="chart" aria-label={`${chart.id} statechart`}>
      <div className="children">
        {chart.states.map((child) => (
          <StateBox key={child.id} node={child} root={chart} active={active} initial={chart.initial === child.id} />
        ))}
      </div>
    </figure>
  );
}

/**
 * The task chart with one task's live state lit. The exact state (`running.work.working` or
 * `running.work.manual`) comes from the task's actor through `@xstate/react`'s `useSelector`; once the
 * task ends its actor is gone, and the final state comes from `useTask`.
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
  const value = useSelector(tasks.actor(id), (snapshot) =>
    snapshot === undefined ? undefined : JSON.stringify(snapshot.value),
  );
  const active = activeStateIds(chart.id, value === undefined ? task?.state : JSON.parse(value));
  return <Statechart chart={chart} active={active} />;
}
