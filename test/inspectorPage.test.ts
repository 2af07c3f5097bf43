import { type Browser, chromium, type Page } from 'playwright';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTaskManager, type Store, TaskCancelledError, type TaskManager } from '../src/index.js';
import { type Inspector, serveInspector } from '../src/inspector.js';
import { browserProblem, chromiumArgs, chromiumPath, skippedBanner } from '../vitest.browser.js';
import { type ControlledWork, controlledWork, flush } from './helpers.js';
import { storeOfFinishedTasks } from './inspectorStore.js';

/**
 * The inspector page in real Chromium (Debian's), on a real manager and server: what a user sees.
 * Without the browser the suite is skipped loudly, or fails under TOOLTASK_REQUIRE_BROWSER=1.
 */
const problem = browserProblem();
if (problem !== undefined) {
  if (process.env.TOOLTASK_REQUIRE_BROWSER === '1') throw new Error(`TOOLTASK_REQUIRE_BROWSER=1, but ${problem}`);
  console.warn(skippedBanner(problem));
}

let browser: Browser | undefined;
let manager: TaskManager | undefined;
let inspector: Inspector | undefined;
let page: Page | undefined;

beforeAll(async () => {
  if (problem === undefined) browser = await chromium.launch({ executablePath: chromiumPath, args: [...chromiumArgs] });
}, 30_000);
afterAll(async () => {
  await browser?.close();
});
afterEach(() => closeAll());

async function closeAll() {
  await page?.close();
  await inspector?.close();
  await manager?.dispose();
  page = undefined;
  inspector = undefined;
  manager = undefined;
}

async function open(
  options: { actions?: boolean; store?: Store; width?: number; height?: number; token?: string } = {},
) {
  const { store, width = 1400, height = 900, ...served } = options;
  manager = createTaskManager(store === undefined ? {} : { store });
  inspector = await serveInspector(manager, { log: false, ...served });
  page = await (browser as Browser).newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { manager, inspector, page, errors };
}

async function goto(target: Page, url: string) {
  await target.goto(url);
  await target.waitForSelector('body[data-ready="true"]');
}

const row = (target: Page, id: string) => target.locator(`.row[data-id="${id}"]`);

/** Runs `count` works the test drives, with ids `prefix-0`…. */
async function runMany(tasks: TaskManager, prefix: string, count: number): Promise<ControlledWork[]> {
  const works: ControlledWork[] = [];
  for (let i = 0; i < count; i++) {
    const work = controlledWork();
    works.push(work);
    await tasks.run(work.work, { id: `${prefix}-${i}` });
  }
  await flush();
  return works;
}

