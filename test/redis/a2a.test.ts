import { type StreamResponse, TaskState } from '@a2a-js/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, type TaskManager } from '../../src/index.js';
import { A2ATaskStore, createA2AEventBusManager, createA2AExecutor } from '../../src/protocols/a2a.js';
import { redisStore } from '../../src/redis/index.js';
import { type Agent, readStream, send, startAgent } from '../protocols/a2aFixtures.js';
import {
  asTask,
  BYTES,
  fileOf,
  sendText,
  startWireAgent,
  streamText,
  TRANSPORTS,
  type WireAgent,
} from '../protocols/a2aWire.js';
import { freshNamespace, reapNow } from './fixtures.js';
import { hasRedis, type RedisServer, startRedis } from './server.js';

describe.skipIf(!hasRedis())('A2A across two agents on one Redis', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('SubscribeToTask on B streams the task A runs, to its end', async () => {
    const redis = await startRedis();
    cleanup.push(() => redis.close());
    const namespace = freshNamespace();
    const agents: Agent[] = [];
    const managers: TaskManager[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (let index = 0; index < 2; index++) {
      const store = redisStore({ url: redis.url, namespace, lease: 2000 });
      const tasks = createTaskManager({ store });
      cleanup.push(() => tasks.dispose());
      await store.cluster.start();
      const executor = createA2AExecutor(tasks, async ({ progress }) => {
        progress(0.5, 'half');
        await gate;
        progress(0.9, 'almost');
        return 'done';
      });
      const agent = await startAgent(new A2ATaskStore(tasks), executor, createA2AEventBusManager(tasks));
      cleanup.push(() => agent.close());
      agents.push(agent);
      managers.push(tasks);
    }
    const [a, b] = agents as [Agent, Agent];
    const onA = readStream(a.client.sendMessageStream(send('go')));
    const id = await onA.id;
    const onB = readStream(b.client.resubscribeTask({ tenant: '', id }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await Promise.all([onA.done, onB.done]);
    // The task as B loaded it, then every change A's chart made, then the end.
    expect(onB.described().map((event) => event.split(':').slice(0, 2).join(':'))).toEqual([
      'task:TASK_STATE_WORKING',
      'statusUpdate:TASK_STATE_WORKING',
      'artifact:done',
      'statusUpdate:TASK_STATE_COMPLETED',
    ]);
    expect(onB.described()[1]).toBe('statusUpdate:TASK_STATE_WORKING:almost');
    expect(onA.described().at(-1)).toMatch(/^statusUpdate:TASK_STATE_COMPLETED:/);
  }, 30_000);

  it('never answers COMPLETED for a task the store ended as lost while its agent was cut off', async () => {
    const redis = await startRedis();
    cleanup.push(() => redis.close());
    const namespace = freshNamespace();
    // A lease long enough that A learns of its lapse only from its refused write.
    const storeA = redisStore({ url: redis.url, namespace, lease: 60_000 });
    const storeB = redisStore({ url: redis.url, namespace, lease: 2000 });
    const a = createTaskManager({ store: storeA });
    const b = createTaskManager({ store: storeB });
    cleanup.push(
      () => a.dispose(),
      () => b.dispose(),
    );
    let finish: () => void = () => {};
    let started: () => void = () => {};
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const executor = createA2AExecutor(
      a,
      () =>
        new Promise<string>((resolve) => {
          finish = () => resolve('done');
          started();
        }),
    );
    const agent = await startAgent(new A2ATaskStore(a), executor, createA2AEventBusManager(a));
    cleanup.push(() => agent.close());
    const answered = agent.client.sendMessage(send('go')).then(
      (reply) => ({ reply }),
      (error: unknown) => ({ error }),
    );
    await running;
    await storeB.cluster.start();
    await reapNow(redis.url, namespace, storeA, storeB);
    finish();
    const outcome = await answered;
    // The call fails (the store refused the work's end); what every agent reads is the store's.
    expect(outcome).toMatchObject({ error: expect.objectContaining({ message: expect.stringMatching(/lost/) }) });
    const [task] = await b.list();
    expect(task).toMatchObject({ state: 'failed', error: expect.objectContaining({ name: 'TaskLostError' }) });
  }, 30_000);
});

describe.skipIf(!hasRedis())('A2A over both wires, two agent processes on one Redis', () => {
  let redis: RedisServer;
  let a: WireAgent;
  let b: WireAgent;
  beforeAll(async () => {
    redis = await startRedis();
    const namespace = freshNamespace();
    [a, b] = await Promise.all([
      startWireAgent({ url: redis.url, namespace }),
      startWireAgent({ url: redis.url, namespace }),
    ]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await redis?.close();
  });

  describe.each(TRANSPORTS)('over %s', (transport) => {
    it("gives B the raw bytes of A's file parts, made by a work and saved through the store", async () => {
      const [onA, onB] = await Promise.all([a.client(transport), b.client(transport)]);
      for (const text of ['bytes', 'sdk-bytes']) {
        const done = asTask(await sendText(onA, text));
        expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
        const read = await onB.getTask({ tenant: '', id: done.id });
        expect(read.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
        const parts = read.artifacts.flatMap((artifact) => artifact.parts);
        expect(fileOf(parts)).toEqual({
          bytes: [...BYTES],
          filename: 'bytes.bin',
          mediaType: 'application/octet-stream',
        });
      }
    });

    it('resubscribing on B to a task A stored and no work drives gives its snapshot, then closes', async () => {
      const [onA, onB] = await Promise.all([a.client(transport), b.client(transport)]);
      const made = await streamText(onA, 'abandon');
      const id = made[0]?.payload?.$case === 'task' ? made[0].payload.value.id : '';
      const events: StreamResponse[] = [];
      for await (const event of onB.resubscribeTask({ tenant: '', id })) events.push(event);
      expect(events.map((event) => event.payload?.$case)).toEqual(['task']);
    });
  });
});
