import { Role, TaskState } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { createTaskManager } from '../../src/index.js';
import { A2ATaskStore, createA2AExecutor, createAgentCard, toA2AState } from '../../src/protocols/a2a.js';
import { codeOf, describeEvent, readStream, send, startAgent } from './a2aFixtures.js';

const tasks = createTaskManager();
/** Every work's signal, by task id. */
const signals = new Map<string, AbortSignal>();
/** Lets a gated work take its next step, by task id. */
const gates = new Map<string, () => void>();
let client: Client;
let close: () => Promise<void>;

const executor = createA2AExecutor(tasks, async ({ id, message, signal, progress }) => {
  signals.set(id, signal);
  const text = message.parts[0]?.content?.$case === 'text' ? message.parts[0].content.value : '';
  const steps = Number(/steps=(\d+)/.exec(text)?.[1] ?? 3);
  const gated = text.includes('gated');
  for (let step = 1; step <= steps; step++) {
    await new Promise<void>((resolve, reject) => {
      gates.set(id, resolve);
      if (!gated) setTimeout(resolve, 2);
      signal.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
    progress(step / steps, `step ${step} of ${steps}`);
  }
  if (text.includes('fail')) throw new Error('out of tokens');
  return `did ${steps} steps`;
});

beforeAll(async () => {
  const agent = await startAgent(new A2ATaskStore(tasks), executor);
  client = agent.client;
  close = async () => {
    await agent.close();
    await tasks.dispose();
  };
});

afterAll(() => close());

/** Streams a message in the background; resolves the task id once the first event arrived. */
function stream(text: string) {
  const run = readStream(client.sendMessageStream(send(text)));
  return {
    get events() {
      return run.described();
    },
    id: run.id,
    done: run.done,
  };
}

describe('A2A bridge with the real @a2a-js/sdk client and server', () => {
  it('maps tooltask states to A2A task states', () => {
    expect(['pending', 'running', 'complete', 'failed', 'cancelled'].map((s) => toA2AState(s as never))).toEqual([
      TaskState.TASK_STATE_SUBMITTED,
      TaskState.TASK_STATE_WORKING,
      TaskState.TASK_STATE_COMPLETED,
      TaskState.TASK_STATE_FAILED,
      TaskState.TASK_STATE_CANCELED,
    ]);
  });

  it('streams a task: the task, a status update per progress, the result artifact, COMPLETED', async () => {
    const run = stream('steps=3');
    await run.done;
    expect(run.events).toEqual([
      expect.stringMatching(/^task:TASK_STATE_(SUBMITTED|WORKING):$/),
      'statusUpdate:TASK_STATE_WORKING:step 1 of 3',
      'statusUpdate:TASK_STATE_WORKING:step 2 of 3',
      'statusUpdate:TASK_STATE_WORKING:step 3 of 3',
      'artifact:did 3 steps',
      'statusUpdate:TASK_STATE_COMPLETED:',
    ]);
    const task = await client.getTask({ tenant: '', id: await run.id });
    expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(task.artifacts[0]?.parts[0]?.content).toEqual({ $case: 'text', value: 'did 3 steps' });
    expect(task.history[0]?.role).toBe(Role.ROLE_USER);
    expect((await tasks.get(task.id)).state).toBe('complete');
  });

  it('reports a throwing work as FAILED with its message', async () => {
    const run = stream('steps=1 fail');
    await run.done;
    expect(run.events.at(-1)).toBe('statusUpdate:TASK_STATE_FAILED:out of tokens');
    expect((await client.getTask({ tenant: '', id: await run.id })).status?.state).toBe(TaskState.TASK_STATE_FAILED);
  });

  it('CancelTask aborts the work and ends the stream with CANCELED', async () => {
    const run = stream('steps=5 gated');
    const id = await run.id;
    await expect.poll(() => gates.has(id)).toBe(true);
    gates.get(id)?.();
    await expect.poll(() => run.events.length).toBe(2);

    const cancelled = await client.cancelTask({ tenant: '', id, metadata: undefined });
    expect(cancelled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
    expect(signals.get(id)?.aborted).toBe(true);
    expect(signals.get(id)?.reason).toMatchObject({ name: 'TaskCancelledError' });
    await run.done;
    expect(run.events.at(-1)).toMatch(/^statusUpdate:TASK_STATE_CANCELED:/);
    expect((await tasks.get(id)).state).toBe('cancelled');
    // Cancelling again answers the cancelled task (the SDK's idempotent rule).
    expect((await client.cancelTask({ tenant: '', id, metadata: undefined })).status?.state).toBe(
      TaskState.TASK_STATE_CANCELED,
    );
  });

  it('answers TaskNotCancelable (-32002) for a finished task and TaskNotFound (-32001) for an unknown one', async () => {
    const run = stream('steps=1');
    await run.done;
    expect(await codeOf(client.cancelTask({ tenant: '', id: await run.id, metadata: undefined }))).toBe(-32002);
    expect(await codeOf(client.cancelTask({ tenant: '', id: 'no-such-task', metadata: undefined }))).toBe(-32001);
    expect(await codeOf(client.getTask({ tenant: '', id: 'no-such-task' }))).toBe(-32001);
  });

  it('resubscribing gives the current state first, then every later event, none lost', async () => {
    const run = stream('steps=5 gated');
    const id = await run.id;
    for (let step = 1; step <= 2; step++) {
      await expect.poll(() => gates.has(id)).toBe(true);
      const gate = gates.get(id);
      gates.delete(id);
      gate?.();
      await expect.poll(() => run.events.length).toBe(step + 1);
    }
    const resubscribed: string[] = [];
    const subscription = client.resubscribeTask({ tenant: '', id });
    const first = await subscription.next();
    expect(first.done).toBe(false);
    if (!first.done) resubscribed.push(describeEvent(first.value));
    expect(resubscribed[0]).toBe('task:TASK_STATE_WORKING:step 2 of 5');
    const rest = (async () => {
      for await (const event of subscription) resubscribed.push(describeEvent(event));
    })();
    for (let step = 3; step <= 5; step++) {
      await expect.poll(() => gates.has(id)).toBe(true);
      const gate = gates.get(id);
      gates.delete(id);
      gate?.();
    }
    await Promise.all([run.done, rest]);
    expect(resubscribed.slice(1)).toEqual([
      'statusUpdate:TASK_STATE_WORKING:step 3 of 5',
      'statusUpdate:TASK_STATE_WORKING:step 4 of 5',
      'statusUpdate:TASK_STATE_WORKING:step 5 of 5',
      'artifact:did 5 steps',
      'statusUpdate:TASK_STATE_COMPLETED:',
    ]);
    expect(run.events.slice(-5)).toEqual(resubscribed.slice(1));
  });

  it('lists tasks page by page with the manager cursor as pageToken', async () => {
    const seen = new Set<string>();
    let pageToken = '';
    do {
      const page = await client.listTasks({
        tenant: '',
        contextId: '',
        status: TaskState.TASK_STATE_UNSPECIFIED,
        pageSize: 2,
        pageToken,
        statusTimestampAfter: undefined,
      });
      expect(page.tasks.length).toBeLessThanOrEqual(2);
      for (const task of page.tasks) seen.add(task.id);
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(seen.size).toBe((await tasks.list()).length);
    const completed = await client.listTasks({
      tenant: '',
      contextId: '',
      status: TaskState.TASK_STATE_COMPLETED,
      pageSize: 100,
      pageToken: '',
      statusTimestampAfter: undefined,
    });
    expect(completed.tasks.every((task) => task.status?.state === TaskState.TASK_STATE_COMPLETED)).toBe(true);
    expect(completed.tasks.length).toBe((await tasks.list({ state: 'complete' })).length);
  });
});

describe('createAgentCard', () => {
  it('makes a v1.0 card the real SDK serves: one JSON-RPC interface, streaming on', () => {
    const card = createAgentCard({ name: 'n', description: 'd', url: 'http://127.0.0.1:1/a2a/jsonrpc' });
    expect(card.supportedInterfaces).toEqual([
      { url: 'http://127.0.0.1:1/a2a/jsonrpc', protocolBinding: 'JSONRPC', tenant: '', protocolVersion: '1.0' },
    ]);
    expect(card.capabilities).toMatchObject({ streaming: true, pushNotifications: false });
    expect(card.defaultInputModes).toEqual(['text/plain']);
  });

  it.each(['name', 'description', 'url'] as const)('refuses an empty %s with InvalidArgumentError', (key) => {
    const options = { name: 'n', description: 'd', url: 'http://x', [key]: '' };
    expect(() => createAgentCard(options)).toThrow(InvalidArgumentError);
    expect(() => createAgentCard(options)).toThrow(`Expected \`${key}\` to be a non-empty string, got \`""\` (string)`);
  });
});
