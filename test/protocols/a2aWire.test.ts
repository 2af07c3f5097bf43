import type { Client } from '@a2a-js/sdk/client';
import { TaskNotFoundError } from '@a2a-js/sdk/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendText, startWireAgent, TRANSPORTS, type WireAgent } from './a2aWire.js';

/**
 * tooltask's A2A adapter over the real wire: the agent runs in another process
 * (test/protocols/a2aWireAgent.ts) and the official `@a2a-js/sdk` client speaks to it over each of
 * its transports.
 */
let agent: WireAgent;
beforeAll(async () => {
  agent = await startWireAgent();
}, 30_000);
afterAll(() => agent?.close());

describe.each(TRANSPORTS)('A2A over %s to an agent in another process', (transport) => {
  let client: Client;
  beforeAll(async () => {
    client = await agent.client(transport);
  });

  it('answers TaskNotFound for an unknown id over 256 characters, on every call that takes one', async () => {
    const id = 'x'.repeat(300);
    await expect(client.getTask({ tenant: '', id })).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(client.cancelTask({ tenant: '', id, metadata: undefined })).rejects.toBeInstanceOf(TaskNotFoundError);
    const stream = client.resubscribeTask({ tenant: '', id });
    await expect(stream.next()).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(sendText(client, 'steps', id)).rejects.toBeInstanceOf(TaskNotFoundError);
  });
});
