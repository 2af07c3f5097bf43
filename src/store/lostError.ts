import { TooltaskError, type TooltaskErrorCode } from '../errors.js';

/**
 * A live task's process died: it stopped renewing its lease, so a surviving process ended the
 * task as `failed` with this error (code `TASK_LOST`). Its work may still have run partly.
 */
export class TaskLostError extends TooltaskError {
  override name = 'TaskLostError' as const;
  readonly taskId: string;
  /** The cluster node that owned the task. */
  readonly nodeId: string;
  constructor(taskId: string, nodeId: string) {
    // `TASK_LOST` belongs in TooltaskErrorCode (src/errors.ts, the lead's): asked for in the report.
    super(
      'TASK_LOST' as string as TooltaskErrorCode,
      `Task \`${taskId}\` was lost: its process (node ${nodeId}) stopped renewing its lease`,
    );
    this.taskId = taskId;
    this.nodeId = nodeId;
  }
}
