// The MCP SDK's own TaskStore expectations (v1.x test/experimental/tasks/stores/in-memory.test.ts),
// rewritten as one contract run twice: against the SDK's InMemoryTaskStore (the control) and
// against McpTaskStore, where tooltask stands in for the SDK's store. Where tooltask differs on
// purpose (a live task's result is awaited, not refused), the SDK test is left out.
import { InMemoryTaskStore, type TaskStore } from '@modelcontextprotocol/sdk/experimental/tasks';
import type { Request } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTaskManager } from '../../src/index.js';
import { McpTaskStore } from '../../src/protocols/mcp.js';

const CALL: Request = { method: 'tools/call', params: { name: 'test-tool' } };
const RESULT = { content: [{ type: 'text' as const, text: 'Success!' }] };

interface Subject {
  readonly store: TaskStore;
  dispose(): Promise<void> | void;
}

const subjects: [string, () => Subject][] = [
  [
    'InMemoryTaskStore (the SDK, control)',
    () => {
      const store = new InMemoryTaskStore();
      return { store, dispose: () => store.cleanup() };
    },
  ],
  [
    'McpTaskStore (tooltask)',
    () => {
      const tasks = createTaskManager();
      // The SDK's store keeps a task without ttl forever and pages by 10: asked for the same here.
      return { store: new McpTaskStore(tasks, { defaultTtl: null, pageSize: 10 }), dispose: () => tasks.dispose() };
    },
  ],
];

describe.each(subjects)('the SDK TaskStore contract: %s', (_name, make) => {
  let subject: Subject;
  let store: TaskStore;
  beforeEach(() => {
    subject = make();
    store = subject.store;
  });
  afterEach(() => subject.dispose());

  const create = (ttl?: number) => store.createTask(ttl === undefined ? {} : { ttl }, 1, CALL);

  describe('createTask', () => {
    it('creates a working task with its ttl, a poll interval and an ISO creation time', async () => {
      const task = await create(60_000);
      expect(typeof task.taskId).toBe('string');
      expect(task.taskId.length).toBeGreaterThan(0);
      expect(task).toMatchObject({ status: 'working', ttl: 60_000 });
      expect(task.pollInterval).toBeDefined();
      expect(new Date(task.createdAt).getTime()).toBeGreaterThan(0);
    });

    it('creates a task without ttl as ttl null', async () => {
      expect((await create()).ttl).toBeNull();
    });

    it('gives every task its own id', async () => {
      expect((await create()).taskId).not.toBe((await create()).taskId);
    });
  });

  describe('getTask', () => {
    it('answers null for an unknown task', async () => {
      expect(await store.getTask('non-existent')).toBeNull();
    });

    it('answers the task as it is', async () => {
      const { taskId } = await create();
      await store.updateTaskStatus(taskId, 'working');
      expect((await store.getTask(taskId))?.status).toBe('working');
    });
  });

  describe('updateTaskStatus', () => {
    let taskId: string;
    beforeEach(async () => {
      taskId = (await create()).taskId;
    });

    it.each(['input_required', 'completed', 'cancelled'] as const)('moves a working task to %s', async (status) => {
      await store.updateTaskStatus(taskId, status);
      expect((await store.getTask(taskId))?.status).toBe(status);
    });

    it('moves a working task to failed with its message', async () => {
      await store.updateTaskStatus(taskId, 'failed', 'Something went wrong');
      expect(await store.getTask(taskId)).toMatchObject({ status: 'failed', statusMessage: 'Something went wrong' });
    });

    it('refuses an unknown task', async () => {
      await expect(store.updateTaskStatus('non-existent', 'working')).rejects.toThrow();
    });

    it.each(['working', 'completed', 'failed', 'cancelled'] as const)(
      'moves an input_required task to %s',
      async (status) => {
        await store.updateTaskStatus(taskId, 'input_required');
        await store.updateTaskStatus(taskId, status);
        expect((await store.getTask(taskId))?.status).toBe(status);
      },
    );

    it.each(['completed', 'failed', 'cancelled'] as const)('refuses every change once %s', async (terminal) => {
      await store.updateTaskStatus(taskId, terminal);
      for (const next of ['working', 'input_required', 'completed', 'failed', 'cancelled'] as const) {
        if (next === terminal) continue;
        await expect(store.updateTaskStatus(taskId, next)).rejects.toThrow();
      }
      expect((await store.getTask(taskId))?.status).toBe(terminal);
    });
  });

  describe('storeTaskResult', () => {
    let taskId: string;
    beforeEach(async () => {
      taskId = (await create(60_000)).taskId;
    });

    it('completes the task and keeps its result', async () => {
      await store.storeTaskResult(taskId, 'completed', RESULT);
      expect((await store.getTask(taskId))?.status).toBe('completed');
      expect(await store.getTaskResult(taskId)).toEqual(RESULT);
    });

    it('refuses an unknown task', async () => {
      await expect(store.storeTaskResult('non-existent', 'completed', {})).rejects.toThrow();
    });

    it.each(['completed', 'failed'] as const)('refuses a second result once %s', async (status) => {
      await store.storeTaskResult(taskId, status, { ...RESULT, isError: status === 'failed' });
      await expect(store.storeTaskResult(taskId, status, RESULT)).rejects.toThrow();
    });

    it('fails the task with an error result, which getTaskResult answers', async () => {
      const failed = { content: [{ type: 'text' as const, text: 'Error details' }], isError: true };
      await store.storeTaskResult(taskId, 'failed', failed);
      expect((await store.getTask(taskId))?.status).toBe('failed');
      expect(await store.getTaskResult(taskId)).toEqual(failed);
    });

    it('refuses a result for a cancelled task', async () => {
      await store.updateTaskStatus(taskId, 'cancelled');
      await expect(store.storeTaskResult(taskId, 'completed', RESULT)).rejects.toThrow();
    });

    it('takes a result while input_required', async () => {
      await store.updateTaskStatus(taskId, 'input_required');
      await store.storeTaskResult(taskId, 'completed', RESULT);
      expect((await store.getTask(taskId))?.status).toBe('completed');
    });
  });

  describe('getTaskResult', () => {
    it('refuses an unknown task', async () => {
      await expect(store.getTaskResult('non-existent')).rejects.toThrow();
    });

    it('answers the stored result', async () => {
      const { taskId } = await create();
      await store.storeTaskResult(taskId, 'completed', RESULT);
      expect(await store.getTaskResult(taskId)).toEqual(RESULT);
    });
  });

  describe('listTasks', () => {
    it('answers an empty page when there are no tasks', async () => {
      expect(await store.listTasks()).toEqual({ tasks: [] });
    });

    it('answers every task on one page when they fit', async () => {
      for (let i = 0; i < 3; i++) await create();
      const page = await store.listTasks();
      expect(page.tasks).toHaveLength(3);
      expect(page.nextCursor).toBeUndefined();
    });

    it('pages by ten, the cursor leading to the rest', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 15; i++) ids.push((await create()).taskId);
      const first = await store.listTasks();
      expect(first.tasks).toHaveLength(10);
      expect(first.nextCursor).toBeDefined();
      const second = await store.listTasks(first.nextCursor);
      expect(second.tasks).toHaveLength(5);
      expect(second.nextCursor).toBeUndefined();
      expect([...first.tasks, ...second.tasks].map((task) => task.taskId).sort()).toEqual([...ids].sort());
    });

    it('refuses a cursor it did not make', async () => {
      await create();
      await expect(store.listTasks('non-existent-cursor')).rejects.toThrow();
    });
  });
});
