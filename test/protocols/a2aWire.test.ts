import { type StreamResponse, type Task, TaskState } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { TaskNotFoundError } from '@a2a-js/sdk/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  asTask,
  BYTES,
  fileOf,
  sendText,
  startWireAgent,
  streamText,
  TRANSPORTS,
  textOf,
  type WireAgent,
} from './a2aWire.js';

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

const stateOf = (event: StreamResponse) => {
  const payload = event.payload;
  if (payload?.$case === 'task' || payload?.$case === 'statusUpdate') return payload.value.status?.state;
  return undefined;
};

const time = (task: Task | undefined) => Date.parse(task?.status?.timestamp ?? '');

/** An event as `<kind> <state> <text>`, or `artifactUpdate <text>`. */
const show = (event: StreamResponse): string => {
  const payload = event.payload;
  if (payload?.$case === 'artifactUpdate') return `artifactUpdate ${textOf(payload.value.artifact?.parts)}`;
  if (payload?.$case === 'task' || payload?.$case === 'statusUpdate') {
    const status = payload.value.status;
    return `${payload.$case} ${TaskState[status?.state ?? 0]} ${textOf(status?.message?.parts) ?? ''}`;
  }
  return String(payload?.$case);
};

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

  it('resubscribing to a stored task no process runs gives its snapshot, then closes', async () => {
    const made = await streamText(client, 'abandon');
    const id = made[0]?.payload?.$case === 'task' ? made[0].payload.value.id : '';
    expect(id).not.toBe('');
    const events: StreamResponse[] = [];
    for await (const event of client.resubscribeTask({ tenant: '', id })) events.push(event);
    expect(events.map((event) => [event.payload?.$case, stateOf(event)])).toEqual([
      ['task', TaskState.TASK_STATE_WORKING],
    ]);
  });

  it('once an input is answered, no status shows the question; COMPLETED shows no earlier progress text', async () => {
    const asking = await streamText(client, 'ask');
    const id = asking[0]?.payload?.$case === 'task' ? asking[0].payload.value.id : '';
    expect(asking.map(show).slice(1)).toEqual([
      'statusUpdate TASK_STATE_WORKING looking',
      'statusUpdate TASK_STATE_INPUT_REQUIRED Which city?',
    ]);
    const answered = await streamText(client, 'Lisbon', id);
    expect(answered.map(show)).toEqual([
      'task TASK_STATE_INPUT_REQUIRED Which city?',
      'statusUpdate TASK_STATE_WORKING ',
      'statusUpdate TASK_STATE_WORKING ',
      'artifactUpdate trip to Lisbon',
      'statusUpdate TASK_STATE_COMPLETED ',
    ]);
    const read = await client.getTask({ tenant: '', id });
    expect(read.status?.message).toBeUndefined();
  });

  it('COMPLETED carries no message of an earlier step', async () => {
    const events = await streamText(client, 'steps');
    expect(events.map(show).slice(1)).toEqual([
      'statusUpdate TASK_STATE_WORKING half',
      'artifactUpdate done',
      'statusUpdate TASK_STATE_COMPLETED ',
    ]);
  });

  it('gives back the raw bytes of a file part a work returned, whole, as the SDK does', async () => {
    const done = asTask(await sendText(client, 'bytes'));
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    for (const task of [done, await client.getTask({ tenant: '', id: done.id })]) {
      const parts = task.artifacts[0]?.parts ?? [];
      expect(textOf(parts.slice(0, 1))).toBe('a file follows');
      expect(fileOf(parts)).toEqual({
        bytes: [...BYTES],
        filename: 'bytes.bin',
        mediaType: 'application/octet-stream',
      });
    }
  });

  it('keeps the raw bytes of a file artifact an agent saved through the store', async () => {
    const done = asTask(await sendText(client, 'sdk-bytes'));
    expect(done.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    for (const task of [done, await client.getTask({ tenant: '', id: done.id })]) {
      expect(task.artifacts.map((artifact) => artifact.artifactId)).toEqual(['file']);
      expect(fileOf(task.artifacts[0]?.parts ?? [])).toEqual({
        bytes: [...BYTES],
        filename: 'bytes.bin',
        mediaType: 'application/octet-stream',
      });
    }
  });

  it('ListTasks gives the last updated task first, and pages soundly while tasks change', async () => {
    const contextId = crypto.randomUUID();
    const made: string[] = [];
    for (let index = 0; index < 6; index++) made.push(asTask(await sendText(client, 'wait', '', contextId)).id);
    const list = async (pageSize: number, pageToken = '') =>
      client.listTasks({
        tenant: '',
        contextId,
        status: TaskState.TASK_STATE_UNSPECIFIED,
        pageSize,
        pageToken,
        statusTimestampAfter: '',
      });
    const isNewestFirst = (tasks: readonly Task[]) =>
      tasks.every((task, index) => index === 0 || time(tasks[index - 1]) >= time(task));

    const all = (await list(100)).tasks;
    expect(all.map((task) => task.id).sort()).toEqual([...made].sort());
    expect(isNewestFirst(all)).toBe(true);

    // A walk two by two; after its first page, one task it gave and one it has yet to give change.
    const first = await list(2);
    const given = first.tasks.map((task) => task.id);
    const rest = all.map((task) => task.id).filter((id) => !given.includes(id));
    const changed = [given[0], rest.at(-1)] as [string, string];
    for (const id of changed) await sendText(client, 'yes', id, contextId);
    let pageToken = first.nextPageToken;
    while (pageToken !== '') {
      const page = await list(2, pageToken);
      given.push(...page.tasks.map((task) => task.id));
      pageToken = page.nextPageToken;
    }
    expect(new Set(given).size).toBe(given.length);
    for (const id of made.filter((id) => !changed.includes(id))) expect(given).toContain(id);

    // The tasks that changed last come first now.
    const after = (await list(100)).tasks;
    expect(isNewestFirst(after)).toBe(true);
    expect(
      after
        .slice(0, 2)
        .map((task) => task.id)
        .sort(),
    ).toEqual([...changed].sort());
  });

  it('answers with the Message a work returns before reporting anything, and makes no task', async () => {
    const contextId = crypto.randomUUID();
    const answer = await sendText(client, 'reply', '', contextId);
    expect('messageId' in answer && textOf(answer.parts)).toBe('hello back');
    expect('messageId' in answer && answer.taskId).toBe('');
    expect('messageId' in answer && answer.contextId).toBe(contextId);
    const streamed = await streamText(client, 'reply');
    expect(streamed.map((event) => event.payload?.$case)).toEqual(['message']);
    const listed = await client.listTasks({
      tenant: '',
      contextId,
      status: TaskState.TASK_STATE_UNSPECIFIED,
      pageSize: 10,
      pageToken: '',
      statusTimestampAfter: '',
    });
    expect(listed.tasks).toEqual([]);
  });

  it("makes a Message a work returns after reporting its task's COMPLETED message", async () => {
    const events = await streamText(client, 'reply-late');
    expect(events.map(show)).toEqual([
      'task TASK_STATE_WORKING ',
      'statusUpdate TASK_STATE_WORKING thinking',
      'statusUpdate TASK_STATE_COMPLETED final word',
    ]);
  });
});
