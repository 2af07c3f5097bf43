import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTaskManager, type TaskManager } from '../src/index.js';
import { RESET_CHUNK, type WireChanges, type WireReset, type WireTask } from '../src/inspector/wire.js';
import { type Inspector, serveInspector } from '../src/inspector.js';
import { controlledWork, flush } from './helpers.js';
import { storeOfFinishedTasks } from './inspectorStore.js';

let manager: TaskManager | undefined;
let inspector: Inspector | undefined;

afterEach(async () => {
  await inspector?.close();
  await manager?.dispose();
  inspector = undefined;
  manager = undefined;
});

async function start(options: { actions?: boolean; tasks?: number } = {}) {
  const { tasks = 0, ...rest } = options;
  manager = createTaskManager(tasks === 0 ? {} : { store: storeOfFinishedTasks(tasks) });
  options = rest;
  inspector = await serveInspector(manager, { log: false, ...options });
  const base = inspector.url.split('#')[0] as string;
  const auth = { authorization: `Bearer ${inspector.token}` };
  return { manager, inspector, base, auth };
}

interface Message {
  /** The change number, from the event id `<instance>.<n>`. */
  readonly id: number;
  readonly eventId: string;
  readonly event: string;
  readonly data: unknown;
}

/** Reads a stream's messages until `until` says stop, then cancels it. */
async function readStream(
  base: string,
  headers: Record<string, string>,
  until: (messages: readonly Message[]) => boolean,
): Promise<Message[]> {
  const response = await fetch(`${base}api/events`, { headers });
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const messages: Message[] = [];
  let buffer = '';
  while (!until(messages)) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields: Record<string, string> = Object.fromEntries(
        block
          .split('\n')
          .filter((line) => !line.startsWith(':'))
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      const { id, event = '', data = 'null' } = fields;
      if (id !== undefined)
        messages.push({ id: Number(id.split('.').at(-1)), eventId: id, event, data: JSON.parse(data) });
    }
  }
  await reader.cancel();
  return messages;
}

