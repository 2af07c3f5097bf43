import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Message, Part, SendMessageResult, StreamResponse, Task } from '@a2a-js/sdk';
import {
  type Client,
  ClientFactory,
  ClientFactoryOptions,
  JsonRpcTransportFactory,
  RestTransportFactory,
} from '@a2a-js/sdk/client';

import { message } from './a2aFixtures.js';

const agentScript = fileURLToPath(new URL('./a2aWireAgent.ts', import.meta.url));

/** The two transports of the official client the wire tests speak. */
export const TRANSPORTS = ['JSONRPC', 'HTTP+JSON'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

/** An agent in a child process (test/protocols/a2aWireAgent.ts) on a free loopback port. */
export interface WireAgent {
  readonly url: string;
  /** The official client over one transport. */
  client(transport: TransportName): Promise<Client>;
  close(): Promise<void>;
}

/** Starts an agent process; with `redis`, its tasks live in that Redis namespace. */
export async function startWireAgent(redis?: { readonly url: string; readonly namespace: string }): Promise<WireAgent> {
  const args = ['--import', 'tsx', agentScript, ...(redis === undefined ? [] : [redis.url, redis.namespace])];
  // The SDK logs what it refuses (a TaskNotFound, an ignored update) on stderr: kept, shown if the agent dies.
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  process.once('exit', () => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
    lines.on('line', (line) => {
      if (line.startsWith('listening ')) resolve(line.slice('listening '.length));
    });
    child.once('exit', (code) =>
      reject(new Error(`Expected the agent process to listen, it exited with ${code}:\n${stderr}`)),
    );
  });
  return {
    url,
    client: (transport) => {
      const factory = transport === 'JSONRPC' ? new JsonRpcTransportFactory() : new RestTransportFactory();
      const options = ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
        transports: [factory],
        preferredTransports: [transport],
      });
      return new ClientFactory(options).createFromUrl(url);
    },
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A user message with one text part; `taskId` continues a task, `contextId` names a conversation. */
export function userMessage(text: string, taskId = '', contextId = ''): Message {
  return { ...message(crypto.randomUUID(), text), taskId, contextId };
}

/** SendMessage (blocking) of one text; answers the task or message the agent gave. */
export function sendText(client: Client, text: string, taskId = '', contextId = ''): Promise<SendMessageResult> {
  return client.sendMessage({
    tenant: '',
    message: userMessage(text, taskId, contextId),
    configuration: undefined,
    metadata: undefined,
  });
}

/** SendStreamingMessage of one text, read to its end. */
export async function streamText(client: Client, text: string, taskId = ''): Promise<StreamResponse[]> {
  const events: StreamResponse[] = [];
  const stream = client.sendMessageStream({
    tenant: '',
    message: userMessage(text, taskId),
    configuration: undefined,
    metadata: undefined,
  });
  for await (const event of stream) events.push(event);
  return events;
}

/** The result of SendMessage as a Task; throws when the agent answered with a Message. */
export function asTask(result: SendMessageResult): Task {
  if (!('id' in result)) throw new Error(`Expected a Task, got a Message (${result.messageId})`);
  return result;
}

/** The text of the text parts, joined; `undefined` for no parts. */
export function textOf(parts: readonly Part[] | undefined): string | undefined {
  if (parts === undefined) return undefined;
  return parts.map((part) => (part.content?.$case === 'text' ? part.content.value : '')).join('');
}

/** Bytes 0..255, every byte value: what the agent's file parts hold, so a lossy encoding shows. */
export const BYTES: Uint8Array = Uint8Array.from({ length: 256 }, (_, index) => index);

/** The first raw-bytes part of `parts`: its bytes, filename and media type. */
export function fileOf(parts: readonly Part[]): { bytes: number[]; filename: string; mediaType: string } | undefined {
  const file = parts.find((part) => part.content?.$case === 'raw');
  if (file?.content?.$case !== 'raw') return undefined;
  return { bytes: [...file.content.value], filename: file.filename, mediaType: file.mediaType };
}
