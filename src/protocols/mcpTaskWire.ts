import { CLIENT_CAPABILITIES_META_KEY } from '@modelcontextprotocol/server';

/** The Tasks extension's identifier (SEP-2663): in capabilities, and the task metadata key. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

/** JSON-RPC code of "Missing required client capability" (2026-07-28). */
export const MISSING_REQUIRED_CLIENT_CAPABILITY = -32021;

/** Whether a request's `_meta` envelope declares the extension in its per-request capabilities. */
export function declaresTasks(envelope: unknown): boolean {
  const capabilities = isRecord(envelope) ? envelope[CLIENT_CAPABILITIES_META_KEY] : undefined;
  const extensions = isRecord(capabilities) ? capabilities.extensions : undefined;
  return isRecord(extensions) && isRecord(extensions[TASKS_EXTENSION]);
}

/** The `-32021` error body naming the extension as the capability required. */
export function missingCapabilityError(): { code: number; message: string; data: unknown } {
  return {
    code: MISSING_REQUIRED_CLIENT_CAPABILITY,
    message: 'Missing required client capability',
    data: { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
