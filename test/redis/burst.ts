// A writer in its own process, for the lagging-reader tests:
// `node --import tsx test/redis/burst.ts <url> <namespace> <eventsLength> <done file>`.
// Inserts `tracked` and 100 other tasks, prints `ready`, then on a line on stdin writes 30 rounds:
// one change of `tracked` and one of each other task, then completes `tracked` and writes one more
// round of the others (so its final snapshot is trimmed from the event stream as well). Creates
// the done file when every write is in (the test's event loop is blocked meanwhile), then exits.
import { writeFileSync } from 'node:fs';
import { redisStore } from '../../src/redis/index.js';
import { snap } from './fixtures.js';

const [url, namespace, eventsLength, doneFile] = process.argv.slice(2) as [string, string, string, string];
const store = redisStore({ url, namespace, eventsLength: Number(eventsLength), lease: 60_000 });
const others = Array.from({ length: 100 }, (_, i) => `other-${i}`);
await store.insert(snap('tracked', 0));
await Promise.all(others.map((id) => store.insert(snap(id, 0))));
console.log('ready');
process.stdin.once('data', async () => {
  for (let seq = 1; seq <= 31; seq++) {
    const tracked = seq <= 30 ? [store.save(snap('tracked', seq, seq === 30 ? 'complete' : 'running'))] : [];
    await Promise.all([...tracked, ...others.map((id) => store.save(snap(id, seq)))]);
  }
  writeFileSync(doneFile, 'done');
  await store.close();
  process.exit(0);
});
