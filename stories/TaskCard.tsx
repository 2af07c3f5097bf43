import { isTerminal, type TaskManager, type TaskSnapshot } from '../src/index.js';
import { useTask } from '../src/react.js';

/** Props of `TaskCard`. */
export interface TaskCardProps {
  readonly task: TaskSnapshot;
  /** Shows a Cancel button, enabled until the task ends. */
  readonly onCancel?: () => void;
}

/**
 * One task: its id, a badge with its state, a progress bar and its last message or error.
 *
 * @example
 * ```tsx
 * <TaskCard task={await tasks.get('fetch')} onCancel={() => tasks.cancel('fetch')} />
 * ```
 */
export function TaskCard({ task, onCancel }: TaskCardProps) {
  const percent = Math.round(task.progress * 100);
  return (
    <article className="card" aria-label={`task ${task.id}`} data-state={task.state}>
      <header>
        <strong>{task.id}</strong>
        <span className={`badge badge-${task.state}`} role="status" aria-label="state">
          {task.awaiting === undefined ? task.state : `${task.state} · awaiting ${task.awaiting}`}
        </span>
      </header>
      <div
        className="bar"
        role="progressbar"
        aria-label="progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className={`fill fill-${task.state}`} style={{ width: `${percent}%` }} />
      </div>
      <p className="message">
        {percent}% {task.error === undefined ? (task.message ?? '') : `${task.error.name}: ${task.error.message}`}
      </p>
      {onCancel === undefined ? null : (
        <button type="button" onClick={onCancel} disabled={isTerminal(task.state)}>
          Cancel
        </button>
      )}
    </article>
  );
}

/**
 * A `TaskCard` that follows a task of a manager with `useTask`, with a Cancel button.
 *
 * @example
 * ```tsx
 * <LiveTaskCard tasks={tasks} id="fetch" />
 * ```
 */
export function LiveTaskCard({ tasks, id }: { readonly tasks: TaskManager; readonly id: string }) {
  const task = useTask(tasks, id);
  if (task === undefined) return <p>No task {id}</p>;
  return <TaskCard task={task} onCancel={() => void tasks.cancel(id, 'cancelled from the card').catch(() => {})} />;
}