// Each test loads the page (a 1.5 MB script) in a fresh tab: seconds apiece on a busy machine.
describe.skipIf(problem !== undefined)('the inspector page in Chromium', { timeout: 60_000 }, () => {
  it('shows tasks appear and move, with counts per state and the registry', async () => {
    const { manager, inspector, page, errors } = await open();
    await manager.create('first');
    await goto(page, inspector.url);
    await expect.poll(() => row(page, 'first').locator('.state').textContent()).toBe('pending');

    const [work] = await runMany(manager, 'job', 1);
    await expect.poll(() => row(page, 'job-0').locator('.state').textContent()).toBe('running');
    work?.context?.progress(0.5, 'halfway');
    await expect.poll(() => row(page, 'job-0').locator('.message').textContent()).toBe('halfway');
    await expect.poll(() => row(page, 'job-0').locator('.bar').getAttribute('aria-valuenow')).toBe('50');
    work?.context?.requestInput({ message: 'Proceed?' });
    await expect.poll(() => row(page, 'job-0').locator('.state').textContent()).toBe('awaiting');
    await expect.poll(() => page.locator('[data-count="awaiting"] b').textContent()).toBe('1');
    await manager.complete('first', 'ok');
    await expect.poll(() => row(page, 'first').locator('.state').textContent()).toBe('complete');
    await expect.poll(() => page.getByTestId('registry').textContent()).toBe('slots 1/∞ · queued 0 · live 1');
    // Newest first by default; creation order on demand; filter by state and search by id.
    expect(await page.locator('.row:not([hidden]) .id').allTextContents()).toEqual(['job-0', 'first']);
    await page.getByLabel('order').selectOption('created');
    await expect.poll(() => page.locator('.row:not([hidden]) .id').allTextContents()).toEqual(['first', 'job-0']);
    await page.locator('[data-count="complete"]').click();
    await expect.poll(() => page.locator('.row:not([hidden]) .id').allTextContents()).toEqual(['first']);
    await page.locator('[data-count="complete"]').click();
    await page.getByLabel('search by id').fill('job');
    await expect.poll(() => page.locator('.row:not([hidden]) .id').allTextContents()).toEqual(['job-0']);
    expect(errors).toEqual([]);
  });

  it("opens a task: every region's active state lit, the last transition highlighted, its timeline", async () => {
    const { manager, inspector, page } = await open();
    const [work] = await runMany(manager, 'job', 1);
    work?.context?.progress(0.3, 'working');
    work?.context?.requestInput({ message: 'Proceed?' });
    await goto(page, inspector.url);
    await row(page, 'job-0').click();
    await page.waitForSelector('.chart svg [data-active="true"]');
    const lit = () =>
      page
        .locator('.chart [data-kind][data-active="true"]')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-state-id')));
    await expect
      .poll(lit)
      .toEqual([
        'task.running',
        'task.running.work',
        'task.running.work.working',
        'task.running.client',
        'task.running.client.awaiting',
      ]);
    const taken = () =>
      page
        .locator('.chart [data-taken="true"]')
        .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-event')));
    await expect.poll(taken).toEqual(['task.requestInput']);
    await expect
      .poll(() => page.getByTestId('timeline').locator('td.event').allTextContents())
      .toEqual(['xstate.init', 'task.start', 'task.progress', 'task.requestInput']);

    // It follows the task: resumed, then done.
    await manager.resume('job-0', 'yes');
    await expect.poll(lit).toContain('task.running.client.free');
    await expect.poll(taken).toEqual(['task.resume']);
    work?.resolve({ rows: 3 });
    await expect.poll(lit).toEqual(['task.complete']);
    await expect.poll(taken).toEqual(['xstate.done.actor.work']);
    await expect.poll(() => page.getByTestId('result').textContent()).toContain('"rows": 3');
  });

  it("cancels a task from the page, which aborts its work's signal", async () => {
    const { manager, inspector, page } = await open({ actions: true });
    const [work] = await runMany(manager, 'job', 1);
    await goto(page, inspector.url);
    await row(page, 'job-0').click();
    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    await expect.poll(() => work?.context?.signal.aborted).toBe(true);
    expect(work?.context?.signal.reason).toBeInstanceOf(TaskCancelledError);
    await expect.poll(() => row(page, 'job-0').locator('.state').textContent()).toBe('cancelled');
    await expect.poll(() => page.getByTestId('detail-state').textContent()).toBe('cancelled');
    expect(await page.getByRole('button', { name: 'Cancel', exact: true }).isDisabled()).toBe(true);
  });

  it('shows no actions unless they are enabled', async () => {
    const { manager, inspector, page } = await open();
    await runMany(manager, 'job', 1);
    await goto(page, inspector.url);
    await row(page, 'job-0').click();
    await page.waitForSelector('.chart svg');
    expect(await page.getByRole('button', { name: 'Cancel', exact: true }).count()).toBe(0);
  });

  it('misses nothing across a reload in the middle of a run', async () => {
    const { manager, inspector, page } = await open();
    const works = await runMany(manager, 'job', 40);
    await goto(page, inspector.url);
    let step = 0;
    const busy = setInterval(() => {
      step++;
      for (const [index, work] of works.entries()) {
        if (index % 4 === step % 4) work.context?.progress(Math.min(1, step / 100), `step ${step}`);
      }
      if (step === 30) for (const work of works.slice(0, 10)) work.resolve('done');
    }, 5);
    await page.waitForTimeout(100);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.waitForTimeout(100);
    clearInterval(busy);
    await manager.create('last');
    const expected = (await manager.list()).map((task) => [task.id, task.state, task.seq]).sort();
    const shown = () =>
      page.evaluate(
        (ids: string[]) => {
          const { table } = (
            globalThis as unknown as {
              tooltaskInspector: {
                table: { size: number; get(id: string): { state: string; seq: number } | undefined };
              };
            }
          ).tooltaskInspector;
          return {
            size: table.size,
            rows: ids.map((id) => {
              const known = table.get(id);
              return [id, known?.state, known?.seq];
            }),
          };
        },
        expected.map(([id]) => id as string),
      );
    await expect.poll(shown).toEqual({ size: expected.length, rows: expected });
  });

  it('shows a script in a task message as text, never running it', async () => {
    const { manager, inspector, page } = await open();
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    await manager.create(`<b>bold</b>`, { metadata: { note: hostile } });
    await manager.update(`<b>bold</b>`, 0.1, hostile);
    await goto(page, inspector.url);
    const target = page.locator('.row').first();
    await expect.poll(() => target.locator('.message').textContent()).toBe(hostile);
    expect(await target.locator('.id').textContent()).toBe('<b>bold</b>');
    await target.click();
    await expect.poll(() => page.getByTestId('metadata').textContent()).toContain('<script>window.__pwned=2</script>');
    expect(await page.locator('main img, main script, main b').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
  });
});

/** What the page's table holds, read in the page. */
function tableOf(target: Page) {
  return target.evaluate(() => {
    const { table } = (
      globalThis as unknown as {
        tooltaskInspector: { table: { size: number; view(query: unknown): readonly { id: string }[] } };
      }
    ).tooltaskInspector;
    return { size: table.size, ids: table.view({ state: '', search: '', newestFirst: false }).map((row) => row.id) };
  });
}

describe.skipIf(problem !== undefined)(
  'the inspector page in Chromium: what issue 20 found',
  { timeout: 90_000 },
  () => {
    it('filters to the rows of one state, every other row out of sight', async () => {
      const { manager, inspector, page } = await open();
      for (let i = 0; i < 40; i++) await manager.create(`t-${i}`);
      for (let i = 0; i < 6; i++) await manager.fail(`t-${i * 6}`, new Error('broke'));
      await goto(page, inspector.url);
      await expect.poll(() => page.locator('.row:visible').count()).toBeGreaterThan(6);
      await page.locator('[data-count="failed"]').click();
      await expect.poll(() => page.getByTestId('shown').textContent()).toBe('6 of 40');
      await expect.poll(() => page.locator('.row:visible').count()).toBe(6);
      expect(new Set(await page.locator('.row:visible .state').allTextContents())).toEqual(new Set(['failed']));
    });

    it('loads a page with more than 215,000 tasks', { timeout: 180_000 }, async () => {
      const { inspector, page, errors } = await open({
        // With a message, every task at once is over the 16 MiB a single first message once hit.
        store: storeOfFinishedTasks(216_000, { message: 'step 4 of 10: copying the nightly export' }),
      });
      await page.goto(inspector.url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 150_000 });
      await expect.poll(() => page.getByTestId('shown').textContent()).toBe('216,000 of 216,000');
      await expect.poll(() => page.locator('.row:visible').count()).toBeGreaterThan(10);
      expect(errors).toEqual([]);
    });

    it("shows only the new server's tasks after it restarts with the same token and port", async () => {
      const token = 'a-fixed-token-for-this-test';
      const first = await open({ token });
      await goto(first.page, first.inspector.url);
      await first.manager.create('old-task');
      await first.manager.update('old-task', 0.5, 'half');
      await expect.poll(() => row(first.page, 'old-task').locator('.message').textContent()).toBe('half');
      const port = Number(new URL(first.inspector.url).port);
      // The page retries while no server answers; it is kept off until the new one has changes
      // numbered past the page's last.
      await first.page.route('**/api/events', (route) => route.abort());
      await first.inspector.close();
      await first.manager.dispose();
      manager = createTaskManager();
      inspector = await serveInspector(manager, { log: false, token, port });
      await manager.create('new-task');
      for (let i = 1; i <= 5; i++) await manager.update('new-task', i / 10, `step ${i}`);
      await first.page.unroute('**/api/events');
      await expect.poll(() => row(first.page, 'new-task').count(), { timeout: 20_000 }).toBe(1);
      await expect.poll(() => tableOf(first.page)).toEqual({ size: 1, ids: ['new-task'] });
    });

    it('keeps the list and the task apart at 1024 px, and stacks them without sideways scroll at 800 px', async () => {
      for (const width of [1024, 800]) {
        const { manager, inspector, page } = await open({ width, height: 700 });
        await runMany(manager, 'job', 3);
        await goto(page, inspector.url);
        await row(page, 'job-0').click();
        await page.waitForSelector('.chart svg');
        // Strings, not functions: the node project's types have no DOM.
        const box = (selector: string) => page.locator(selector).first().boundingBox();
        const list = await box('.list');
        const detail = await box('.detail');
        const rights = await page
          .locator('.row:not([hidden])')
          .evaluateAll((rows) => rows.map((row) => row.getBoundingClientRect().right));
        const boxes = {
          list: { right: (list?.x ?? 0) + (list?.width ?? 0), bottom: (list?.y ?? 0) + (list?.height ?? 0) },
          detail: { left: detail?.x ?? 0, top: detail?.y ?? 0 },
          rowRight: Math.max(...rights),
          scrollWidth: await page.evaluate<number>('document.documentElement.scrollWidth'),
          width: await page.evaluate<number>('document.documentElement.clientWidth'),
        };
        expect(boxes.scrollWidth, `${width}`).toBeLessThanOrEqual(boxes.width);
        expect(boxes.rowRight, `${width}`).toBeLessThanOrEqual(boxes.list.right + 1);
        if (width === 1024) expect(boxes.list.right).toBeLessThanOrEqual(boxes.detail.left + 1);
        else expect(boxes.list.bottom).toBeLessThanOrEqual(boxes.detail.top + 1);
        await closeAll();
      }
    });

    it('keeps an opened timeline entry open while the task changes', async () => {
      const { manager, inspector, page } = await open();
      const [work] = await runMany(manager, 'job', 1);
      await goto(page, inspector.url);
      await row(page, 'job-0').click();
      await expect.poll(() => page.getByTestId('timeline').locator('tbody tr').count()).toBe(2);
      await page.getByTestId('timeline').locator('summary').first().click();
      for (let step = 1; step <= 3; step++) work?.context?.progress(step / 4, `step ${step}`);
      await expect.poll(() => page.getByTestId('timeline').locator('tbody tr').count()).toBe(5);
      expect(await page.getByTestId('timeline').locator('details[open]').count()).toBe(1);
      expect(await page.locator('[data-field="message"]').textContent()).toBe('step 3');
    });

    it('sends one action at a time and shows why one was refused', async () => {
      const { manager, inspector, page } = await open({ actions: true });
      await runMany(manager, 'job', 1);
      await goto(page, inspector.url);
      await row(page, 'job-0').click();
      await expect.poll(() => page.getByRole('button', { name: 'Cancel', exact: true }).isEnabled()).toBe(true);
      let sent = 0;
      // The task ends on the server while the page's click is on its way: the server refuses it.
      await page.route('**/api/tasks/*/cancel', async (route) => {
        sent++;
        await manager.complete('job-0', 'done first');
        await route.continue();
      });
      // Two clicks in one task: the second comes before any answer to the first.
      await page.getByRole('button', { name: 'Cancel', exact: true }).evaluate((button: { click(): void }) => {
        button.click();
        button.click();
      });
      await expect.poll(() => page.getByTestId('action-feedback').textContent()).toMatch(/^Cancel refused: .+/);
      expect(sent).toBe(1);
      expect((await manager.get('job-0')).state).toBe('complete');
    });

    it('takes the token out of the address bar and keeps it across a reload', async () => {
      const { manager, inspector, page } = await open();
      await manager.create('a');
      await goto(page, inspector.url);
      expect(page.url()).not.toContain(inspector.token);
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      await expect.poll(() => page.locator('.status').getAttribute('data-status')).toBe('live');
    });

    it('moves through the rows with the keyboard, opening each', async () => {
      const { manager, inspector, page } = await open();
      for (let i = 0; i < 5; i++) await manager.create(`k-${i}`);
      await goto(page, inspector.url);
      await page.getByLabel('order').selectOption('created');
      await page.keyboard.press('Tab');
      for (
        let i = 0;
        i < 20 && !(await page.evaluate<boolean>("document.activeElement?.getAttribute('role') === 'listbox'"));
        i++
      ) {
        await page.keyboard.press('Tab');
      }
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => page.locator('.detail h2').textContent()).toBe('k-0');
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => page.locator('.detail h2').textContent()).toBe('k-1');
      await page.keyboard.press('End');
      await expect.poll(() => page.locator('.detail h2').textContent()).toBe('k-4');
      expect(await page.locator('.row[aria-selected="true"] .id').textContent()).toBe('k-4');
    });

    it("shows a failed task's error in its row, and its stack as lines", async () => {
      const { manager, inspector, page } = await open();
      const [work] = await runMany(manager, 'job', 1);
      work?.context?.progress(0.5, 'copying');
      work?.reject(new Error('disk full'));
      await manager.wait('job-0');
      await goto(page, inspector.url);
      await expect.poll(() => row(page, 'job-0').locator('.message').textContent()).toBe('disk full');
      await row(page, 'job-0').click();
      await expect.poll(() => page.getByTestId('error').textContent()).toContain('Error: disk full');
      const stack = (await page.getByTestId('error-stack').textContent()) ?? '';
      expect(stack.split('\n').length).toBeGreaterThan(2);
      expect(stack).not.toContain('\\n');
    });
  },
);
