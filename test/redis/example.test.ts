import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { hasRedis, startRedis } from './server.js';

const run = promisify(execFile);

describe.skipIf(!hasRedis())('examples/redis-cluster.ts', () => {
  it('runs as the README says: a task seen, followed and cancelled from another process, then one lost to kill -9', async () => {
    const redis = await startRedis();
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/redis-cluster.ts'], {
        env: { ...process.env, REDIS_URL: redis.url },
        timeout: 60_000,
      });
      expect(stdout).toContain('main: sees "report" running');
      expect(stdout).toMatch(/main: cancel answered by the worker's chart in [\d.]+ ms: cancelled/);
      expect(stdout).toContain('worker: report ended here, its work saw the abort');
      expect(stdout).toContain('main: "doomed" is failed: TaskLostError (TASK_LOST)');
    } finally {
      await redis.close();
    }
  }, 90_000);
});
