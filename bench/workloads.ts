import type { Contender, ContenderFactory, Handle } from './contender.js';

/** One measured figure of a workload. */
export interface Metric {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  /** The median of `runs`, or the single measurement. */
  readonly value: number;
  readonly higherIsBetter: boolean;
  readonly runs: readonly number[];
  readonly note?: string | undefined;
}

export type Workload = (factory: ContenderFactory) => Promise<Metric[] | undefined>;

export const N = 100_000;
const RUNS = 5;

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('Run with node --expose-gc');
  collect();
  collect();
};

function heap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function metric(
  key: string,
  label: string,
  unit: string,
  runs: readonly number[],
  higherIsBetter: boolean,
  note?: string,
): Metric {
  return { key, label, unit, value: median(runs), higherIsBetter, runs, note };
}

// `await` only what is a Promise: a synchronous contender is not charged a microtask per call.
type Maybe<T> = T | Promise<T>;
const isThenable = (value: unknown): value is Promise<unknown> =>
  typeof (value as { then?: unknown } | null)?.then === 'function';

async function createMany(contender: Contender, from: number, count: number): Promise<Handle[]> {
  const handles: Handle[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const made: Maybe<Handle> = contender.create(from + i);
    handles[i] = isThenable(made) ? await made : made;
  }
  return handles;
}

async function lifecycle(contender: Contender, from: number, count: number, updates: number): Promise<number> {
  let notified = 0;
  const listener = () => {
    notified++;
  };
  for (let i = 0; i < count; i++) {
    const made = contender.create(from + i);
    const handle = isThenable(made) ? await made : made;
    const unsubscribe = updates > 0 ? contender.subscribe(handle, listener) : undefined;
    for (let k = 1; k <= updates; k++) {
      const updated = contender.update(handle, k / (updates + 1), `step ${k}`);
      if (isThenable(updated)) await updated;
    }
    const completed = contender.complete(handle, i);
    if (isThenable(completed)) await completed;
    unsubscribe?.();
  }
  return notified;
}

/**
 * W1 / W2: N tasks through their whole life, in one instance that keeps them all (as each contender
 * does by default), timed in RUNS consecutive slices of N / RUNS after a warm-up slice: so the
 * store grows to N as in one pass, and each slice is one run.
 */
function lifecycleWorkload(key: string, label: string, updates: number): Workload {
  return async (factory) => {
    const contender = factory.create();
    const slice = N / RUNS;
    await lifecycle(contender, 10_000_000, slice / 2, updates);
    const runs: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now();
      await lifecycle(contender, run * slice, slice, updates);
      runs.push(slice / ((performance.now() - start) / 1000));
    }
    await contender.dispose();
    return [metric(key, label, 'tasks/s', runs, true)];
  };
}

const w3: Workload = async (factory) => {
  const contender = factory.create();
  const handles = await createMany(contender, 0, N);
  const order = shuffled(handles);
  const runs: number[] = [];
  for (let run = -1; run < RUNS; run++) {
    const start = performance.now();
    for (const handle of order) {
      const found = contender.get(handle);
      if (isThenable(found)) await found;
    }
    if (run >= 0) runs.push(N / ((performance.now() - start) / 1000));
  }
  const metrics = [metric('w3', 'W3 get by id, N live', 'gets/s', runs, true)];
  const { getAsync } = contender;
  if (getAsync !== undefined) {
    const awaited: number[] = [];
    for (let run = -1; run < RUNS; run++) {
      const start = performance.now();
      for (const handle of order) await getAsync(handle);
      if (run >= 0) awaited.push(N / ((performance.now() - start) / 1000));
    }
    metrics.push(metric('w3async', 'W3 get by id through a Promise, N live', 'gets/s', awaited, true));
  }
  await contender.dispose();
  return metrics;
};

const w4: Workload = async (factory) => {
  const contender = factory.create();
  await createMany(contender, 0, N);
  const list: number[] = [];
  const walk: number[] = [];
  let note: string | undefined;
  for (let run = -1; run < RUNS; run++) {
    let start = performance.now();
    const listed = contender.listAll();
    const count = isThenable(listed) ? await listed : listed;
    const listMs = performance.now() - start;
    if (count !== N) throw new Error(`${factory.name} listed ${count} tasks, expected ${N}`);
    start = performance.now();
    const walked = await contender.walk(100);
    const walkMs = walked.ms ?? performance.now() - start;
    if (walked.tasks !== N) throw new Error(`${factory.name} walked ${walked.tasks} tasks, expected ${N}`);
    note = walked.extrapolated;
    if (run >= 0) {
      list.push(listMs);
      walk.push(walkMs);
    }
  }
  await contender.dispose();
  return [
    metric('w4list', 'W4 list all once, N', 'ms', list, false),
    metric('w4walk', 'W4 walk every page of 100, N', 'ms', walk, false, note),
  ];
};

/**
 * W5: heap per task, after a full GC before and after: N live tasks in one instance, then N
 * finished tasks kept in another. One measured run each, after a warm-up instance: heap figures
 * repeat to within 0.1% run to run, and each run costs N creates.
 */
const w5: Workload = async (factory) => {
  const warm = factory.create();
  await createMany(warm, 10_000_000, 10_000);
  await lifecycle(warm, 11_000_000, 10_000, 0);
  await warm.dispose();
  let before = heap();
  let contender: Contender | undefined = factory.create();
  await createMany(contender, 0, N);
  const live = (heap() - before) / N;
  await contender.dispose();
  contender = undefined;
  before = heap();
  contender = factory.create();
  await lifecycle(contender, 0, N, 0);
  const terminal = (heap() - before) / N;
  await contender.dispose();
  return [
    metric('w5live', 'W5 heap per live task', 'B', [live], false),
    metric('w5terminal', 'W5 heap per retained terminal task', 'B', [terminal], false),
  ];
};

