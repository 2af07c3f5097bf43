import { Role, TaskState } from '@a2a-js/sdk';
import { RequestMalformedError } from '@a2a-js/sdk/errors';
import { AgentEvent, ResultManager, type ServerCallContext, type TaskStore } from '@a2a-js/sdk/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors.js';
import { createTaskManager } from '../../src/index.js';
import { A2ATaskStore, createA2AExecutor, toA2ATask } from '../../src/protocols/a2a.js';
import {
  artifact,
  context,
  listRequest,
  message,
  STORES,
  type StoreUnderTest,
  status,
  task,
  textOf,
  textPart,
} from './a2aFixtures.js';

/**
 * The A2A JS SDK's store suites (resource_scoping.spec.ts, result_manager.spec.ts), ported: each
 * case runs against the SDK's InMemoryTaskStore (the control) and tooltask's A2ATaskStore, driven
 * directly and through the SDK's own ResultManager, as DefaultRequestHandler drives a store.
 */
describe.each(STORES)('A2A store contract: %s', (_name, make) => {
  let subject: StoreUnderTest;
  let store: TaskStore;
  let ctx: ServerCallContext;

  beforeEach(() => {
    subject = make();
    store = subject.store;
    ctx = context();
  });
  afterEach(() => subject.dispose());

  const ids = async (id: string, on: ServerCallContext = ctx) =>
    ((await store.load(id, on))?.history ?? []).map((m) => m.messageId);

  describe('scoping per tenant and owner', () => {
    const completed = (id: string, contextId = 'ctx-1') =>
      task(id, contextId, { status: status(TaskState.TASK_STATE_COMPLETED) });

    it('saves and loads a task without a tenant, and with one', async () => {
      await store.save(completed('task-1'), ctx);
      await store.save(completed('task-1'), context('tenant-A'));
      expect((await store.load('task-1', ctx))?.id).toBe('task-1');
      expect((await store.load('task-1', context('tenant-A')))?.id).toBe('task-1');
    });

    it('hides a task from another tenant, which may use its id for its own', async () => {
      await store.save(completed('task-1', 'ctx-A'), context('tenant-A'));
      expect(await store.load('task-1', context('tenant-B'))).toBeUndefined();
      await store.save(completed('task-1', 'ctx-B'), context('tenant-B'));
      expect((await store.load('task-1', context('tenant-A')))?.contextId).toBe('ctx-A');
      expect((await store.load('task-1', context('tenant-B')))?.contextId).toBe('ctx-B');
    });

    it('lists only the tasks of the caller tenant, the global scope apart', async () => {
      await store.save(completed('task-a1'), context('tenant-A'));
      await store.save(completed('task-a2'), context('tenant-A'));
      await store.save(completed('task-b1'), context('tenant-B'));
      await store.save(completed('global-task'), ctx);
      const list = async (on: ServerCallContext) => (await store.list(listRequest(), on)).tasks.map((t) => t.id).sort();
      expect(await list(context('tenant-A'))).toEqual(['task-a1', 'task-a2']);
      expect(await list(context('tenant-B'))).toEqual(['task-b1']);
      expect(await list(ctx)).toEqual(['global-task']);
    });

    it('keeps owners apart, within a tenant and across tenants', async () => {
      await store.save(completed('task-1', 'ctx-alice'), context(undefined, 'alice'));
      expect(await store.load('task-1', context(undefined, 'bob'))).toBeUndefined();
      await store.save(completed('task-1', 'ctx-bob'), context(undefined, 'bob'));
      expect((await store.load('task-1', context(undefined, 'alice')))?.contextId).toBe('ctx-alice');
      expect((await store.load('task-1', context(undefined, 'bob')))?.contextId).toBe('ctx-bob');
      await store.save(completed('task-2'), context('tenant-1', 'alice'));
      expect(await store.load('task-2', context('tenant-1', 'bob'))).toBeUndefined();
      expect(await store.load('task-2', context('tenant-2', 'alice'))).toBeUndefined();
      expect(await store.load('task-2', context('tenant-1', 'alice'))).toBeDefined();
      expect((await store.list(listRequest(), context(undefined, 'charlie'))).tasks).toEqual([]);
    });

    it('takes a custom owner resolver', async () => {
      const shared = make(() => 'shared-scope');
      try {
        await shared.store.save(completed('task-1'), context(undefined, 'alice'));
        expect(await shared.store.load('task-1', context(undefined, 'bob'))).toBeDefined();
      } finally {
        await shared.dispose();
      }
    });
  });

  describe('what a save keeps, a load gives back', () => {
    it('keeps history, artifacts with ids and names, metadata, and the whole status message', async () => {
      const question = {
        ...message('agent-q', '', Role.ROLE_AGENT),
        parts: [
          {
            content: { $case: 'data' as const, value: { form: ['city'] } },
            mediaType: 'application/json',
            filename: '',
            metadata: undefined,
          },
        ],
      };
      const saved = task('task-full', 'ctx-full', {
        status: status(TaskState.TASK_STATE_INPUT_REQUIRED, question),
        history: [message('user-1', 'plan a trip'), message('agent-1', 'on it', Role.ROLE_AGENT), question],
        artifacts: [artifact('draft', 'day 1'), { ...artifact('map', 'route'), name: 'Route map' }],
        metadata: { priority: 'high', nested: { n: 1 } },
      });
      await store.save(saved, ctx);
      const loaded = await store.load('task-full', ctx);
      expect(loaded?.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
      expect(loaded?.status?.message).toEqual(question);
      expect(loaded?.history).toEqual(saved.history);
      expect(loaded?.artifacts).toEqual(saved.artifacts);
      expect(loaded?.metadata).toEqual({ priority: 'high', nested: { n: 1 } });
    });

    it('answers the latest status message, and a COMPLETED one', async () => {
      await store.save(
        task('task-msg', 'c', {
          status: status(TaskState.TASK_STATE_WORKING, message('m1', 'reading', Role.ROLE_AGENT)),
        }),
        ctx,
      );
      await store.save(
        task('task-msg', 'c', {
          status: status(TaskState.TASK_STATE_WORKING, message('m2', 'writing', Role.ROLE_AGENT)),
        }),
        ctx,
      );
      expect(textOf((await store.load('task-msg', ctx))?.status?.message?.parts[0])).toBe('writing');
      await store.save(
        task('task-msg', 'c', {
          status: status(TaskState.TASK_STATE_COMPLETED, message('m3', 'done', Role.ROLE_AGENT)),
        }),
        ctx,
      );
      const done = await store.load('task-msg', ctx);
      expect(done?.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(done?.status?.message?.messageId).toBe('m3');
    });

    it('copies on the way in and out: changing a saved or loaded task changes no later load', async () => {
      const saved = task('task-copy', 'c', { history: [message('user-1', 'original')], metadata: { v: 1 } });
      await store.save(saved, ctx);
      saved.history[0] = message('user-1', 'changed after save');
      (saved.metadata as { v: number }).v = 2;
      const first = await store.load('task-copy', ctx);
      expect(textOf(first?.history[0]?.parts[0])).toBe('original');
      if (first?.history[0]?.parts[0])
        first.history[0].parts[0].content = { $case: 'text', value: 'changed after load' };
      first?.history.push(message('user-2', 'pushed after load'));
      const second = await store.load('task-copy', ctx);
      expect(second?.history.map((m) => textOf(m.parts[0]))).toEqual(['original']);
      expect(second?.metadata).toEqual({ v: 1 });
    });
  });

  describe('ListTasks details', () => {
    it('treats an empty statusTimestampAfter as no filter', async () => {
      await store.save(task('t1', 'c'), ctx);
      expect((await store.list(listRequest({ statusTimestampAfter: '' }), ctx)).tasks).toHaveLength(1);
    });

    it('gives no page token when no further task matches the filter', async () => {
      await store.save(task('w1', 'c', { status: status(TaskState.TASK_STATE_WORKING) }), ctx);
      await store.save(task('w2', 'c', { status: status(TaskState.TASK_STATE_WORKING) }), ctx);
      await store.save(task('done', 'c', { status: status(TaskState.TASK_STATE_COMPLETED) }), ctx);
      const page = await store.list(listRequest({ status: TaskState.TASK_STATE_WORKING, pageSize: 2 }), ctx);
      expect(page.tasks.map((t) => t.id).sort()).toEqual(['w1', 'w2']);
      expect(page.nextPageToken).toBe('');
    });

    it('walks every task page by page', async () => {
      for (let i = 0; i < 5; i++) await store.save(task(`p${i}`, 'c'), ctx);
      const seen: string[] = [];
      let pageToken = '';
      do {
        const page = await store.list(listRequest({ pageSize: 2, pageToken }), ctx);
        seen.push(...page.tasks.map((t) => t.id));
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      expect(seen.sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    });

    it('refuses a page token it never gave with RequestMalformedError (-32602)', async () => {
      await store.save(task('t1', 'c'), ctx);
      await expect(store.list(listRequest({ pageToken: 'nope' }), ctx)).rejects.toBeInstanceOf(RequestMalformedError);
    });
  });

  describe("through the SDK's ResultManager", () => {
    it('persists a new task and adds the latest user message to its history', async () => {
      const rm = new ResultManager(store, ctx);
      rm.setContext(message('user-1', 'hello'));
      await rm.processEvent(AgentEvent.task(task('task-1', 'ctx-1')));
      expect(await ids('task-1')).toEqual(['user-1']);
    });

    it('keeps the persisted history when a follow-up Task event has none, and adds the new user message', async () => {
      await store.save(
        task('task-multi', 'ctx-multi', {
          status: status(TaskState.TASK_STATE_INPUT_REQUIRED),
          history: [message('user-1', 'first'), message('agent-1', 'please clarify', Role.ROLE_AGENT)],
        }),
        ctx,
      );
      const rm = new ResultManager(store, ctx);
      rm.setContext(message('user-2', 'the answer'));
      await rm.processEvent(
        AgentEvent.task(task('task-multi', 'ctx-multi', { status: status(TaskState.TASK_STATE_WORKING) })),
      );
      expect((await store.load('task-multi', ctx))?.status?.state).toBe(TaskState.TASK_STATE_WORKING);
      expect((await ids('task-multi')).sort()).toEqual(['agent-1', 'user-1', 'user-2']);
    });

    it('adds new artifacts to the persisted ones, and overlays one with the same id', async () => {
      await store.save(
        task('task-art', 'c', {
          history: [message('user-1', 'go')],
          artifacts: [artifact('keep', 'keep me'), artifact('shared', 'old content')],
          status: status(TaskState.TASK_STATE_INPUT_REQUIRED),
        }),
        ctx,
      );
      const rm = new ResultManager(store, ctx);
      rm.setContext(message('user-2', 'continue'));
      await rm.processEvent(
        AgentEvent.task(
          task('task-art', 'c', {
            artifacts: [artifact('shared', 'new content'), artifact('new', 'newly added')],
            status: status(TaskState.TASK_STATE_WORKING),
          }),
        ),
      );
      const saved = await store.load('task-art', ctx);
      expect(saved?.artifacts.map((a) => a.artifactId)).toEqual(['keep', 'shared', 'new']);
      expect(textOf(saved?.artifacts[1]?.parts[0])).toBe('new content');
    });

    it('lets the executor replace the history, and merges metadata with the new values winning', async () => {
      await store.save(
        task('task-meta', 'c', {
          history: [message('stale-1', 'old')],
          metadata: { keep: 'persisted', shared: 'old' },
          status: status(TaskState.TASK_STATE_INPUT_REQUIRED),
        }),
        ctx,
      );
      const rm = new ResultManager(store, ctx);
      rm.setContext(message('user-2', 'next'));
      await rm.processEvent(
        AgentEvent.task(
          task('task-meta', 'c', {
            history: [message('fresh-1', 'rewritten', Role.ROLE_AGENT)],
            metadata: { shared: 'new', extra: 'added' },
            status: status(TaskState.TASK_STATE_WORKING),
          }),
        ),
      );
      expect((await ids('task-meta')).sort()).toEqual(['fresh-1', 'user-2']);
      expect((await store.load('task-meta', ctx))?.metadata).toEqual({
        keep: 'persisted',
        shared: 'new',
        extra: 'added',
      });
    });

    it('keeps a two-turn conversation: the question, the answer, then the artifact and COMPLETED', async () => {
      const turn1 = new ResultManager(store, ctx);
      turn1.setContext(message('user-1', 'tell me a movie'));
      await turn1.processEvent(AgentEvent.task(task('movie', 'ctx-movie')));
      await turn1.processEvent(
        AgentEvent.statusUpdate({
          taskId: 'movie',
          contextId: 'ctx-movie',
          status: status(TaskState.TASK_STATE_INPUT_REQUIRED, message('agent-1', 'which genre?', Role.ROLE_AGENT)),
          metadata: {},
        }),
      );
      const asked = await store.load('movie', ctx);
      expect(asked?.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
      expect(asked?.history.map((m) => m.messageId)).toEqual(['user-1', 'agent-1']);

      const turn2 = new ResultManager(store, ctx);
      turn2.setContext(message('user-2', 'sci-fi'));
      await turn2.processEvent(
        AgentEvent.task(task('movie', 'ctx-movie', { status: status(TaskState.TASK_STATE_WORKING) })),
      );
      await turn2.processEvent(
        AgentEvent.artifactUpdate({
          taskId: 'movie',
          contextId: 'ctx-movie',
          artifact: artifact('movie-rec', 'Blade Runner'),
          append: false,
          lastChunk: true,
          metadata: {},
        }),
      );
      await turn2.processEvent(
        AgentEvent.statusUpdate({
          taskId: 'movie',
          contextId: 'ctx-movie',
          status: status(TaskState.TASK_STATE_COMPLETED),
          metadata: {},
        }),
      );
      const done = await store.load('movie', ctx);
      expect(done?.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect((await ids('movie')).sort()).toEqual(['agent-1', 'user-1', 'user-2']);
      expect(done?.artifacts.map((a) => a.artifactId)).toEqual(['movie-rec']);
      expect(done?.artifacts[0]?.name).toBe('movie-rec');
    });

    it('keeps nothing of an event payload changed after it was processed', async () => {
      const rm = new ResultManager(store, ctx);
      rm.setContext(message('user-1', 'hi'));
      const shared = artifact('art-1', 'original content');
      const event = task('task-mutate', 'c', { artifacts: [shared], metadata: { agentVersion: 'v1' } });
      await rm.processEvent(AgentEvent.task(event));
      shared.name = 'mutated-name';
      shared.parts[0] = textPart('mutated content');
      (event.metadata as { agentVersion: string }).agentVersion = 'v999';
      event.history.push(message('injected', 'should not appear'));
      const statusMessage = message('agent-1', 'thinking', Role.ROLE_AGENT);
      await rm.processEvent(
        AgentEvent.statusUpdate({
          taskId: 'task-mutate',
          contextId: 'c',
          status: status(TaskState.TASK_STATE_WORKING, statusMessage),
          metadata: {},
        }),
      );
      statusMessage.parts[0] = textPart('mutated');
      const saved = await store.load('task-mutate', ctx);
      expect(saved?.artifacts[0]?.name).toBe('art-1');
      expect(textOf(saved?.artifacts[0]?.parts[0])).toBe('original content');
      expect(saved?.metadata).toEqual({ agentVersion: 'v1' });
      expect(saved?.history.map((m) => m.messageId)).toEqual(['user-1', 'agent-1']);
      expect(textOf(saved?.history[1]?.parts[0])).toBe('thinking');
    });

    it('loses no write of two result managers racing on one task', async () => {
      await store.save(
        task('race', 'c', {
          history: [message('seed-1', 'seed')],
          status: status(TaskState.TASK_STATE_INPUT_REQUIRED),
        }),
        ctx,
      );
      const a = new ResultManager(store, ctx);
      a.setContext(message('user-A', 'from A'));
      const b = new ResultManager(store, ctx);
      b.setContext(message('user-B', 'from B'));
      const working = task('race', 'c', { status: status(TaskState.TASK_STATE_WORKING) });
      await Promise.all([
        a.processEvent(AgentEvent.task(structuredClone(working))),
        b.processEvent(AgentEvent.task(structuredClone(working))),
        a.processEvent(
          AgentEvent.artifactUpdate({
            taskId: 'race',
            contextId: 'c',
            artifact: artifact('art-A', 'from A'),
            append: false,
            lastChunk: true,
            metadata: {},
          }),
        ),
        b.processEvent(
          AgentEvent.statusUpdate({
            taskId: 'race',
            contextId: 'c',
            status: status(TaskState.TASK_STATE_WORKING, message('agent-B', 'from B', Role.ROLE_AGENT)),
            metadata: {},
          }),
        ),
      ]);
      expect((await ids('race')).sort()).toEqual(['agent-B', 'seed-1', 'user-A', 'user-B']);
      expect((await store.load('race', ctx))?.artifacts.map((x) => x.artifactId)).toEqual(['art-A']);
    });
  });
});

describe('A2ATaskStore options', () => {
  it('keeps the latest maxHistory messages of a history', async () => {
    const tasks = createTaskManager();
    const store = new A2ATaskStore(tasks, { maxHistory: 2 });
    const history = ['m1', 'm2', 'm3'].map((id) => message(id, id));
    await store.save(task('long', 'c', { history }), context());
    expect((await store.load('long', context()))?.history.map((m) => m.messageId)).toEqual(['m2', 'm3']);
    await tasks.dispose();
  });

  it.each([
    [{ maxHistory: 0 }, 'Expected `maxHistory` to be a whole number from 1 and up, got `0` (number)'],
    [{ ownerResolver: 'alice' }, 'Expected `ownerResolver` to be a function, got `"alice"` (string)'],
    [{ owner: () => 'x' }, 'Expected `options` to have only `ownerResolver`, `maxHistory`, got `owner`'],
  ])('refuses %o with InvalidArgumentError', (options, text) => {
    const tasks = createTaskManager();
    expect(() => new A2ATaskStore(tasks, options as never)).toThrow(InvalidArgumentError);
    expect(() => new A2ATaskStore(tasks, options as never)).toThrow(text);
  });

  it('refuses to take over a tooltask task made without A2A', async () => {
    const tasks = createTaskManager();
    await tasks.create('plain');
    await expect(new A2ATaskStore(tasks).save(task('plain', 'c'), context())).rejects.toThrow(InvalidArgumentError);
    expect(await new A2ATaskStore(tasks).load('plain', context())).toBeUndefined();
    await tasks.dispose();
  });
});

describe('createA2AExecutor options', () => {
  it.each([
    [{ messageReplies: 'yes' }, 'Expected `messageReplies` to be a boolean, got `"yes"` (string)'],
    [{ replies: true }, 'Expected `options` to have only `ownerResolver`, `messageReplies`, got `replies`'],
  ])('refuses %o with InvalidArgumentError', (options, text) => {
    const tasks = createTaskManager();
    expect(() => createA2AExecutor(tasks, () => 'done', options as never)).toThrow(InvalidArgumentError);
    expect(() => createA2AExecutor(tasks, () => 'done', options as never)).toThrow(text);
  });
});

describe.each(STORES)('A2A store on loose input from an agent: %s', (_name, make) => {
  it('answers no task for an id that is not a string, as for an unknown one', async () => {
    const under = make();
    expect(await under.store.load(undefined as never, context())).toBeUndefined();
    await under.dispose();
  });

  it('keeps a COMPLETED task whose artifact came without parts, and its parts that did come', async () => {
    const under = make();
    const loose = { artifactId: 'loose', name: 'loose' } as never;
    const done = task('loose', 'c', {
      status: status(TaskState.TASK_STATE_COMPLETED),
      artifacts: [loose, artifact('kept', 'kept text')],
    });
    await under.store.save(done, context());
    const loaded = await under.store.load('loose', context());
    expect(loaded?.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(loaded?.artifacts.map((kept) => kept.artifactId)).toEqual(['loose', 'kept']);
    if (under.tasks !== undefined) {
      expect(toA2ATask(await under.tasks.get('loose')).artifacts[0]?.parts.map((part) => part.content)).toEqual([
        { $case: 'text', value: 'kept text' },
      ]);
    }
    await under.dispose();
  });
});
