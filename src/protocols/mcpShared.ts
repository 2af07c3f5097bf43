import type { TaskAwaiting, TaskSnapshot, TaskState } from '../task.js';

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

/**
 * A task's ttl as both MCP revisions define it: ms from creation until it may be evicted, `null` when
 * kept until removed. tooltask counts retention from the end (a working task is never evicted), so an
 * ended task says `completedAt − createdAt + retention` and a live one `now − createdAt + retention`
 * (by default `now` is its last update: a bound that holds, equal to the retention at creation), a
 * value that grows until the task ends (the spec lets the receiver change it).
 */
export function ttlFromCreation(snapshot: TaskSnapshot, now: number = snapshot.updatedAt): number | null {
  const retention = snapshot.ttl ?? Number.POSITIVE_INFINITY;
  if (!Number.isFinite(retention)) return null;
  const ended = snapshot.completedAt ?? Math.max(now, snapshot.updatedAt);
  return Math.round(ended - snapshot.createdAt + retention);
}

/**
 * The `data` a failed task's JSON-RPC error carries: the error's own `data`, else tooltask's (or any)
 * string error `code`, such as `{ code: 'TASK_LOST' }`, for a client to branch on.
 */
export function errorData(error: Error | undefined): unknown {
  const { code, data } = (error ?? {}) as { code?: unknown; data?: unknown };
  if (data !== undefined) return data;
  return typeof code === 'string' ? { code } : undefined;
}
