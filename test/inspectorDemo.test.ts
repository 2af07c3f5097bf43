import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import type { WireRegistry } from '../src/inspector/wire.js';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Reads the demo's stream for `ms`, keeping each registry it reports. */
async function registries(url: string, ms: number): Promise<WireRegistry[]> {
  const [base, token] = url.split('#') as [string, string];
  const seen: WireRegistry[] = [];
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  try {
    const response = await fetch(`${base}api/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    const decoder = new TextDecoder();
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      for (const match of decoder.decode(chunk, { stream: true }).matchAll(/"registry":(\{[^}]*\})/g)) {
        seen.push(JSON.parse(match[1] as string) as WireRegistry);
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  return seen;
}

it('runs the inspector demo without listener warnings, its queue kept short', { timeout: 40_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/inspector.ts', '0'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += String(chunk);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await expect.poll(() => /Watching a demo manager: (\S+)/.exec(stdout), { timeout: 20_000 }).not.toBeNull();
    const url = (/Watching a demo manager: (\S+)/.exec(stdout) as RegExpExecArray)[1] as string;
    // Long enough for its longest task (11 steps) to run: the old demo warned then.
    const seen = await registries(url, 7000);
    expect(seen.length).toBeGreaterThan(1);
    expect(Math.max(...seen.map((registry) => registry.queued))).toBeLessThanOrEqual(6);
  } finally {
    child.kill('SIGINT');
    await exited;
  }
  expect(stderr).not.toMatch(/MaxListenersExceededWarning|memory leak/);
});
