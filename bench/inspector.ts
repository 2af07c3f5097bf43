/**
 * The inspector page under load: 100,000 tasks, then 1,000 changes per second for 10 s, in
 * Debian's Chromium.
 *
 *   npm run bench:inspector            (TASKS=100000 RATE=1000 SECONDS=10)
 *
 * Reports the time to first render (navigation start to the list drawn with every task), the
 * page's work per frame (applying a batch of changes and redrawing the visible rows), the interval
 * between frames while changes stream in and the list scrolls, and whether the page caught up.
 */
import { chromium } from 'playwright';
import { createTaskManager } from '../src/index.js';
import { serveInspector } from '../src/inspector.js';
import { browserProblem, chromiumArgs, chromiumPath } from '../vitest.browser.js';

const TASKS = Number(process.env.TASKS ?? 100_000);
const RATE = Number(process.env.RATE ?? 1000);
const SECONDS = Number(process.env.SECONDS ?? 10);

const problem = browserProblem();
if (problem !== undefined) {
  console.error(`bench:inspector needs Chromium: ${problem}`);
  process.exit(1);
}

const tasks = createTaskManager();
const made = performance.now();
for (let i = 0; i < TASKS; i++) await tasks.create(`task-${i}`, { metadata: { n: i } });
console.log(`${TASKS.toLocaleString('en')} tasks created in ${Math.round(performance.now() - made)} ms`);
const inspector = await serveInspector(tasks, { log: false });
// Run from sources, the server bundles the page on its first request (a built package ships it):
// not part of what a user waits for.
await fetch(inspector.url.split('#')[0] as string).then((response) => response.text());

const browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs] });
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
await page.goto(inspector.url);
await page.waitForFunction(
  `globalThis.tooltaskInspector?.table.size === ${TASKS} && document.body.dataset.ready === 'true'`,
);
const [script, reset, firstRender] = await page.evaluate(() =>
  ['script', 'reset', 'first-render'].map(
    (name) => performance.getEntriesByName(`tooltask-inspector-${name}`)[0]?.startTime ?? Number.NaN,
  ),
);

// Frame intervals, measured in the page by a requestAnimationFrame loop of its own.
// (A string: tsx would wrap a named function in a helper the page does not have.)
await page.evaluate(`
  globalThis.intervals = [];
  let last = performance.now();
  requestAnimationFrame(function loop(now) {
    globalThis.intervals.push(now - last);
    last = now;
    requestAnimationFrame(loop);
  });
  globalThis.tooltaskInspector.frames.length = 0;
`);

const started = performance.now();
let sent = 0;
let step = 0;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const due = Math.min(RATE * SECONDS, Math.floor(((performance.now() - started) / 1000) * RATE));
    for (; sent < due; sent++) {
      step++;
      const id = `task-${(step * 7919) % TASKS}`;
      void tasks.update(id, (step % 100) / 100, `step ${step}`);
    }
    if (sent >= RATE * SECONDS) {
      clearInterval(timer);
      resolve();
    }
  }, 10);
  // Scroll while the changes stream: the virtualised list redraws other rows every step.
  const scroll = setInterval(() => {
    if (sent >= RATE * SECONDS) clearInterval(scroll);
    void page.evaluate(`{
      const viewport = document.querySelector('.viewport');
      if (viewport !== null) viewport.scrollTop = (viewport.scrollTop + 1500) % (viewport.scrollHeight - 900);
    }`);
  }, 100);
});
const elapsed = (performance.now() - started) / 1000;
const caughtUp = performance.now();
const expected = await tasks.list();
await page.waitForFunction(
  (rows) => {
    const table = (
      globalThis as unknown as { tooltaskInspector: { table: { get(id: string): { seq: number } | undefined } } }
    ).tooltaskInspector.table;
    return rows.every(([id, seq]) => table.get(id as string)?.seq === seq);
  },
  expected.filter((_, index) => index % 97 === 0).map((task) => [task.id, task.seq]),
);
const lag = performance.now() - caughtUp;
const { frames, intervals } = await page.evaluate(() => ({
  frames: (globalThis as unknown as { tooltaskInspector: { frames: number[] } }).tooltaskInspector.frames,
  intervals: (globalThis as unknown as { intervals: number[] }).intervals,
}));

function stats(values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return `p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${at(1).toFixed(1)} ms (${values.length})`;
}

console.log(
  `time to first render (${TASKS.toLocaleString('en')} tasks): ${Math.round(firstRender ?? Number.NaN)} ms ` +
    `(script running at ${Math.round(script ?? Number.NaN)} ms, every task received at ${Math.round(reset ?? Number.NaN)} ms)`,
);
console.log(
  `changes: ${sent.toLocaleString('en')} in ${elapsed.toFixed(1)} s (${Math.round(sent / elapsed)}/s), scrolling`,
);
console.log(`page work per frame (last 600 frames): ${stats(frames)}`);
console.log(`frame interval while updating: ${stats(intervals)}`);
console.log(`caught up ${Math.round(lag)} ms after the last change (every 97th task checked by seq)`);

await browser.close();
await inspector.close();
await tasks.dispose();
