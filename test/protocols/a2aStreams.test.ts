import { randomUUID } from 'node:crypto';
import { type Message, Role, type Task, TaskState } from '@a2a-js/sdk';
import { UnsupportedOperationError } from '@a2a-js/sdk/errors';
import {
  AgentEvent,
  type AgentExecutor,
  DefaultExecutionEventBus,
  ExecutionEventQueue,
  InMemoryTaskStore,
  RequestContext,
  ServerCallContext,
  type TaskStore,
} from '@a2a-js/sdk/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, type TaskManager } from '../../src/index.js';
import { A2ATaskStore, createA2AExecutor } from '../../src/protocols/a2a.js';
import {
  type Agent,
  artifact,
  codeOf,
  context,
  listRequest,
  message,
  readStream,
  send,
  startAgent,
  status,
  textOf,
} from './a2aFixtures.js';

/**
 * createA2AExecutor end to end, with the real SDK client and JSON-RPC server on loopback: lossless
 * streams, multi-turn input, and the protocol's errors. Each suite runs with the SDK's own
 * InMemoryTaskStore (the control) and with tooltask's A2ATaskStore.
 */
const KINDS = [
  ['the SDK InMemoryTaskStore (control)', (_tasks: TaskManager): TaskStore => new InMemoryTaskStore()],
  ['tooltask A2ATaskStore', (tasks: TaskManager): TaskStore => new A2ATaskStore(tasks)],
] as const;

const text = (m: Message | undefined) => textOf(m?.parts[0]) ?? '';

/** Releases the work of a `gated` task, by task id. */
const gates = new Map<string, () => void>();

