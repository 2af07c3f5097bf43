import type { TaskAwaiting, TaskState } from '../task.js';

/** A task's status in both MCP revisions: 2025-11-25 `Task.status` and the Tasks extension's. */
export type McpStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

/**
 * The status of a task in both MCP revisions: `pending` and `running` are `working` (MCP has no
 * queued status), or `input_required` while the task awaits its client; final states map one to one.
 */
export function statusOf(state: TaskState, awaiting: TaskAwaiting | undefined): McpStatus {
  switch (state) {
    case 'pending':
    case 'running':
      return awaiting === undefined ? 'working' : 'input_required';
    case 'complete':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
  }
}

/** A work's value as a `CallToolResult`: one is kept, a string becomes text, anything else JSON text and `structuredContent`. */
export function toToolResult(value: unknown): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && Array.isArray((value as { content?: unknown }).content)) {
    return value as Record<string, unknown>;
  }
  if (value === undefined) return { content: [] };
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  const structured =
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: structured };
}
