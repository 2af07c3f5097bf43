import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { searchForWorkspaceRoot } from 'vite';
import { configDefaults, defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { WaitersFirst } from './test/setup/sequencer.js';
import { browserProblem, chromiumArgs, chromiumPath, skippedBanner } from './vitest.browser.js';

const root = path.dirname(fileURLToPath(import.meta.url));
// Storybook's test plugin would otherwise report usage over the network.
process.env.STORYBOOK_DISABLE_TELEMETRY ??= '1';

// The browser projects run in Debian's Chromium; Playwright cannot download its own here.
const problem = browserProblem();
if (problem !== undefined) {
  if (process.env.TOOLTASK_REQUIRE_BROWSER === '1') throw new Error(`TOOLTASK_REQUIRE_BROWSER=1, but ${problem}`);
  console.warn(skippedBanner(problem));
}

// Where each story's screenshot goes (outside the repo); unset, no screenshots are taken.
const screenshots = process.env.TOOLTASK_SCREENSHOT_DIR ? path.resolve(process.env.TOOLTASK_SCREENSHOT_DIR) : '';
if (screenshots !== '') mkdirSync(screenshots, { recursive: true });

function browser(name: string) {
  return {
    enabled: true,
    headless: true,
    provider: playwright({
      launchOptions: {
        executablePath: chromiumPath,
        args: [...chromiumArgs],
      },
    }),
    instances: [{ browser: 'chromium' as const, name }],
    // One page at a time, as vitest's default gives on two cores, whatever `maxWorkers` says below.
    // (Deprecated in vitest 4.1 for the project's `fileParallelism`, which would force this
    // project's `maxWorkers` to 1: vitest refuses projects of one group with different ones.)
    fileParallelism: false,
  };
}

const node: TestProjectInlineConfiguration = {
  test: {
    name: 'node',
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/browser/**'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
    setupFiles: ['./test/setup/noUncaught.ts'],
    ...(problem === undefined ? {} : { globalSetup: ['./vitest.browser.ts'] }),
    testTimeout: 20_000,
  },
};

// page.screenshot() writes through the Vite server, which serves only allowed directories.
const shots = screenshots === '' ? {} : { server: { fs: { allow: [searchForWorkspaceRoot(root), screenshots] } } };

// The chart loads ELK on its first layout (a dynamic import): pre-bundle it with the rest, or Vite
// finds it mid-test, optimizes it then and reloads the page.
const optimizeDeps = { include: ['elkjs/lib/elk.bundled.js'] };

const stories: TestProjectInlineConfiguration = {
  plugins: [storybookTest({ configDir: path.join(root, '.storybook') })],
  optimizeDeps,
  ...shots,
  test: {
    name: 'stories',
    // A chart's first layout warms ELK up: seconds when the node tests load the machine.
    testTimeout: 45_000,
    setupFiles: ['./.storybook/vitest.screenshots.ts'],
    provide: { tooltaskScreenshotDir: screenshots },
    browser: browser('stories (chromium)'),
  },
};

const browserTests: TestProjectInlineConfiguration = {
  plugins: [react()],
  optimizeDeps,
  ...shots,
  test: {
    name: 'browser',
    testTimeout: 45_000,
    include: ['test/browser/**/*.test.{ts,tsx}'],
    provide: { tooltaskScreenshotDir: screenshots },
    browser: browser('browser (chromium)'),
  },
};

export default defineConfig({
  test: {
    projects: problem === undefined ? [node, stories, browserTests] : [node],
    // Vitest's default is a worker per core but one; `memory.test.ts` holds a worker for minutes
    // while its own child process does the work, so the node tests get one more, and the sequencer
    // starts that file first: the rest runs beside it (test stage 556-661 s on two cores before).
    maxWorkers: Math.max(availableParallelism(), 2),
    sequence: { sequencer: WaitersFirst },
  },
});