/** W6: one task, 1,000 subscribers, 1,000 updates: notifications per second. */
const w6: Workload = async (factory) => {
  const contender = factory.create();
  const SUBSCRIBERS = 1_000;
  const UPDATES = 1_000;
  const runs: number[] = [];
  // Three rounds of warm-up: a million notifications each, so every contender is measured with its
  // fan-out path compiled (one round left tooltask's first measured rounds at half speed).
  const WARMUP = 3;
  for (let run = -WARMUP; run < RUNS; run++) {
    const made = contender.create(20_000_000 + run);
    const handle = isThenable(made) ? await made : made;
    let notified = 0;
    const unsubscribes: (() => void)[] = [];
    for (let s = 0; s < SUBSCRIBERS; s++) {
      // One function per subscriber: a Set of listeners keeps one copy of a function added twice.
      unsubscribes.push(
        contender.subscribe(handle, () => {
          notified++;
        }),
      );
    }
    notified = 0;
    const start = performance.now();
    for (let k = 1; k <= UPDATES; k++) {
      const updated = contender.update(handle, k / (UPDATES + 1), 'step');
      if (isThenable(updated)) await updated;
    }
    const seconds = (performance.now() - start) / 1000;
    if (notified !== SUBSCRIBERS * UPDATES) {
      throw new Error(`${factory.name} notified ${notified}, expected ${SUBSCRIBERS * UPDATES}`);
    }
    for (const unsubscribe of unsubscribes) unsubscribe();
    if (run >= 0) runs.push(notified / seconds);
  }
  await contender.dispose();
  return [metric('w6', 'W6 1 task × 1,000 subscribers × 1,000 updates', 'notifications/s', runs, true)];
};

/**
 * The W7 and W8 targets are tooltask's own figures, and a million actors take most of a minute to
 * fill: by default only tooltask goes to a million; the others stop at 100k (W7) and 200k (W8),
 * marked in the table. `BENCH_FULL=1` runs every contender at full scale; `BENCH_W7_MAX` and
 * `BENCH_W8_TOTAL` set the sizes by hand.
 */
const FULL = process.env.BENCH_FULL === '1';
const W7_MAX = Number(process.env.BENCH_W7_MAX ?? 1_000_000);
export const W7_LEVELS = [1_000, 100_000, W7_MAX] as const;
const W8_TOTAL = Number(process.env.BENCH_W8_TOTAL ?? 1_000_000);
const fullScale = (factory: ContenderFactory) => FULL || factory.name === 'tooltask';

/**
 * W7: cost of one create with 1k, 100k and 1M tasks live. At each level, 7 batches of 1,000 creates
 * are timed; each batch is then removed (untimed), so the live count stays at the level.
 */
const w7: Workload = async (factory) => {
  const warm = factory.create();
  await lifecycle(warm, 10_000_000, 5_000, 0);
  await warm.dispose();
  const contender = factory.create();
  const BATCH = 1_000;
  const metrics: Metric[] = [];
  let live = 0;
  let next = 30_000_000;
  const levels = fullScale(factory) ? W7_LEVELS : W7_LEVELS.filter((level) => level <= 100_000);
  for (const level of levels) {
    await createMany(contender, live, level - live);
    live = level;
    const runs: number[] = [];
    for (let batch = 0; batch < 7; batch++) {
      const start = performance.now();
      const handles = await createMany(contender, next, BATCH);
      runs.push(((performance.now() - start) * 1000) / BATCH);
      next += BATCH;
      for (const handle of handles) {
        const removed = contender.remove(handle);
        if (isThenable(removed)) await removed;
      }
    }
    metrics.push(metric(`w7_${level}`, `W7 create with ${level.toLocaleString('en')} live`, 'µs', runs, false));
  }
  // No dispose: ending a million tasks one by one measures nothing here, and the child process
  // exits right after this workload.
  return metrics;
};

/** W8: 1,000,000 tasks run to completion and forgotten, in batches of 1,000: heap growth. */
const w8: Workload = async (factory) => {
  const contender = factory.create();
  const { churn, settle } = contender;
  if (churn === undefined || settle === undefined) return undefined;
  const TOTAL = fullScale(factory) ? W8_TOTAL : Math.min(W8_TOTAL, 200_000);
  const capped = TOTAL === W8_TOTAL ? undefined : `after ${TOTAL.toLocaleString('en')} tasks (BENCH_FULL=1 for all)`;
  const BATCH = 1_000;
  const pass = async (from: number, count: number) => {
    for (let i = 0; i < count; i += BATCH) {
      for (let k = 0; k < BATCH; k++) {
        const churned = churn(from + i + k);
        if (isThenable(churned)) await churned;
      }
      await settle();
    }
  };
  await pass(10_000_000, 20_000);
  const before = heap();
  const start = performance.now();
  await pass(0, TOTAL);
  const seconds = (performance.now() - start) / 1000;
  const growth = heap() - before;
  await contender.dispose();
  return [
    metric(
      'w8growth',
      `W8 heap growth after ${W8_TOTAL.toLocaleString('en')} tasks`,
      'MB',
      [growth / 1e6],
      false,
      capped,
    ),
    metric('w8rate', 'W8 churn rate', 'tasks/s', [TOTAL / seconds], true, capped),
  ];
};

export const WORKLOADS: Readonly<Record<string, Workload>> = {
  w1: lifecycleWorkload('w1', 'W1 create + complete, N', 0),
  w2: lifecycleWorkload('w2', 'W2 create + subscriber + 10 updates + complete, N', 10),
  w3,
  w4,
  w5,
  w6,
  w7,
  w8,
};

function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  let seed = 42;
  for (let i = copy.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = seed % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
