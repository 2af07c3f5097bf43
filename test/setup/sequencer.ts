import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that spend most of their time waiting on a child process of their own. They start first,
 * each on a worker of its own (the config gives the node project one worker more than vitest's
 * default for it), so the rest of the suite runs beside them instead of after them. Without this,
 * on a clean clone (no timing cache) vitest runs larger files first and `memory.test.ts`, small
 * and about five minutes long on two cores, ran last, alone.
 */
const WAITERS: readonly string[] = ['test/memory.test.ts'];

/** Vitest's own order (failed first, then longest, from its cache), with the waiters in front. */
export class WaitersFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => (WAITERS.some((file) => spec.moduleId.endsWith(`/${file}`)) ? 0 : 1);
    // Array.prototype.sort is stable: within each rank, vitest's order stands.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
