/**
 * Screenshots of the inspector for the README: a demo manager, the real page in Debian's Chromium.
 *
 *   npx tsx scripts/inspector-screenshots.ts [dir]     (default docs/)
 *
 * Writes inspector.png (the whole page at scale: 250,000 finished tasks in the store behind the
 * demo's, a task awaiting input opened), inspector-dark.png (the same in the dark theme) and
 * inspector-chart.png (the task chart alone, a work just started); with a redis-server, also
 * inspector-cluster.png (three processes of one Redis namespace, their tasks and leases). Part of
 * `npm run screenshots`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright';
import { type Clock, createTaskManager, systemClock, type WorkContext } from '../src/index.js';
import { serveInspector } from '../src/inspector.js';
import { redisStore } from '../src/redis/index.js';
import { storeOfFinishedTasks } from '../test/inspectorStore.js';
import { redisProblem, startRedis } from '../test/redis/server.js';
import { browserProblem, chromiumArgs, chromiumPath } from '../vitest.browser.js';

const dir = path.resolve(process.argv[2] ?? 'docs');
const problem = browserProblem();
if (problem !== undefined) {
  console.error(`Cannot take the inspector's screenshots: ${problem}`);
  process.exit(1);
}
mkdirSync(dir, { recursive: true });

// The demo's tasks were made over the last half hour: a clock that runs behind, then catches up.
let behind = 30 * 60_000;
const clock: Clock = { ...systemClock, now: () => Date.now() - behind };
// The list at scale: what a day of finished tasks looks like behind the live ones.
const store = storeOfFinishedTasks(250_000, {
  prefix: 'nightly-',
  pad: 6,
  message: 'step 6 of 10',
  states: ['complete', 'complete', 'complete', 'complete', 'failed', 'cancelled'],
  from: Date.now() - 26 * 3_600_000,
  every: 350,
});
const tasks = createTaskManager({ clock, concurrency: 6, store });
const inspector = await serveInspector(tasks, { log: false, actions: true });
const held: WorkContext[] = [];
const hold = (context: WorkContext) =>
  new Promise<never>((_resolve, reject) => {
    held.push(context);
    context.signal.addEventListener('abort', () => reject(context.signal.reason));
  });

const kinds = ['report', 'import', 'resize', 'index', 'deploy', 'export'];
for (let i = 1; i <= 2400; i++) {
  behind = Math.max(0, 30 * 60_000 - i * 750);
  const kind = kinds[i % kinds.length] as string;
  const id = `${kind}-${String(i).padStart(4, '0')}`;
  const metadata = { kind, user: ['ada', 'grace', 'linus', 'barbara'][i % 4] };
  if (i % 97 === 0) {
    await tasks.create(id, { metadata });
    await tasks.fail(id, new Error(`${kind} source unreachable`));
  } else if (i % 61 === 0) {
    await tasks.create(id, { metadata });
    await tasks.cancel(id, 'cancelled by user');
  } else if (i < 2380) {
    await tasks.create(id, { metadata });
    await tasks.update(id, 0.5, 'working');
    await tasks.complete(id, { rows: i * 3 });
  } else {
    await tasks.run(hold, { id, metadata });
  }
}
behind = 0;
for (const [index, context] of held.entries()) {
  if (index < 5) context.progress((index + 1) / 8, `step ${index + 1} of 8`);
}
held[2]?.requestInput({ message: 'Deploy to production?' });

const browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs] });
const page = await browser.newPage({ viewport: { width: 1320, height: 800 }, deviceScaleFactor: 1 });
await page.goto(inspector.url);
await page.waitForSelector('body[data-ready="true"]');
const awaiting = held[2]?.id as string;
await page.locator(`.row[data-id="${awaiting}"]`).click();
await page.waitForSelector('.chart svg [data-active="true"]');
await page.waitForTimeout(300);
await page.screenshot({ path: path.join(dir, 'inspector.png') });
await page.emulateMedia({ colorScheme: 'dark' });
await page.waitForTimeout(300);
await page.screenshot({ path: path.join(dir, 'inspector-dark.png') });

// The chart alone, sharper, for a task whose work just started (the arrow it took in amber).
const started = held[5]?.id as string;
const sharp = await browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1.5 });
await sharp.goto(inspector.url);
await sharp.waitForSelector('body[data-ready="true"]');
await sharp.getByLabel('search by id').fill(started);
await sharp.locator(`.row[data-id="${started}"]`).click();
await sharp.waitForSelector('.chart svg [data-taken="true"]');
await sharp.waitForTimeout(300);
await sharp.locator('.chart').screenshot({ path: path.join(dir, 'inspector-chart.png') });

const shots = ['inspector.png', 'inspector-dark.png', 'inspector-chart.png'];
await browser.close();
await inspector.close();
await tasks.dispose();

// The cluster: two workers of one Redis namespace and the inspector's own process.
if (redisProblem() === undefined) {
  const redis = await startRedis();
  const namespace = 'screenshots';
  const processes = ['worker-eu-1', 'worker-eu-2', 'inspector'].map((nodeId) => {
    const store = redisStore({ url: redis.url, namespace, nodeId });
    return { store, tasks: createTaskManager({ store, concurrency: 4 }) };
  });
  for (const [p, { tasks: worker }] of processes.slice(0, 2).entries()) {
    for (let i = 1; i <= 7 - p * 2; i++) {
      const id = `${p === 0 ? 'ingest' : 'render'}-${String(i).padStart(3, '0')}`;
      await worker.run(hold, { id, metadata: { node: p === 0 ? 'worker-eu-1' : 'worker-eu-2' } });
    }
    for (let i = 1; i <= 12; i++) {
      const id = `${p === 0 ? 'ingest' : 'render'}-done-${String(i).padStart(3, '0')}`;
      await worker.create(id);
      await worker.complete(id, { ok: true });
    }
  }
  for (const [index, context] of held.slice(-12).entries()) context.progress((index + 1) / 14, `chunk ${index + 1}`);
  const viewer = processes[2] as (typeof processes)[number];
  const clustered = await serveInspector(viewer.tasks, {
    log: false,
    actions: true,
    nodes: () => viewer.store.cluster.nodes(),
  });
  const wide = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs] });
  const view = await wide.newPage({ viewport: { width: 1320, height: 640 }, deviceScaleFactor: 1 });
  await view.goto(clustered.url);
  await view.waitForSelector('body[data-ready="true"]');
  await view.waitForSelector('.node[data-alive="true"]');
  await view.locator('.row[data-state="running"]').first().click();
  await view.waitForSelector('.chart svg [data-active="true"]');
  await view.waitForTimeout(300);
  await view.screenshot({ path: path.join(dir, 'inspector-cluster.png') });
  shots.push('inspector-cluster.png');
  await wide.close();
  await clustered.close();
  for (const each of processes) await each.tasks.dispose();
  await redis.close();
}
console.log(`Screenshots in ${dir}: ${shots.join(', ')}`);
