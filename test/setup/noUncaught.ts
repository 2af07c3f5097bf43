import { afterEach } from 'vitest';

/**
 * Nothing tooltask does may raise an `uncaughtException` or an `unhandledRejection`, whatever
 * its store, callbacks or input do: every test of the suite fails when one happened during it.
 * (Tests that make a subscriber throw on purpose route RxJS's report through `config.onUnhandledError`.)
 */
const caught: Array<{ readonly kind: string; readonly error: unknown }> = [];
process.on('uncaughtException', (error) => caught.push({ kind: 'uncaughtException', error }));
process.on('unhandledRejection', (error) => caught.push({ kind: 'unhandledRejection', error }));

afterEach(async () => {
  // Let a rejection made at the end of the test be seen as unhandled, or handled.
  await new Promise((resolve) => setImmediate(resolve));
  if (caught.length === 0) return;
  const found = caught.splice(0);
  throw new Error(
    `Expected no uncaught errors, got ${found.length}: ${found
      .map(({ kind, error }) => `${kind}: ${error instanceof Error ? error.stack : String(error)}`)
      .join('\n')}`,
  );
});
