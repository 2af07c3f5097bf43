import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireNode, WireReset, WireTask } from '../src/inspector/wire.js';
import { hasRedis, type RedisServer, startRedis } from './redis/server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
let redis: RedisServer | undefined;

/** Starts `node --import tsx <args>` here; resolves with it once its stdout matches `ready`. */
async function start(
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray; out: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += String(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += String(chunk);
  });
  await expect
    .poll(() => ready.exec(out) ?? (child.exitCode === null ? null : `exited ${child.exitCode}: ${err}`), {
      timeout: 30_000,
      interval: 100,
    })
    .toBeInstanceOf(Array);
  return { child, match: ready.exec(out) as RegExpExecArray, out: () => out };
}

beforeAll(async () => {
  if (hasRedis()) redis = await startRedis();
}, 30_000);
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await redis?.close();
});

describe.skipIf(!hasRedis())('npx tooltask inspect --redis', () => {
  it("prints the URL with its token and shows two processes' tasks, its actions reaching their owner", {
    timeout: 90_000,
  }, async () => {
    const url = (redis as RedisServer).url;
    const namespace = `cli-${process.pid}`;
    const a = await start(['test/fixtures/inspectorWorker.ts', url, namespace, 'alpha'], /^ready$/m);
    await start(['test/fixtures/inspectorWorker.ts', url, namespace, 'beta'], /^ready$/m);
    const cli = await start(
      ['src/cli.ts', 'inspect', '--redis', url, '--namespace', namespace, '--actions'],
      /tooltask inspector: (http:\/\/127\.0\.0\.1:\d+\/)#([\w-]+)/,
    );
    const [, base, token] = cli.match as unknown as [string, string, string];
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${base}api/events`)).status).toBe(401);

    // The first message lists every task of the namespace, whichever process runs it.
    const response = await fetch(`${base}api/events`, { headers: auth });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const { value } = await reader.read();
    await reader.cancel();
    const first = new TextDecoder().decode(value);
    const reset = JSON.parse(/^data: (.*)$/m.exec(first)?.[1] ?? '{}') as WireReset;
    expect(reset.rows.map((row) => [row[0], row[1]]).sort()).toEqual([
      ['alpha-1', 'running'],
      ['alpha-2', 'running'],
      ['beta-1', 'running'],
      ['beta-2', 'running'],
    ]);
    expect(reset.actions).toBe(true);
    expect(reset.nodes).toBe(true);

    // Every process: the two workers and the inspector's own manager, each lease held.
    const nodes = async () =>
      ((await (await fetch(`${base}api/nodes`, { headers: auth })).json()) as WireNode[])
        .map((node) => [node.alive, node.live])
        .sort();
    await expect.poll(nodes).toEqual([
      [true, 0],
      [true, 2],
      [true, 2],
    ]);
    const metrics = await (await fetch(`${base}metrics`, { headers: auth })).text();
    expect(metrics).toContain('tooltask_cluster_nodes{lease="alive"} 3');
    expect(metrics).toContain('tooltask_cluster_nodes{lease="lapsed"} 0');
    expect(metrics).toMatch(/tooltask_cluster_node_live_tasks\{node="[^"]+"\} 2/);

    // Cancel from the inspector: the owner's chart takes it and its work is aborted.
    const cancelled = await fetch(`${base}api/tasks/alpha-2/cancel`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'from the inspector' }),
    });
    expect(cancelled.status).toBe(200);
    await expect.poll(() => a.out(), { timeout: 10_000 }).toContain('aborted alpha-2');
    await expect
      .poll(
        async () =>
          ((await (await fetch(`${base}api/tasks/alpha-2`, { headers: auth })).json()) as WireTask).task.state,
      )
      .toBe('cancelled');
    await expect.poll(nodes).toEqual([
      [true, 0],
      [true, 1],
      [true, 2],
    ]);
  });

  it('refuses to start without --redis, saying what it expected', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'inspect'], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => {
      err += String(chunk);
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain('Expected --redis <url>, got none');
  });
});
