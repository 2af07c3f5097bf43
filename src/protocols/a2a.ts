import { A2A_PROTOCOL_VERSION, type AgentCard, type AgentSkill } from '@a2a-js/sdk';
import { InvalidArgumentError } from '../errors.js';
import { describe } from '../validate.js';

export { type A2AEventBusManagerOptions, createA2AEventBusManager } from './a2aBuses.js';
export type { A2AExecutorOptions, A2AWork, A2AWorkContext, A2AWorkResult } from './a2aExecutor.js';
export { createA2AExecutor } from './a2aExecutor.js';
export { A2ARejectedError, toA2AState, toA2AStatusUpdate, toA2ATask } from './a2aMapping.js';
export type { A2ATaskStoreOptions } from './a2aStore.js';
export { A2ATaskStore } from './a2aStore.js';

/** What `createAgentCard` needs; the rest of an A2A v1.0 card gets its protocol defaults. */
export interface AgentCardOptions {
  readonly name: string;
  readonly description: string;
  /** Where the JSON-RPC handler is mounted, e.g. `http://127.0.0.1:8080/a2a/jsonrpc`. */
  readonly url: string;
  /** The agent's own version. Default: `1.0.0`. */
  readonly version?: string | undefined;
  readonly skills?: readonly AgentSkill[] | undefined;
  /** Media types the agent takes and gives. Default: `['text/plain']` each. */
  readonly inputModes?: readonly string[] | undefined;
  readonly outputModes?: readonly string[] | undefined;
}

/**
 * An A2A v1.0 agent card for an agent served with `createA2AExecutor`: one JSON-RPC interface at
 * `url`, streaming on (`SendStreamingMessage` and resubscribing need it), no push notifications,
 * no security schemes, and empty values for the rest of the card's required fields.
 *
 * @example
 * ```ts
 * import { createAgentCard } from 'tooltask/a2a';
 * const card = createAgentCard({
 *   name: 'reports',
 *   description: 'Builds reports; cancel stops the work',
 *   url: 'http://127.0.0.1:8080/a2a/jsonrpc',
 * });
 * card.capabilities?.streaming; // true
 * ```
 */
export function createAgentCard(options: AgentCardOptions): AgentCard {
  for (const key of ['name', 'description', 'url'] as const) {
    if (typeof options?.[key] !== 'string' || options[key] === '') {
      throw new InvalidArgumentError(`Expected \`${key}\` to be a non-empty string, got ${describe(options?.[key])}`);
    }
  }
  return {
    name: options.name,
    description: options.description,
    supportedInterfaces: [
      { url: options.url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_PROTOCOL_VERSION },
    ],
    provider: undefined,
    version: options.version ?? '1.0.0',
    capabilities: { streaming: true, pushNotifications: false, extensions: [], extendedAgentCard: false },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: [...(options.inputModes ?? ['text/plain'])],
    defaultOutputModes: [...(options.outputModes ?? ['text/plain'])],
    skills: [...(options.skills ?? [])],
    signatures: [],
  };
}
