// After each story test, saves a PNG of the rendered story when TOOLTASK_SCREENSHOT_DIR is set
// (passed into the browser with `test.provide`). Screenshots stay out of the repo.
import { afterEach, inject } from 'vitest';
import { page } from 'vitest/browser';

const dir = inject('tooltaskScreenshotDir');

if (dir !== '') {
  afterEach(async ({ task }) => {
    const storyId = (task.meta as { storyId?: string }).storyId ?? task.name;
    // In vitest mode Storybook renders each story into a bare <div> appended to <body>.
    const candidates = document.querySelectorAll<HTMLElement>('#storybook-root, body > div:not([class])');
    const root = candidates[candidates.length - 1];
    await page.screenshot({
      path: `${dir}/${storyId}.png`,
      ...(root !== undefined && root.getBoundingClientRect().height > 0 ? { element: root } : {}),
    });
  });
}
