/**
 * Two processes, one Redis namespace: a worker process runs a task; this process sees it, follows
 * its progress, and cancels it, which aborts the worker's work. Then the worker is killed with
 * SIGKILL while running a second task, and this process sees that task end as lost.
 *
 *   redis-server --port 6379 --save '' &          # or any Redis 6.2+
 *   npx tsx examples/redis-cluster.ts              # REDIS_URL=redis://host:port to point elsewhere
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createTaskManager } from '../src/index.js';
import { redisStore } from '../src/redis/index.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const [role, namespace = `example-${process.pid}`] = process.argv.slice(2);

if (role === 'worker') {
  // The worker: owns and runs the tasks, until it is told to stop or is killed.
  const tasks = createTaskManager({ store: redisStore({ url, namespace, lease: 1_000 }) });
  for (const id of ['report', 'doomed']) {
    await tasks.run(
      async ({ signal, progress }) => {
        for (let step = 1; ; step++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          signal.throwIfAborted();
          progress(Math.min(step / 100, 0.99), `${id}: step ${step}`);
        }
      },
      { id },
    );
    tasks.subscribe(id).subscribe({
      error: () => {},
      complete: () => console.log(`worker: ${id} ended here, its work saw the abort`),
    });
  }
  console.log('worker: running');
} else {
  const tasks = createTaskManager({ store: redisStore({ url, namespace, lease: 1_000 }) });
  const worker = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'worker', namespace], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: worker.stdout });
  lines.on('line', (line) => console.log(`  | ${line}`));
  await new Promise<void>((resolve) => lines.on('line', (line) => line === 'worker: running' && resolve()));

  const seen = await tasks.get('report');
  console.log(`main: sees "report" ${seen.state}, ${seen.message ?? 'no message yet'} (run by the worker)`);
  const following = tasks.subscribe('report').subscribe((task) => {
    console.log(`main: follows report → ${task.state} ${Math.round(task.progress * 100)}% ${task.message ?? ''}`);
  });
  await new Promise((resolve) => setTimeout(resolve, 350));
  const sent = performance.now();
  const cancelled = await tasks.cancel('report', 'cancelled from another process');
  console.log(
    `main: cancel answered by the worker's chart in ${(performance.now() - sent).toFixed(1)} ms: ${cancelled.state}`,
  );
  following.unsubscribe();

  const lost = tasks.wait('doomed');
  worker.kill('SIGKILL');
  console.log('main: killed the worker (SIGKILL) while "doomed" runs');
  const ended = await lost;
  console.log(`main: "doomed" is ${ended.state}: ${ended.error?.name} (${(ended.error as { code?: string }).code})`);
  await tasks.dispose();
}