function work(tasks: TaskManager) {
  return createA2AExecutor(tasks, async ({ id, message: first, progress, ask, signal }) => {
    const [command, argument] = text(first).split(' ');
    switch (command) {
      case 'sync': {
        const steps = Number(argument);
        for (let step = 1; step <= steps; step++) progress(step / steps, `step ${step}`);
        return 'done';
      }
      case 'half':
        progress(0.5, 'half');
        return 'done';
      case 'ask':
        return `trip to ${text(await ask({ message: 'Which city?' }))}`;
      case 'auth':
        return `signed in with ${text(await ask({ need: 'auth', message: 'Sign in' }))}`;
      case 'auth-then-ask': {
        const credential = text(await ask({ need: 'auth', message: 'Sign in' }));
        return `${credential}: ${text(await ask({ message: 'Which city?' }))}`;
      }
      case 'gated':
        await new Promise<void>((resolve, reject) => {
          gates.set(id, resolve);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
        return 'released';
      default:
        return `unknown ${command}`;
    }
  });
}

describe.each(KINDS)('createA2AExecutor end to end with %s', (_name, makeStore) => {
  const tasks = createTaskManager();
  let agent: Agent;

  beforeAll(async () => {
    agent = await startAgent(makeStore(tasks), work(tasks));
  });
  afterAll(async () => {
    await agent.close();
    await tasks.dispose();
  });

  describe('lossless streams', () => {
    it('publishes 1,000 progress calls made before the work first awaits, in order, none dropped', async () => {
      const run = readStream(agent.client.sendMessageStream(send('sync 1000')));
      await run.done;
      const described = run.described();
      expect(described).toHaveLength(1003);
      expect(described[0]).toMatch(/^task:TASK_STATE_(SUBMITTED|WORKING):$/);
      expect(described.slice(1, 1001)).toEqual(
        Array.from({ length: 1000 }, (_, i) => `statusUpdate:TASK_STATE_WORKING:step ${i + 1}`),
      );
      expect(described.slice(1001)).toEqual(['artifact:done', 'statusUpdate:TASK_STATE_COMPLETED:']);
      // The SDK's result manager copies the growing history twice per event: seconds, on a busy machine more.
    }, 60_000);

    it('starts the stream with a Task no newer than the events that follow it', async () => {
      const run = readStream(agent.client.sendMessageStream(send('half')));
      await run.done;
      expect(run.described()).toEqual([
        expect.stringMatching(/^task:TASK_STATE_(SUBMITTED|WORKING):$/),
        'statusUpdate:TASK_STATE_WORKING:half',
        'artifact:done',
        'statusUpdate:TASK_STATE_COMPLETED:',
      ]);
      const first = run.events[0]?.payload;
      expect(first?.$case === 'task' ? first.value.artifacts : undefined).toEqual([]);
    });
  });

  describe('multi-turn', () => {
    it('ends the first stream at INPUT_REQUIRED; the follow-up message answers the work, which completes', async () => {
      const first = readStream(agent.client.sendMessageStream(send('ask')));
      await first.done;
      expect(first.described().slice(1)).toEqual(['statusUpdate:TASK_STATE_INPUT_REQUIRED:Which city?']);
      const id = await first.id;

      const second = readStream(agent.client.sendMessageStream(send('Lisbon', id)));
      await second.done;
      const described = second.described();
      expect(described[0]).toBe('task:TASK_STATE_INPUT_REQUIRED:Which city?');
      expect(described[1]).toMatch(/^statusUpdate:TASK_STATE_WORKING:/);
      expect(described.slice(-2)).toEqual([
        'artifact:trip to Lisbon',
        expect.stringMatching(/^statusUpdate:TASK_STATE_COMPLETED:/),
      ]);

      const done = await agent.client.getTask({ tenant: '', id });
      expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(done.artifacts.map((a) => textOf(a.parts[0]))).toEqual(['trip to Lisbon']);
      const users = done.history.filter((m) => m.role === Role.ROLE_USER).map(text);
      expect(users).toEqual(['ask', 'Lisbon']);
      expect((await tasks.get(id)).state).toBe('complete');
    });

    it('answers with a blocking SendMessage too: the result is the completed task', async () => {
      const first = readStream(agent.client.sendMessageStream(send('ask')));
      await first.done;
      const result = (await agent.client.sendMessage(send('Porto', await first.id))) as Task;
      expect(result.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(result.artifacts.map((a) => textOf(a.parts[0]))).toEqual(['trip to Porto']);
    });

    it('goes on with the same stream when AUTH_REQUIRED is answered out of band (tasks.respond)', async () => {
      const first = readStream(agent.client.sendMessageStream(send('auth')));
      const id = await first.id;
      await expect.poll(() => tasks.peek(id)?.awaiting).toBe('auth');
      const [key] = Object.keys(tasks.peek(id)?.inputRequests ?? {});
      await tasks.respond(id, { [key ?? '']: message('cred', 'a token') });
      await first.done;
      expect(first.described().slice(1, 2)).toEqual(['statusUpdate:TASK_STATE_AUTH_REQUIRED:Sign in']);
      expect(first.described().slice(-2)).toEqual([
        'artifact:signed in with a token',
        expect.stringMatching(/^statusUpdate:TASK_STATE_COMPLETED:/),
      ]);
    });

    it('refuses a message to a finished task with UnsupportedOperation (-32004)', async () => {
      const run = readStream(agent.client.sendMessageStream(send('half')));
      await run.done;
      expect(await codeOf(agent.client.sendMessage(send('more', await run.id)))).toBe(-32004);
    });
  });

  describe('cancel and resubscribe (ported from the request handler suite)', () => {
    it('cancels a task that waits for input: its ask() rejects, the work stops, CANCELED', async () => {
      const first = readStream(agent.client.sendMessageStream(send('ask')));
      await first.done;
      const id = await first.id;
      const cancelled = await agent.client.cancelTask({ tenant: '', id, metadata: undefined });
      expect(cancelled.status?.state).toBe(TaskState.TASK_STATE_CANCELED);
      expect((await tasks.get(id)).state).toBe('cancelled');
    });

    it('gives two resubscribers the same events, the current task first', async () => {
      const run = readStream(agent.client.sendMessageStream(send('gated')));
      const id = await run.id;
      await expect.poll(() => gates.has(id)).toBe(true);
      const a = readStream(agent.client.resubscribeTask({ tenant: '', id }));
      const b = readStream(agent.client.resubscribeTask({ tenant: '', id }));
      await expect.poll(() => a.events.length + b.events.length).toBe(2);
      gates.get(id)?.();
      await Promise.all([run.done, a.done, b.done]);
      expect(a.described()).toEqual([
        'task:TASK_STATE_WORKING:',
        'artifact:released',
        'statusUpdate:TASK_STATE_COMPLETED:',
      ]);
      expect(b.described()).toEqual(a.described());
    });

    it("refuses a follow-up whose contextId is not the task's (-32602)", async () => {
      const first = readStream(agent.client.sendMessageStream(send('ask')));
      await first.done;
      const request = send('Lisbon', await first.id);
      request.message = { ...(request.message as Message), contextId: 'another-context' };
      expect(await codeOf(agent.client.sendMessage(request))).toBe(-32602);
    });
  });

  describe('protocol details', () => {
    it('ListTasks: an empty statusTimestampAfter filters nothing; a page token never given is -32602', async () => {
      const page = await agent.client.listTasks(listRequest({ statusTimestampAfter: '', pageSize: 100 }));
      expect(page.tasks.length).toBeGreaterThan(0);
      expect(await codeOf(agent.client.listTasks(listRequest({ pageToken: 'nope' })))).toBe(-32602);
    });

    it("keeps a tenant's task in that tenant: found there, -32001 elsewhere, listed there only", async () => {
      const run = readStream(agent.client.sendMessageStream(send('half', '', 'acme')));
      await run.done;
      const id = await run.id;
      expect((await agent.client.getTask({ tenant: 'acme', id })).status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(await codeOf(agent.client.getTask({ tenant: '', id }))).toBe(-32001);
      const listed = await agent.client.listTasks(listRequest({ tenant: 'acme' }));
      expect(listed.tasks.map((t) => t.id)).toEqual([id]);
    });

    it("answers TaskNotFound (-32001) for another tenant's task", async () => {
      const run = readStream(agent.client.sendMessageStream(send('half')));
      await run.done;
      const id = await run.id;
      expect((await agent.client.getTask({ tenant: '', id })).id).toBe(id);
      expect(await codeOf(agent.client.getTask({ tenant: 'other', id }))).toBe(-32001);
    });
  });
});

/** What the SDK store cannot do (it takes any message to a live task), so no control runs. */
describe('createA2AExecutor end to end with A2ATaskStore only', () => {
  const tasks = createTaskManager();
  let agent: Agent;

  beforeAll(async () => {
    agent = await startAgent(new A2ATaskStore(tasks), work(tasks));
  });
  afterAll(async () => {
    await agent.close();
    await tasks.dispose();
  });

  it('refuses a message to a task that waits for nothing (-32004) and leaves it as it was', async () => {
    const run = readStream(agent.client.sendMessageStream(send('gated')));
    const id = await run.id;
    await expect.poll(() => gates.has(id)).toBe(true);
    const before = await tasks.get(id);
    expect(await codeOf(agent.client.sendMessage(send('interrupting', id)))).toBe(-32004);
    const after = await tasks.get(id);
    expect(after.seq).toBe(before.seq);
    expect(after.state).toBe('running');
    gates.get(id)?.();
    await run.done;
    expect(run.described().slice(-2)).toEqual(['artifact:released', 'statusUpdate:TASK_STATE_COMPLETED:']);
    const done = await agent.client.getTask({ tenant: '', id });
    expect(done.history.filter((m) => m.role === Role.ROLE_USER).map(text)).toEqual(['gated']);
  });

  it('takes one of two racing answers; the other is refused (-32004)', async () => {
    const first = readStream(agent.client.sendMessageStream(send('ask')));
    await first.done;
    const id = await first.id;
    const codes = await Promise.all([
      codeOf(agent.client.sendMessage(send('Lisbon', id))),
      codeOf(agent.client.sendMessage(send('Porto', id))),
    ]);
    expect(codes.filter((code) => code === undefined)).toHaveLength(1);
    expect(codes.filter((code) => code === -32004)).toHaveLength(1);
    const winner = codes[0] === undefined ? 'Lisbon' : 'Porto';
    expect((await tasks.wait(id)).result).toBe(`trip to ${winner}`);
    const done = await agent.client.getTask({ tenant: '', id });
    expect(done.history.filter((m) => m.role === Role.ROLE_USER).map(text)).toEqual(['ask', winner]);
  });

  it('refuses a second answer the store takes before the executor gave the first to the work', async () => {
    const first = readStream(agent.client.sendMessageStream(send('ask')));
    await first.done;
    const id = await first.id;
    // What DefaultRequestHandler does for each follow-up before it runs the executor: load, append, save.
    const store = new A2ATaskStore(tasks);
    const asked = (await store.load(id, context())) as Task;
    await store.save({ ...asked, history: [...asked.history, message('answer-1', 'Lisbon')] }, context());
    await expect(
      store.save({ ...asked, history: [...asked.history, message('answer-2', 'Porto')] }, context()),
    ).rejects.toBeInstanceOf(UnsupportedOperationError);
    await tasks.cancel(id);
  });

  it('ends the AUTH_REQUIRED stream cleanly when a follow-up message answers it', async () => {
    const first = readStream(agent.client.sendMessageStream(send('auth')));
    const id = await first.id;
    await expect.poll(() => first.described().length).toBe(2);
    const second = readStream(agent.client.sendMessageStream(send('a token', id)));
    await Promise.all([first.done, second.done]);
    expect(first.described()).toEqual([
      expect.stringMatching(/^task:/),
      'statusUpdate:TASK_STATE_AUTH_REQUIRED:Sign in',
    ]);
    expect(second.described()[0]).toBe('task:TASK_STATE_AUTH_REQUIRED:Sign in');
    expect(second.described().slice(-2)).toEqual([
      'artifact:signed in with a token',
      expect.stringMatching(/^statusUpdate:TASK_STATE_COMPLETED:/),
    ]);
  });
});

/** An executor that is not createA2AExecutor: it publishes artifacts, rich status messages and metadata itself. */
const handWritten: AgentExecutor = {
  execute: async (request, bus) => {
    const { taskId, contextId } = request;
    bus.publish(
      AgentEvent.task({
        id: taskId,
        contextId,
        status: status(TaskState.TASK_STATE_SUBMITTED),
        artifacts: [],
        history: [],
        metadata: { source: 'hand-written' },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1));
    const working = {
      ...message('m-work', '', Role.ROLE_AGENT),
      taskId,
      contextId,
      parts: [
        {
          content: { $case: 'data' as const, value: { pages: 3 } },
          mediaType: 'application/json',
          filename: '',
          metadata: undefined,
        },
      ],
    };
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: status(TaskState.TASK_STATE_WORKING, working),
        metadata: {},
      }),
    );
    for (const [id, name] of [
      ['outline', 'Outline'],
      ['report', 'Final report'],
    ] as const) {
      bus.publish(
        AgentEvent.artifactUpdate({
          taskId,
          contextId,
          artifact: { ...artifact(id, `${name} body`), name },
          append: false,
          lastChunk: true,
          metadata: {},
        }),
      );
    }
    const done = { ...message('m-done', 'all written', Role.ROLE_AGENT), taskId, contextId };
    bus.publish(
      AgentEvent.statusUpdate({
        taskId,
        contextId,
        status: status(TaskState.TASK_STATE_COMPLETED, done),
        metadata: {},
      }),
    );
  },
  cancelTask: async () => {},
};

describe.each(KINDS)('a hand-written executor with %s', (_name, makeStore) => {
  const tasks = createTaskManager();
  let agent: Agent;

  beforeAll(async () => {
    agent = await startAgent(makeStore(tasks), handWritten);
  });
  afterAll(async () => {
    await agent.close();
    await tasks.dispose();
  });

  it('keeps its artifacts, ids and names, its status messages whole, and its metadata', async () => {
    const result = (await agent.client.sendMessage(send('write'))) as Task;
    const read = await agent.client.getTask({ tenant: '', id: result.id });
    for (const task of [result, read]) {
      expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(task.status?.message?.messageId).toBe('m-done');
      expect(task.artifacts.map((a) => [a.artifactId, a.name, textOf(a.parts[0])])).toEqual([
        ['outline', 'Outline', 'Outline body'],
        ['report', 'Final report', 'Final report body'],
      ]);
      expect(task.metadata).toEqual({ source: 'hand-written' });
    }
    expect(read.history.map((m) => m.messageId).slice(1)).toEqual(['m-work', 'm-done']);
    expect(read.history[1]?.parts[0]?.content).toEqual({ $case: 'data', value: { pages: 3 } });
  });
});

/** The SDK's event-queue suite (execution_event_queue.spec.ts), ported onto createA2AExecutor's bus. */
describe("the SDK's ExecutionEventQueue on createA2AExecutor's bus", () => {
  const tasks = createTaskManager();
  const executor = work(tasks);
  afterAll(() => tasks.dispose());

  async function drain(queue: ExecutionEventQueue): Promise<string[]> {
    const seen: string[] = [];
    for await (const event of queue.events()) {
      const state = event.kind === 'statusUpdate' || event.kind === 'task' ? event.data.status?.state : undefined;
      seen.push(`${event.kind}:${state === undefined ? '' : TaskState[state]}`);
    }
    return seen;
  }

  function start(command: string) {
    const bus = new DefaultExecutionEventBus();
    const queue = new ExecutionEventQueue(bus);
    const taskId = randomUUID();
    const request = send(command);
    const executed = executor.execute(new RequestContext(request, taskId, randomUUID(), new ServerCallContext()), bus);
    return { bus, queue, taskId, executed };
  }

  async function answerOutOfBand(id: string, text: string): Promise<void> {
    await expect.poll(() => tasks.peek(id)?.awaiting).toBeDefined();
    const [key] = Object.keys(tasks.peek(id)?.inputRequests ?? {});
    await tasks.respond(id, { [key ?? '']: message(randomUUID(), text) });
  }

  it('keeps draining past AUTH_REQUIRED, then stops on INPUT_REQUIRED', async () => {
    const { queue, taskId, executed } = start('auth-then-ask');
    const drained = drain(queue);
    await answerOutOfBand(taskId, 'token');
    expect(await drained).toEqual([
      expect.stringMatching(/^task:/),
      'statusUpdate:TASK_STATE_AUTH_REQUIRED',
      'statusUpdate:TASK_STATE_WORKING',
      'statusUpdate:TASK_STATE_INPUT_REQUIRED',
    ]);
    await executed;
    await answerOutOfBand(taskId, 'Lisbon');
    expect((await tasks.wait(taskId)).result).toBe('token: Lisbon');
  });

  it('stops on the terminal state after AUTH_REQUIRED', async () => {
    const { queue, taskId, executed } = start('auth');
    const drained = drain(queue);
    await answerOutOfBand(taskId, 'token');
    expect(await drained).toEqual([
      expect.stringMatching(/^task:/),
      'statusUpdate:TASK_STATE_AUTH_REQUIRED',
      'statusUpdate:TASK_STATE_WORKING',
      'artifactUpdate:',
      'statusUpdate:TASK_STATE_COMPLETED',
    ]);
    await executed;
  });

  it('stops when the bus finishes', async () => {
    const { bus, queue, taskId } = start('gated');
    await expect.poll(() => gates.has(taskId)).toBe(true);
    bus.finished();
    expect(await drain(queue)).toEqual(['task:TASK_STATE_WORKING']);
    gates.get(taskId)?.();
    expect((await tasks.wait(taskId)).state).toBe('complete');
  });
});
