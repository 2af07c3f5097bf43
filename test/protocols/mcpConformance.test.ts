import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The MCP conformance suite (`@modelcontextprotocol/conformance`) runs every `tasks-*` scenario it
 * ships against examples/mcp-tasks-server.ts, served over Streamable HTTP in a child process.
 */
const cli = join(
  dirname(createRequire(import.meta.url).resolve('@modelcontextprotocol/conformance/package.json')),
  'dist',
  'index.js',
);
const node20 = new URL('./conformance/node20.mjs', import.meta.url).pathname;

function conformance(args: string[], cwd?: string) {
  return spawn(process.execPath, ['--import', node20, cli, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Every `tasks-*` server scenario of the installed suite, as `conformance list` names them. */
const scenarios = spawnSync(process.execPath, ['--import', node20, cli, 'list'], { encoding: 'utf8' })
  .stdout.split('\n')
  .map((line) => /^\s*- (tasks-[\w-]+)/.exec(line)?.[1])
  .filter((name): name is string => name !== undefined);

interface Check {
  readonly id: string;
  readonly status: string;
  readonly errorMessage?: string;
}

let server: ChildProcess | undefined;
let url = '';
const results = mkdtempSync(join(tmpdir(), 'tooltask-conformance-'));

beforeAll(async () => {
  server = spawn(process.execPath, ['--import', 'tsx', 'examples/mcp-tasks-server.ts', '--serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: server.stdout as NonNullable<ChildProcess['stdout']> });
  url = await new Promise<string>((resolve) =>
    lines.on('line', (line) => {
      const found = /(http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(line)?.[1];
      if (found !== undefined) resolve(found);
    }),
  );
}, 60_000);

afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(results, { recursive: true, force: true });
});

describe('MCP conformance: every tasks-* scenario against examples/mcp-tasks-server.ts over HTTP', () => {
  it('finds the tasks-* scenarios in the installed suite', () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(10);
  });

  it.each(scenarios)(
    'passes %s',
    async (scenario) => {
      const out = join(results, scenario);
      const run = conformance(['server', '--url', url, '--scenario', scenario, '-o', out], results);
      let output = '';
      run.stdout?.on('data', (chunk) => {
        output += String(chunk);
      });
      run.stderr?.on('data', (chunk) => {
        output += String(chunk);
      });
      await new Promise((resolve) => run.on('close', resolve));
      const checks: Check[] = readdirSync(out, { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('checks.json'))
        .flatMap((file) => JSON.parse(readFileSync(join(out, file), 'utf8')) as Check[]);
      expect(checks.length, output).toBeGreaterThan(0);
      const failed = checks.filter((check) => !['SUCCESS', 'INFO', 'SKIPPED'].includes(check.status));
      expect(failed, output).toEqual([]);
    },
    120_000,
  );
});
