import { TaskState } from '@a2a-js/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, type TaskManager } from '../../src/index.js';
import { A2ATaskStore, createA2AExecutor } from '../../src/protocols/a2a.js';
import { McpTaskStore } from '../../src/protocols/mcp.js';
import { FaultStore } from '../faultStore.js';
import { type Agent, send, startAgent } from './a2aFixtures.js';
import { asTask } from './a2aWire.js';

/** Every save takes 50 ms: an answer would go out before the store has it. */
const slowSaves = () => new FaultStore({ latency: (operation) => (operation === 'save' ? 50 : undefined) });

describe('MCP answers tasks/result once the store holds the result', () => {
  it('for a task still running when asked, and for one that ended but whose save is under way', async () => {
    const store = slowSaves();
    const tasks = createTaskManager({ store });
    const mcp = new McpTaskStore(tasks);
    for (const ended of [false, true]) {
      const { id } = await tasks.run(async () => ({ content: [{ type: 'text', text: 'done' }] }));
      if (ended) {
        await new Promise((resolve) => setImmediate(resolve));
        expect(tasks.peek(id)?.state).toBe('complete');
        expect(store.inner.load(id)?.state).toBe('running');
      }
      expect(await mcp.getTaskResult(id)).toEqual({ content: [{ type: 'text', text: 'done' }] });
      expect(store.inner.load(id)?.state).toBe('complete');
    }
    await tasks.dispose();
  });
});

/**
 * A blocking SendMessage answers once the store holds what it answers: behind a load balancer,
 * the client's next call may reach another agent sharing the store, which must read the same.
 * (Two agents on one Redis found this: A answered COMPLETED, B read WORKING.)
 */
describe('A2A answers once the store holds the answer', () => {
  const store = slowSaves();
  let tasks: TaskManager;
  let agent: Agent;

  beforeAll(async () => {
    tasks = createTaskManager({ store });
    const executor = createA2AExecutor(tasks, async ({ message, ask }) => {
      const text = message.parts[0]?.content?.$case === 'text' ? message.parts[0].content.value : '';
      if (text === 'ask') await ask({ message: 'which one?' });
      if (text === 'fail') throw new Error('no');
      return 'done';
    });
    agent = await startAgent(new A2ATaskStore(tasks), executor);
  });
  afterAll(async () => {
    await agent.close();
    await tasks.dispose();
  });

  const answer = async (text: string, taskId = '') => {
    return asTask(await agent.client.sendMessage(send(text, taskId)));
  };

  it.each([
    ['done', TaskState.TASK_STATE_COMPLETED, 'complete'],
    ['fail', TaskState.TASK_STATE_FAILED, 'failed'],
  ] as const)('%s: the store holds the final snapshot when the answer arrives', async (text, state, stored) => {
    const task = await answer(text);
    expect(task.status?.state).toBe(state);
    expect(store.inner.load(task.id)?.state).toBe(stored);
  });

  it('streaming: the store holds the final snapshot when the COMPLETED event arrives', async () => {
    let id = '';
    let stored: string | undefined;
    for await (const event of agent.client.sendMessageStream(send('done'))) {
      const payload = event.payload;
      if (payload?.$case === 'task') id = payload.value.id;
      if (payload?.$case === 'statusUpdate' && payload.value.status?.state === TaskState.TASK_STATE_COMPLETED) {
        stored = store.inner.load(id)?.state;
      }
    }
    expect(stored).toBe('complete');
  });

  it('INPUT_REQUIRED: the store holds the question when the answer arrives, then the end', async () => {
    const asked = await answer('ask');
    expect(asked.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    expect(store.inner.load(asked.id)?.awaiting).toBe('input');
    const done = await answer('this one', asked.id);
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(store.inner.load(asked.id)?.state).toBe('complete');
  });
});