describe('serveInspector security', () => {
  it('binds 127.0.0.1 and prints the token only in the URL fragment', async () => {
    const { inspector } = await start();
    expect(inspector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#[\w-]{32}$/);
    expect(inspector.url.endsWith(`#${inspector.token}`)).toBe(true);
  });

  it('refuses every API request without the token (401)', async () => {
    const { base, inspector } = await start();
    for (const path of ['api/events', 'api/chart', 'api/tasks/a', 'favicon.ico']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status, path).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    }
    const wrong = await fetch(`${base}api/chart`, { headers: { authorization: 'Bearer wrong-token-of-some-length' } });
    expect(wrong.status).toBe(401);
    // The token in a query string is not the token either: it would end up in logs.
    expect((await fetch(`${base}api/chart?token=${inspector.token}`)).status).toBe(401);
  });

  it('refuses requests from another origin or host name, and sends no CORS headers', async () => {
    const { base, auth, manager } = await start({ actions: true });
    await manager.create('a');
    const other = await fetch(`${base}api/tasks/a/cancel`, {
      method: 'POST',
      headers: { ...auth, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(other.status).toBe(403);
    // DNS rebinding: a page on another name that resolves to 127.0.0.1.
    const rebound = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${base}api/chart`);
      request(url, { headers: { ...auth, host: `evil.example:${url.port}` } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(rebound).toBe(403);
    const preflight = await fetch(`${base}api/tasks/a/cancel`, {
      method: 'OPTIONS',
      headers: { ...auth, origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    const ok = await fetch(`${base}api/chart`, { headers: auth });
    expect(ok.status).toBe(200);
    for (const response of [other, preflight, ok]) {
      const names: string[] = [];
      response.headers.forEach((_value, name) => {
        names.push(name);
      });
      expect(names.filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
    expect((await manager.get('a')).state).toBe('pending');
  });

  it('takes actions only as POSTs with the token, and only when enabled', async () => {
    const off = await start();
    await off.manager.create('a');
    const refused = await fetch(`${off.base}api/tasks/a/cancel`, {
      method: 'POST',
      headers: { ...off.auth, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(403);
    expect((await off.manager.get('a')).state).toBe('pending');
    await inspector?.close();
    await manager?.dispose();

    const on = await start({ actions: true });
    await on.manager.create('b');
    expect((await fetch(`${on.base}api/tasks/b/cancel`, { headers: on.auth })).status).toBe(405);
    expect(
      (
        await fetch(`${on.base}api/tasks/b/cancel`, {
          method: 'POST',
          body: '{}',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(401);
    const cancelled = await fetch(`${on.base}api/tasks/b/cancel`, {
      method: 'POST',
      headers: { ...on.auth, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'stop' }),
    });
    expect(cancelled.status).toBe(200);
    expect(await on.manager.get('b')).toMatchObject({ state: 'cancelled', message: 'stop' });
    // The chart decides: a cancelled task cannot be failed.
    const again = await fetch(`${on.base}api/tasks/b/fail`, {
      method: 'POST',
      headers: { ...on.auth, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('INVALID_TRANSITION');
  });

  it('serves the page with a hash-only script policy', async () => {
    const { base } = await start();
    const page = await fetch(base);
    expect(page.status).toBe(200);
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/script-src 'sha256-[^']+'/);
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).toContain("connect-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it('refuses bad options with a typed error', async () => {
    const tasks = createTaskManager();
    await expect(serveInspector(tasks, { port: -1 })).rejects.toThrow('Expected `port`');
    await expect(serveInspector(tasks, { token: 'short' })).rejects.toThrow('Expected `token`');
    await expect(serveInspector(tasks, { colour: 'red' } as never)).rejects.toThrow(/colour/);
    await tasks.dispose();
  });
});

describe('serveInspector stream', () => {
  it('starts with every task, then sends changes, each once, in order', async () => {
    const { manager, base, auth } = await start();
    await manager.create('early');
    const work = controlledWork();
    const messages = readStream(base, auth, (seen) =>
      seen.some((message) =>
        (message.data as WireChanges).rows?.some((row) => row[0] === 'run' && row[1] === 'complete'),
      ),
    );
    await flush();
    await manager.run(work.work, { id: 'run' });
    await flush();
    work.context?.progress(0.5, 'half');
    work.resolve('done');
    const all = await messages;
    expect(all[0]?.event).toBe('reset');
    expect(((all[0] as Message).data as WireReset).rows.map((row) => row[0])).toEqual(['early']);
    const runRows = all
      .slice(1)
      .flatMap((message) => (message.data as WireChanges).rows.filter((row) => row[0] === 'run'));
    expect(runRows.map((row) => [row[1], row[7]])).toEqual([
      ['pending', 0],
      ['running', 1],
      ['running', 2],
      ['complete', 3],
    ]);
    const ids = all.map((message) => message.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('resumes after a reconnect with exactly what was missed (Last-Event-ID)', async () => {
    const { manager, base, auth } = await start();
    await manager.create('a');
    const first = await readStream(base, auth, (seen) => seen.length >= 1);
    const last = first.at(-1)?.eventId as string;
    // Changes while no page is connected.
    await manager.update('a', 0.25, 'quarter');
    await manager.create('b');
    await manager.update('a', 0.5, 'half');
    const resumed = await readStream(base, { ...auth, 'last-event-id': last }, (seen) => seen.length >= 1);
    expect(resumed[0]?.event).toBe('changes');
    // Each task's latest row, once.
    const rows = ((resumed[0] as Message).data as WireChanges).rows.map((row) => [row[0], row[7]]);
    expect(rows).toEqual([
      ['b', 0],
      ['a', 2],
    ]);
    // Up to date: resuming from the latest number brings nothing again.
    const again = await readStream(
      base,
      { ...auth, 'last-event-id': resumed[0]?.eventId as string },
      (seen) => seen.length >= 1,
    );
    expect(((again[0] as Message).data as WireChanges).rows).toEqual([]);
    // A number the server never sent, or one without this server's instance: everything again.
    const instance = last.split('.')[0] as string;
    for (const unknown of [`${instance}.999999`, '1', 'x', `other${instance}.1`]) {
      const answer = await readStream(base, { ...auth, 'last-event-id': unknown }, (seen) => seen.length >= 1);
      expect(answer[0]?.event, unknown).toBe('reset');
    }
  });

  it("opens a task: its chart's state value, last event and timeline with the snapshot after each event", async () => {
    const { manager, base, auth } = await start();
    const work = controlledWork();
    await manager.run(work.work, { id: 'job', metadata: { user: 'ada' } });
    await flush();
    work.context?.progress(0.5, 'half');
    work.context?.requestInput({ message: 'ok?' });
    await flush();
    const task = (await (await fetch(`${base}api/tasks/job`, { headers: auth })).json()) as WireTask;
    expect(task.value).toEqual({ running: { work: 'working', client: 'awaiting' } });
    expect(task.event).toBe('task.requestInput');
    expect(task.timeline.map((entry) => [entry.seq, entry.event])).toEqual([
      [0, 'xstate.init'],
      [1, 'task.start'],
      [2, 'task.progress'],
      [3, 'task.requestInput'],
    ]);
    expect(task.timeline[2]?.snapshot).toMatchObject({ progress: 0.5, message: 'half' });
    expect(task.task.metadata).toEqual({ user: 'ada' });
    work.reject(new Error('boom'));
    await manager.wait('job');
    const failed = (await (await fetch(`${base}api/tasks/job`, { headers: auth })).json()) as WireTask;
    expect(failed.value).toBe('failed');
    expect(failed.task.error).toMatchObject({ name: 'Error', message: 'boom' });
    expect(failed.timeline.at(-1)?.event).toBe('xstate.done.actor.work');
  });

  it('keeps a bounded timeline per task: the first event and the latest ones', async () => {
    const { manager, base, auth } = await start();
    await manager.create('busy');
    for (let i = 1; i <= 150; i++) await manager.update('busy', i / 150, `step ${i}`);
    const task = (await (await fetch(`${base}api/tasks/busy`, { headers: auth })).json()) as WireTask;
    expect(task.timeline).toHaveLength(100);
    expect(task.dropped).toBe(51);
    expect(task.timeline[0]?.seq).toBe(0);
    expect(task.timeline[1]?.seq).toBe(52);
    expect(task.timeline.at(-1)?.seq).toBe(150);
  });
});

describe('serveInspector under load and bad input', () => {
  it('sends every task in pieces of at most RESET_CHUNK rows, the last one saying so', async () => {
    const { base, auth } = await start({ tasks: 25_000 });
    const messages = await readStream(
      base,
      auth,
      (seen) => (seen.at(-1)?.data as WireReset | undefined)?.more === false,
    );
    expect(messages[0]?.event).toBe('reset');
    expect(messages.slice(1).every((message) => message.event === 'changes')).toBe(true);
    const pieces = messages.map((message) => (message.data as WireReset).rows);
    expect(Math.max(...pieces.map((rows) => rows.length))).toBeLessThanOrEqual(RESET_CHUNK);
    expect(messages.map((message) => (message.data as WireReset).more)).toEqual([
      ...pieces.slice(1).map(() => true),
      false,
    ]);
    const ids = new Set(pieces.flat().map((row) => row[0]));
    expect(ids.size).toBe(25_000);
  });

  it('drops a reader that stops reading once it holds a few MB unread, instead of buffering for it', async () => {
    const { manager, base, inspector } = await start();
    const ids = Array.from({ length: 100 }, (_, i) => `t-${i}`);
    for (const id of ids) await manager.create(id);
    const url = new URL(base);
    const socket = connect(Number(url.port), url.hostname);
    socket.write(`GET /api/events HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${inspector.token}\r\n\r\n`);
    let received = 0;
    let ended = false;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
    });
    socket.on('close', () => {
      ended = true;
    });
    await new Promise((resolve) => socket.once('data', resolve));
    socket.pause();
    // About 12 MB of changes the reader never reads.
    const long = 'x'.repeat(1500);
    for (let round = 0; round < 80; round++) {
      for (const id of ids) await manager.update(id, round / 100, `${round} ${long}`);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    socket.resume();
    await expect.poll(() => ended, { timeout: 10_000 }).toBe(true);
    expect(received).toBeLessThan(12_000_000);
  });

  it('serves the page built once: the same bytes, an ETag, and 304 for a reload', async () => {
    const { base } = await start();
    const first = await fetch(base);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]+"$/);
    const second = await fetch(base);
    expect(await second.text()).toBe(await first.text());
    expect(second.headers.get('content-security-policy')).toBe(first.headers.get('content-security-policy'));
    const again = await fetch(base, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('answers a malformed escape or body with 400 and an oversized body with 413, changing nothing', async () => {
    const { manager, base, auth } = await start({ actions: true });
    await manager.create('a');
    expect((await fetch(`${base}api/tasks/%E0%A4%A`, { headers: auth })).status).toBe(400);
    const post = (body: string) =>
      fetch(`${base}api/tasks/a/cancel`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body,
      });
    const bad = await post('{not json');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/^Expected a JSON body, got/);
    expect((await post('[1]')).status).toBe(400);
    expect((await post(JSON.stringify({ message: 'x'.repeat(70 * 1024) }))).status).toBe(413);
    expect((await manager.get('a')).state).toBe('pending');
  });

  it('takes the bearer scheme in any case, and a page served over HTTPS by a proxy', async () => {
    const { manager, base, inspector } = await start({ actions: true });
    await manager.create('a');
    expect((await fetch(`${base}api/chart`, { headers: { authorization: `bearer ${inspector.token}` } })).status).toBe(
      200,
    );
    const host = new URL(base).host;
    const proxied = await fetch(`${base}api/tasks/a/cancel`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${inspector.token}`,
        origin: `https://${host}`,
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(proxied.status).toBe(200);
    expect((await manager.get('a')).state).toBe('cancelled');
  });
});
