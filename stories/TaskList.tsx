import type { TaskManager } from '../src/index.js';
import { useTasks } from '../src/react.js';
import { TaskCard } from './TaskCard.js';

/**
 * The registry as two lists that follow the manager with `useTasks`: live tasks (pending and
 * running), and the ones that have ended. Tasks appear as they are created and move across as
 * they end.
 *
 * @example
 * ```tsx
 * <TaskList tasks={tasks} />
 * ```
 */
export function TaskList({ tasks }: { readonly tasks: TaskManager }) {
  const live = useTasks(tasks, { state: ['pending', 'running'] });
  const ended = useTasks(tasks, { state: ['complete', 'failed', 'cancelled'] });
  return (
    <div className="lists">
      <section aria-label="live tasks">
        <h3>Live ({live.length})</h3>
        {live.map((task) => (
          <TaskCard key={task.id} task={task} onCancel={() => void tasks.cancel(task.id).catch(() => {})} />
        ))}
      </section>
      <section aria-label="ended tasks">
        <h3>Ended ({ended.length})</h3>
        {ended.map((task) => (
          <TaskCard key={task.id} task={task} />
        ))}
      </section>
    </div>
  );
}
