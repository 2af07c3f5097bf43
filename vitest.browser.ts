import { existsSync } from 'node:fs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where browser tests save screenshots (`TOOLTASK_SCREENSHOT_DIR`); `''` for nowhere. */
    tooltaskScreenshotDir: string;
  }
}

/** The Chromium the browser projects launch: Debian's, or `CHROMIUM_PATH`. */
export const chromiumPath: string = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags every Chromium here is launched with (vitest's browser projects and the inspector tests). */
export const chromiumArgs: readonly string[] = [
  '--no-sandbox',
  '--disable-dev-shm-usage',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Why the browser tests cannot run, or `undefined` when they can. */
export function browserProblem(): string | undefined {
  if (existsSync(chromiumPath)) return undefined;
  return `Chromium not found at ${chromiumPath} (set CHROMIUM_PATH, or run .ci/install-browser.sh)`;
}

/** The warning `npm test` prints, before and after the node tests, when it skips the browser. */
export function skippedBanner(problem: string): string {
  const bar = '!'.repeat(78);
  return [
    '',
    bar,
    `!! BROWSER TESTS SKIPPED: ${problem}.`,
    '!! Only the node tests ran; the stories and the React tests did NOT.',
    '!! Set TOOLTASK_REQUIRE_BROWSER=1 to make this an error.',
    bar,
    '',
  ].join('\n');
}

/** Global setup of the node project when the browser is missing: says so again at the very end. */
export default function warnAtTheEnd(): () => void {
  return () => {
    const problem = browserProblem();
    if (problem !== undefined) console.warn(skippedBanner(problem));
  };
}
