/**
 * A manager in its own process on a Redis namespace, for the multi-process tests: runs a work
 * that never ends (until its signal aborts) and prints one JSON line per thing that happened.
 * Arguments: <redis url> <namespace> <task id> <lease ms>.
 */
import { createTaskManager } from '../../src/index.js';
import { redisStore } from '../../src/redis/index.js';

const [url, namespace, id, lease] = process.argv.slice(2) as [string, string, string, string];
const tasks = createTaskManager({ store: redisStore({ url, namespace, lease: Number(lease) }) });
const say = (what: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(what)}\n`);
await tasks.run(
  ({ signal }) =>
    new Promise((_, reject) => {
      signal.addEventListener('abort', () => {
        say({ aborted: Date.now(), reason: (signal.reason as Error).message });
        reject(signal.reason);
      });
    }),
  { id },
);
say({ running: id });
process.stdin.on('data', () => {});
