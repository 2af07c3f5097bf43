/**
 * The inspector under load, in Debian's Chromium: a manager holding TASKS tasks (by default a
 * million: finished ones in its store, as after a restart, and LIVE running ones), LIVE of them
 * changing RATE times a second for SECONDS.
 *
 *   npm run bench:inspector            (TASKS=1000000 LIVE=2000 RATE=2000 SECONDS=10 STALLED=10)
 *
 * Reports: time to the first rows and to every task (navigation start → drawn), the server's
 * longest event-loop block while the page connects, the page's JS heap, change → DOM latency
 * (a change's time stamp in its message, read by a MutationObserver in the page), the page's
 * work per frame, and what STALLED readers that never read cost the server before it drops them.
 */
import { connect, type Socket } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { chromium } from 'playwright';
import { createTaskManager, type WorkContext } from '../src/index.js';
import { serveInspector } from '../src/inspector.js';
import { storeOfFinishedTasks } from '../test/inspectorStore.js';
import { browserProblem, chromiumArgs, chromiumPath } from '../vitest.browser.js';

const TASKS = Number(process.env.TASKS ?? 1_000_000);
const LIVE = Number(process.env.LIVE ?? 2000);
const RATE = Number(process.env.RATE ?? 2000);
const SECONDS = Number(process.env.SECONDS ?? 10);
const STALLED = Number(process.env.STALLED ?? 10);

const problem = browserProblem();
if (problem !== undefined) {
  console.error(`bench:inspector needs Chromium: ${problem}`);
  process.exit(1);
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
function stats(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return `p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${at(1).toFixed(1)} ms (${values.length})`;
}

// The finished tasks, straight into the store: a million creates through a manager take minutes.
const made = performance.now();
const store = storeOfFinishedTasks(TASKS - LIVE, { message: 'step 4 of 10', from: Date.now() - 3_600_000 });
const tasks = createTaskManager({ store });
const contexts: WorkContext[] = [];
for (let i = 0; i < LIVE; i++) {
  void tasks.run(
    (context) =>
      new Promise<never>((_resolve, reject) => {
        contexts.push(context);
        context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true });
      }),
    { id: `live-${i}` },
  );
}
console.log(
  `${TASKS.toLocaleString('en')} tasks (${LIVE.toLocaleString('en')} running) in ${Math.round(performance.now() - made)} ms; ` +
    `server heap ${mb(process.memoryUsage().heapUsed)}`,
);
const inspector = await serveInspector(tasks, { log: false });
const base = inspector.url.split('#')[0] as string;
// Run from sources, the server bundles the page on its first request (a built package ships it):
// not part of what a user waits for.
await fetch(base).then((response) => response.text());

// The same measure with no page: what the machine (and the server's own GC) costs anyway.
const idle = monitorEventLoopDelay({ resolution: 5 });
idle.enable();
await new Promise((resolve) => setTimeout(resolve, 3000));
idle.disable();

const browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs] });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();
await page.goto(inspector.url);
await page.waitForFunction(
  (count) => {
    const inspector = (globalThis as { tooltaskInspector?: { table: { size: number } } }).tooltaskInspector;
    // The bench's types have no DOM.
    const { body } = (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document;
    return inspector?.table.size === count && body.dataset.ready === 'true';
  },
  TASKS,
  { timeout: 600_000, polling: 100 },
);
loop.disable();
const [firstRender, caughtUp] = await page.evaluate(() =>
  ['first-render', 'caught-up'].map(
    (name) => performance.getEntriesByName(`tooltask-inspector-${name}`)[0]?.startTime ?? Number.NaN,
  ),
);
const cdp = await page.context().newCDPSession(page);
const heap = async () => {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
};
const heapLoaded = await heap();

// Change → DOM: each change carries its time; the page notes when its text lands in a row.
await page.evaluate(`
  globalThis.latencies = [];
  new MutationObserver((records) => {
    const now = Date.now();
    for (const record of records) {
      const text = record.target.textContent ?? '';
      const match = /^at (\\d+)$/.exec(text);
      if (match !== null) globalThis.latencies.push(now - Number(match[1]));
    }
  }).observe(document.querySelector('.viewport'), { subtree: true, childList: true, characterData: true });
  globalThis.tooltaskInspector.frames.length = 0;
`);
const started = performance.now();
let sent = 0;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const due = Math.min(RATE * SECONDS, Math.floor(((performance.now() - started) / 1000) * RATE));
    for (; sent < due; sent++) {
      // The newest tasks (the live ones) are the rows in view: a quarter of the changes land there.
      const index = sent % 4 === 0 ? LIVE - 1 - (sent % 24) : (sent * 7919) % LIVE;
      contexts[index]?.progress((sent % 100) / 100, `at ${Date.now()}`);
    }
    if (sent >= RATE * SECONDS) {
      clearInterval(timer);
      resolve();
    }
  }, 10);
});
const elapsed = (performance.now() - started) / 1000;
await page.waitForTimeout(500);
const { latencies, frames } = await page.evaluate(() => ({
  latencies: (globalThis as unknown as { latencies: number[] }).latencies,
  frames: (globalThis as unknown as { tooltaskInspector: { frames: number[] } }).tooltaskInspector.frames,
}));
const heapAfter = await heap();

// Readers that never read: what they cost, and whether they are dropped.
global.gc?.();
const before = process.memoryUsage();
let dropped = 0;
const stalled: Socket[] = [];
for (let i = 0; i < STALLED; i++) {
  const socket = connect(Number(new URL(base).port), '127.0.0.1');
  socket.write(
    `GET /api/events HTTP/1.1\r\nHost: ${new URL(base).host}\r\nAuthorization: Bearer ${inspector.token}\r\n\r\n`,
  );
  socket.pause();
  socket.on('close', () => dropped++);
  stalled.push(socket);
}
const stallStarted = performance.now();
let stallSent = 0;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    for (let i = 0; i < RATE / 100; i++, stallSent++) {
      contexts[(stallSent * 7919) % LIVE]?.progress(0.5, `stalled ${stallSent}`);
    }
    if (performance.now() - stallStarted > 5000) {
      clearInterval(timer);
      resolve();
    }
  }, 10);
});
const during = process.memoryUsage();
for (const socket of stalled) socket.resume();
await new Promise((resolve) => setTimeout(resolve, 1000));

console.log(
  `first rows drawn at ${Math.round(firstRender ?? Number.NaN)} ms, every task at ${Math.round(caughtUp ?? Number.NaN)} ms ` +
    `(navigation start → DOM)`,
);
console.log(
  `server event loop while the page connected: max blocked ${(loop.max / 1e6).toFixed(1)} ms, ` +
    `p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms (3 s with no page: max ${(idle.max / 1e6).toFixed(1)} ms)`,
);
console.log(`page JS heap: ${mb(heapLoaded)} loaded, ${mb(heapAfter)} after the changes`);
console.log(`changes: ${sent.toLocaleString('en')} in ${elapsed.toFixed(1)} s (${Math.round(sent / elapsed)}/s)`);
console.log(`change → DOM (rows in view): ${stats(latencies)}`);
console.log(`page work per frame: ${stats(frames)}`);
console.log(
  `${STALLED} readers that never read, 5 s of changes: server RSS +${mb(during.rss - before.rss)} ` +
    `(heap +${mb(during.heapUsed - before.heapUsed)}); dropped ${dropped} of ${STALLED} once read`,
);

await browser.close();
await inspector.close();
await tasks.dispose();
