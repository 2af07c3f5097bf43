import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { searchForWorkspaceRoot } from 'vite';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

const root = path.dirname(fileURLToPath(import.meta.url));

// The browser projects run in Debian's Chromium; Playwright cannot download its own here.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveBrowser = existsSync(chromium);
if (!haveBrowser) {
  const problem = `Chromium not found at ${chromium} (set CHROMIUM_PATH, or run .ci/install-browser.sh)`;
  if (process.env.TOOLTASK_REQUIRE_BROWSER === '1') {
    throw new Error(`TOOLTASK_REQUIRE_BROWSER=1, but ${problem}`);
  }
  const bar = '!'.repeat(78);
  console.warn(
    `\n${bar}\n!! BROWSER TESTS SKIPPED: ${problem}.\n` +
      `!! Only the node tests run; the stories and React tests do NOT.\n` +
      `!! Set TOOLTASK_REQUIRE_BROWSER=1 to make this an error.\n${bar}\n`,
  );
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
        executablePath: chromium,
        args: [
          '--no-sandbox',
          '--disable-dev-shm-usage',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      },
    }),
    instances: [{ browser: 'chromium' as const, name }],
  };
}

const node: TestProjectInlineConfiguration = {
  test: {
    name: 'node',
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'] },
    testTimeout: 20_000,
  },
};

const stories: TestProjectInlineConfiguration = {
  plugins: [storybookTest({ configDir: path.join(root, '.storybook') })],
  // page.screenshot() writes through the Vite server, which serves only allowed directories.
  ...(screenshots === '' ? {} : { server: { fs: { allow: [searchForWorkspaceRoot(root), screenshots] } } }),
  test: {
    name: 'stories',
    setupFiles: ['./.storybook/vitest.screenshots.ts'],
    provide: { tooltaskScreenshotDir: screenshots },
    browser: browser('stories (chromium)'),
  },
};

const reactProject: TestProjectInlineConfiguration = {
  plugins: [react()],
  test: { name: 'react', include: ['test/browser/**/*.test.tsx'], browser: browser('react (chromium)') },
};

export default defineConfig({
  test: { projects: haveBrowser ? [node, stories, reactProject] : [node] },
});
