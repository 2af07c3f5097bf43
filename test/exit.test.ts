import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function runScript(body: string) {
  const script = `import { createTaskManager } from './src/index.ts';\n${body}`;
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    encoding: 'utf8',
    timeout: 15_000,
  });
  return { ...result, ms: Date.now() - started };
}

describe('the process', () => {
  it('exits by itself once the work is done, with retention timers pending', () => {
    const { status, stdout, stderr, ms } = runScript(`
      const tasks = createTaskManager({ retention: 3_600_000 });
      const { id } = await tasks.run(async ({ progress }) => { progress(0.5); return 'ok'; }, { timeout: 60_000 });
      console.log((await tasks.wait(id)).state);
    `);
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe('complete');
    expect(status).toBe(0);
    expect(ms).toBeLessThan(10_000);
  });

  it('exits by itself after dispose(), even with a work that never settles', () => {
    const { status, stdout } = runScript(`
      const tasks = createTaskManager();
      const { id } = await tasks.run(() => new Promise(() => {}), { timeout: 600_000 });
      await tasks.dispose();
      console.log((await tasks.get(id)).state);
    `);
    expect(stdout.trim()).toBe('cancelled');
    expect(status).toBe(0);
  });

  it('stays alive for a live task with a timeout, until the timeout ends it', () => {
    const { status, stdout } = runScript(`
      const tasks = createTaskManager();
      const { id } = await tasks.run(() => new Promise(() => {}), { timeout: 300 });
      tasks.subscribe(id).subscribe({ complete: async () => console.log((await tasks.get(id)).error.code) });
    `);
    expect(stdout.trim()).toBe('TASK_TIMEOUT');
    expect(status).toBe(0);
  });
});
