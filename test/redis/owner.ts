// A manager in its own process, on Redis: `node --import tsx test/redis/owner.ts <url> <namespace> <waiting>`.
// Runs `waiting` tasks (w0, w1 …) whose work waits for its signal, and one (`steps`) that reports
// progress ten times, 20 ms apart, then completes. Serves commands from other processes. Prints
// `ready` once every task is stored, then `aborted <id>` when a work's signal aborts. Never exits
// by itself: the test ends it (kill -9 included).
import { createTaskManager } from '../../src/index.js';
import { redisStore } from '../../src/redis/index.js';
import { serveCommands } from './bridge.js';

const [url, namespace, waiting] = process.argv.slice(2) as [string, string, string];
const store = redisStore({ url, namespace, lease: 1000 });
const tasks = createTaskManager({ store });
serveCommands(tasks, store.cluster);
await store.cluster.start();

for (let i = 0; i < Number(waiting); i++) {
  await tasks.run(
    ({ signal }) =>
      new Promise((_, reject) => {
        signal.addEventListener('abort', () => {
          console.log(`aborted w${i}`);
          reject(signal.reason);
        });
      }),
    { id: `w${i}` },
  );
}
await tasks.run(
  async ({ progress, signal }) => {
    for (let step = 1; step <= 10; step++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      signal.throwIfAborted();
      progress(step / 10, `step ${step}`);
    }
    return 'done';
  },
  { id: 'steps' },
);
console.log('ready');
setInterval(() => {}, 60_000);
