// `npm run bench:redis`: tooltask on Redis against BullMQ (Queue + Worker + QueueEvents) and against
// tooltask in memory, on one redis-server this script starts: BENCH_RUNS runs (default 5), the two
// contenders alternating which goes first, medians reported with the load average.
//   1. create + complete per second, one process;
//   2. 10 progress updates per task, followed by a subscriber in another process: tasks/s, and the
//      p50/p99 latency from each update to its delivery there;
//   3. cross-process cancel to the work's abort: p50/p99;
//   4. Redis memory per finished task (`INFO memory`, 100k tasks);
//   6. CPU per task with 4 processes on one namespace against one process (25k tasks each);
//   7. retention under churn (50k tasks, 2 s ttl): index entries left, a page after, SLOWLOG.
// Sizes: BENCH_N (section 1, default 20,000), BENCH_FOLLOW (2, 2,000 tasks), BENCH_CANCEL (3, 300),
// BENCH_MEMORY (4, 100,000), BENCH_SHARE (6, 25,000 per process), BENCH_CHURN (7, 50,000). Child processes run with `node --import tsx bench/redis.ts <role> …`.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { createClient } from 'redis';
import { createTaskManager, type TaskManager } from '../src/index.js';
import { type RedisStore, redisStore } from '../src/redis/index.js';
import { SCRIPTS } from '../src/redis/scripts.js';
import { serveCommands } from '../test/redis/bridge.js';
import { startRedis } from '../test/redis/server.js';

const now = (): number => performance.timeOrigin + performance.now();
const size = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Runs `count` jobs, `window` at a time. */
async function pool(count: number, window: number, job: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: window }, lane));
}

function bullConnection(url: string) {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port), maxRetriesPerRequest: null };
}

/** A child process of this script in `role`; resolves its stdout lines one by one. */
function child(role: string, ...args: string[]): { process: ChildProcess; lines: AsyncIterator<string> } {
  const started = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, role, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: started.stdout as NonNullable<ChildProcess['stdout']> })[
    Symbol.asyncIterator
  ]();
  return { process: started, lines };
}

async function line(lines: AsyncIterator<string>): Promise<string> {
  const next = await lines.next();
  if (next.done) throw new Error('Expected a line from the child process, got its end');
  return next.value;
}

// ---------------------------------------------------------------------------------------------
// 1. create + complete per second, one process

async function createComplete(tasks: TaskManager, count: number, flush: () => Promise<unknown>): Promise<number> {
  const start = now();
  await pool(count, 200, async (i) => {
    await tasks.create(`cc${i}`);
    await tasks.complete(`cc${i}`, i);
  });
  // Every write acknowledged by the store, not only handed to it.
  await flush();
  return count / ((now() - start) / 1000);
}

async function bullCreateComplete(url: string, count: number): Promise<number> {
  const connection = bullConnection(url);
  const queue = new Queue('cc', { connection });
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((resolve) => {
    finished = resolve;
  });
  const worker = new Worker('cc', async (job) => job.data as number, { connection, concurrency: 200 });
  worker.on('completed', () => {
    if (++done === count) finished();
  });
  const start = now();
  await pool(count, 200, (i) => queue.add('job', i));
  await all;
  const rate = count / ((now() - start) / 1000);
  await worker.close();
  await queue.close();
  return rate;
}

// ---------------------------------------------------------------------------------------------
// 2. ten progress updates per task, followed from another process

/** Child: follows every change of the namespace; prints latencies once `count` tasks finished. */
async function followTooltask(url: string, namespace: string, count: number): Promise<void> {
  const store = redisStore({ url, namespace });
  await store.cluster.start();
  const latencies: number[] = [];
  let finished = 0;
  let last = 0;
  const done = new Promise<void>((resolve) => {
    store.cluster.followAll().subscribe((event) => {
      if (event.kind !== 'snapshot') return;
      const at = now();
      const sent = Number(event.snapshot.message);
      if (event.snapshot.state === 'running' && Number.isFinite(sent)) latencies.push(at - sent);
      if (event.snapshot.state === 'complete' && ++finished === count) {
        last = at;
        resolve();
      }
    });
  });
  console.log('ready');
  await done;
  report(latencies, last);
  await store.close();
}

async function followBull(url: string, count: number): Promise<void> {
  const events = new QueueEvents('follow', { connection: bullConnection(url) });
  await events.waitUntilReady();
  const latencies: number[] = [];
  let finished = 0;
  let last = 0;
  const done = new Promise<void>((resolve) => {
    events.on('progress', ({ data }) => latencies.push(now() - Number(data)));
    events.on('completed', () => {
      if (++finished === count) {
        last = now();
        resolve();
      }
    });
  });
  console.log('ready');
  await done;
  report(latencies, last);
  await events.close();
}

/** A follower's summary, one short line (a long one may not be flushed before the child exits). */
function report(latencies: number[], last: number): void {
  const summary = { p50: percentile(latencies, 50), p99: percentile(latencies, 99), delivered: latencies.length, last };
  console.log(JSON.stringify(summary));
}

interface FollowResult {
  readonly tasksPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly delivered: number;
}

async function followed(role: string[], count: number, produce: () => Promise<void>): Promise<FollowResult> {
  const follower = child(...(role as [string, ...string[]]));
  if ((await line(follower.lines)) !== 'ready') throw new Error('follower not ready');
  const start = now();
  await produce();
  const summary = JSON.parse(await line(follower.lines)) as Omit<FollowResult, 'tasksPerSecond'> & { last: number };
  await once(follower.process, 'exit');
  return { ...summary, tasksPerSecond: count / ((summary.last - start) / 1000) };
}

/**
 * Each task's work reports 10 steps. `awaited`: each waits until Redis has the step
 * (`await tasks.update(…)`), as BullMQ's worker awaits `job.updateProgress`; else `progress()`
 * and a turn of the event loop, so steps queue while a write is under way (and are coalesced).
 */
async function tenUpdates(tasks: TaskManager, count: number, awaited: boolean): Promise<void> {
  await pool(count, 100, async (i) => {
    const task = await tasks.run(
      async ({ progress }) => {
        for (let step = 1; step <= 10; step++) {
          if (awaited) {
            await tasks.update(`f${i}`, step / 10, String(now()));
            continue;
          }
          progress(step / 10, String(now()));
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        return 'done';
      },
      { id: `f${i}` },
    );
    await tasks.wait(task.id);
  });
}

async function bullTenUpdates(url: string, count: number): Promise<void> {
  const connection = bullConnection(url);
  const queue = new Queue('follow', { connection });
  const worker = new Worker(
    'follow',
    async (job) => {
      for (let step = 1; step <= 10; step++) await job.updateProgress(now());
      return 'done';
    },
    { connection, concurrency: 100 },
  );
  let done = 0;
  const all = new Promise<void>((resolve) =>
    worker.on('completed', () => {
      if (++done === count) resolve();
    }),
  );
  await pool(count, 100, (i) => queue.add('job', i));
  await all;
  await worker.close();
  await queue.close();
}

// ---------------------------------------------------------------------------------------------
// 3. cross-process cancel to the work's abort

/** Child: owns `count` running tasks whose work waits for its signal; prints when each aborted. */
async function cancelOwner(url: string, namespace: string, count: number): Promise<void> {
  const store = redisStore({ url, namespace });
  const tasks = createTaskManager({ store });
  serveCommands(tasks, store.cluster);
  await store.cluster.start();
  for (let i = 0; i < count; i++) {
    await tasks.run(
      ({ signal }) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => {
            console.log(JSON.stringify({ id: `k${i}`, at: now() }));
            reject(signal.reason);
          });
        }),
      { id: `k${i}` },
    );
  }
  await store.load(`k${count - 1}`);
  console.log('ready');
  await new Promise((resolve) => process.stdin.once('close', resolve).resume());
}

async function cancelFrom(url: string, namespace: string, count: number): Promise<number[]> {
  const owner = spawn(
    process.execPath,
    ['--import', 'tsx', new URL(import.meta.url).pathname, 'cancel-owner', url, namespace, String(count)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: owner.stdout })[Symbol.asyncIterator]();
  if ((await line(lines)) !== 'ready') throw new Error('owner not ready');
  const store = redisStore({ url, namespace });
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const sent = now();
    await store.cluster.send({ method: 'cancel', id: `k${i}`, args: ['bench'] });
    const { at } = JSON.parse(await line(lines)) as { at: number };
    latencies.push(at - sent);
  }
  owner.stdin.end();
  await once(owner, 'exit');
  await store.close();
  return latencies;
}

/** BullMQ has no cross-process cancel: the worker's own `cancelJob`, reached over pub/sub we wire. */
async function bullCancelOwner(url: string, count: number): Promise<void> {
  const connection = bullConnection(url);
  const queue = new Queue('cancel', { connection });
  const started = new Set<string>();
  const worker = new Worker(
    'cancel',
    (job, _token, signal) =>
      new Promise((_, reject) => {
        started.add(job.id as string);
        signal?.addEventListener('abort', () => {
          console.log(JSON.stringify({ id: job.id, at: now() }));
          reject(new Error('cancelled'));
        });
      }),
    { connection, concurrency: count },
  );
  const subscriber = createClient({ url });
  await subscriber.connect();
  await subscriber.subscribe('bench:cancel', (id) => worker.cancelJob(id));
  for (let i = 0; i < count; i++) await queue.add('job', i, { jobId: `k${i}` });
  while (started.size < count) await new Promise((resolve) => setTimeout(resolve, 10));
  console.log('ready');
  await new Promise((resolve) => process.stdin.once('close', resolve).resume());
  await worker.close(true);
  await queue.close();
  await subscriber.close();
}

async function bullCancelFrom(url: string, count: number): Promise<number[]> {
  const owner = spawn(
    process.execPath,
    ['--import', 'tsx', new URL(import.meta.url).pathname, 'bull-cancel-owner', url, String(count)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: owner.stdout })[Symbol.asyncIterator]();
  if ((await line(lines)) !== 'ready') throw new Error('owner not ready');
  const publisher = createClient({ url });
  await publisher.connect();
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const sent = now();
    await publisher.publish('bench:cancel', `k${i}`);
    const { at } = JSON.parse(await line(lines)) as { at: number };
    latencies.push(at - sent);
  }
  owner.stdin.end();
  await once(owner, 'exit');
  await publisher.close();
  return latencies;
}

// ---------------------------------------------------------------------------------------------
// 4. Redis memory per finished task

async function usedMemory(url: string): Promise<number> {
  const admin = createClient({ url });
  await admin.connect();
  const info = await admin.info('memory');
  await admin.close();
  return Number(/used_memory:(\d+)/.exec(info)?.[1]);
}

async function flushAll(url: string): Promise<void> {
  const admin = createClient({ url });
  await admin.connect();
  await admin.flushAll();
  await admin.close();
}

async function tooltaskMemory(
  url: string,
  count: number,
  ttl: number | undefined,
): Promise<{ settled: number; withStreams: number }> {
  await flushAll(url);
  const before = await usedMemory(url);
  const store = redisStore({ url, namespace: 'mem', historyGrace: 1000 });
  const tasks = createTaskManager({ store });
  await pool(count, 200, async (i) => {
    await tasks.create(`m${i}`, ttl === undefined ? {} : { ttl });
    await tasks.complete(`m${i}`, { ok: true });
  });
  await store.load(`m${count - 1}`);
  const withStreams = (await usedMemory(url)) - before;
  // Each finished task's history is kept for `historyGrace` (1 s here) for late followers, then expires.
  const admin = createClient({ url });
  await admin.connect();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  while (Number(await admin.sendCommand(['DBSIZE'])) > count + 10) {
    await admin.sendCommand(['SCAN', '0', 'COUNT', '100000']);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await admin.close();
  const settled = (await usedMemory(url)) - before;
  await tasks.dispose();
  await store.close();
  return { settled: settled / count, withStreams: withStreams / count };
}

async function bullMemory(url: string, count: number): Promise<number> {
  await flushAll(url);
  const before = await usedMemory(url);
  const connection = bullConnection(url);
  const queue = new Queue('mem', { connection });
  let done = 0;
  const all = new Promise<void>((resolve) => {
    const worker = new Worker('mem', async () => ({ ok: true }), { connection, concurrency: 200 });
    worker.on('completed', () => {
      if (++done === count) worker.close().then(() => resolve());
    });
  });
  await pool(count, 200, (i) => queue.add('job', i));
  await all;
  const used = (await usedMemory(url)) - before;
  await queue.close();
  return used / count;
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// 6. processes sharing one namespace: CPU per task with 4 processes against one

/** Child: waits for a line on stdin, then creates and completes `count` tasks; prints its CPU and wall time. */
async function shareOne(url: string, namespace: string, prefix: string, count: number): Promise<void> {
  const store = redisStore({ url, namespace });
  const tasks = createTaskManager({ store });
  await store.cluster.start();
  console.log('ready');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const cpu = process.cpuUsage();
  const start = now();
  await pool(count, 200, async (i) => {
    await tasks.create(`${prefix}${i}`);
    await tasks.complete(`${prefix}${i}`, i);
  });
  await store.load(`${prefix}${count - 1}`);
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ cpu: (used.user + used.system) / 1000, wall: now() - start }));
  await tasks.dispose();
  await store.close();
}

/** `processes` children on one namespace, `count` tasks each, started together: CPU µs per task and tasks/s. */
async function shared(url: string, namespace: string, processes: number, count: number) {
  const children = Array.from({ length: processes }, (_, p) => {
    const started = spawn(
      process.execPath,
      ['--import', 'tsx', new URL(import.meta.url).pathname, 'share-one', url, namespace, `p${p}-`, String(count)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    // Listened for now: a child exits as soon as it has reported.
    const exited = once(started, 'exit');
    return { process: started, exited, lines: createInterface({ input: started.stdout })[Symbol.asyncIterator]() };
  });
  for (const { lines } of children) if ((await line(lines)) !== 'ready') throw new Error('sharer not ready');
  const start = now();
  for (const { process: started } of children) started.stdin.write('go\n');
  const results = await Promise.all(
    children.map(async ({ lines }) => JSON.parse(await line(lines)) as { cpu: number; wall: number }),
  );
  const wall = now() - start;
  for (const { process: started } of children) started.stdin.end();
  await Promise.all(children.map(({ exited }) => exited));
  const cpu = results.reduce((sum, result) => sum + result.cpu, 0);
  return { cpuPerTask: (cpu * 1000) / (processes * count), tasksPerSecond: (processes * count) / (wall / 1000) };
}

// ---------------------------------------------------------------------------------------------
// 7. retention under churn, and the slowest script calls (SLOWLOG)

/**
 * One process creates and completes `count` tasks with a short ttl as fast as it can, then waits
 * until every one expired: how many index entries are left, what one `page()` costs after, and
 * the slowest calls Redis logged meanwhile (over 1 ms), by script.
 */
async function churn(url: string, count: number, ttl: number) {
  const admin = createClient({ url });
  await admin.connect();
  await admin.sendCommand(['CONFIG', 'SET', 'slowlog-log-slower-than', '1000']);
  await admin.sendCommand(['CONFIG', 'SET', 'slowlog-max-len', '10000']);
  await admin.sendCommand(['SLOWLOG', 'RESET']);
  const store = redisStore({ url, namespace: 'churn', lease: 2000, historyGrace: 100 });
  const tasks = createTaskManager({ store });
  const start = now();
  await pool(count, 200, async (i) => {
    await tasks.create(`x${i}`, { ttl });
    await tasks.complete(`x${i}`, i);
  });
  await store.load(`x${count - 1}`);
  const rate = count / ((now() - start) / 1000);
  const peak = Number(await admin.sendCommand(['ZCARD', 'tooltask:{churn}:s:complete']));
  // Every task expired, and a few heartbeats (lease / 10 each) to sweep their index entries.
  await new Promise((resolve) => setTimeout(resolve, ttl + 1000));
  const left = Number(await admin.sendCommand(['ZCARD', 'tooltask:{churn}:s:complete']));
  const paged = now();
  await tasks.page({ limit: 10 });
  const pageMs = now() - paged;
  const slow = (await admin.sendCommand(['SLOWLOG', 'GET', '10000'])) as [number, number, number, string[]][];
  const names = new Map(SCRIPTS.map((script) => [createHash('sha1').update(script.source).digest('hex'), script.name]));
  const byName = new Map<string, number[]>();
  for (const [, , micros, args] of slow) {
    const name = args[0] === 'EVALSHA' ? (names.get(args[1] as string) ?? 'another script') : (args[0] as string);
    byName.set(name, [...(byName.get(name) ?? []), micros / 1000]);
  }
  await tasks.dispose();
  await store.close();
  await admin.close();
  return { rate, peak, left, pageMs, byName };
}

/**
 * SLOWLOG's entries by script: how many, median and max ms. Redis logs a script's own commands
 * too; a plain command over 1 ms is the redis-server thread waiting for a core, not work.
 */
function slowSummary(byName: Map<string, number[]>): string {
  if (byName.size === 0) return 'none';
  const scripts = new Set(SCRIPTS.map((script) => script.name));
  const parts: string[] = [];
  let plain: number[] = [];
  for (const [name, ms] of byName) {
    if (!scripts.has(name)) {
      plain = plain.concat(ms);
      continue;
    }
    parts.push(`${name} ${ms.length}× (median ${median(ms).toFixed(1)}, max ${Math.max(...ms).toFixed(1)} ms)`);
  }
  if (plain.length > 0) {
    parts.push(
      `single commands inside them ${plain.length}× (max ${Math.max(...plain).toFixed(1)} ms: waiting for a core)`,
    );
  }
  return parts.join('; ');
}

// ---------------------------------------------------------------------------------------------
// 5. how long after a kill -9 a survivor holds the killed process's task as lost

/** `kills` times: a manager in a child process (test/redis/node.ts) runs a task, is killed, and a survivor polls. */
async function lostAfterKill(url: string, kills: number, lease: number): Promise<number[]> {
  const script = new URL('../test/redis/node.ts', import.meta.url).pathname;
  const delays: number[] = [];
  for (let k = 0; k < kills; k++) {
    const namespace = `lost${k}`;
    const survivor = redisStore({ url, namespace, lease });
    await survivor.cluster.start();
    const owner = spawn(process.execPath, ['--import', 'tsx', script, url, namespace, 'doomed', String(lease)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: owner.stdout as NonNullable<ChildProcess['stdout']> })[
      Symbol.asyncIterator
    ]();
    await line(lines);
    // Killed anywhere within a renewal period.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * lease));
    const killed = now();
    owner.kill('SIGKILL');
    while ((await survivor.load('doomed'))?.state !== 'failed') await new Promise((resolve) => setTimeout(resolve, 5));
    delays.push(now() - killed);
    await survivor.close();
  }
  return delays;
}

function median(values: readonly number[]): number {
  return percentile([...values], 50);
}

/** Runs `a` then `b` on even runs and `b` then `a` on odd ones: neither always goes first on a warm machine. */
async function alternate<A, B>(run: number, a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  if (run % 2 === 0) {
    const first = await a();
    return [first, await b()];
  }
  const second = await b();
  return [await a(), second];
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const url = redis.url;
  const f = (value: number, digits = 0) => value.toLocaleString('en', { maximumFractionDigits: digits });
  const runs = size('BENCH_RUNS', 5);
  const load = () =>
    loadavg()
      .map((value) => value.toFixed(1))
      .join(' / ');
  console.log(`${runs} runs, contenders alternating; medians. Load average at start (1 / 5 / 15 min): ${load()}`);
  try {
    const n = size('BENCH_N', 20_000);
    const followCount = size('BENCH_FOLLOW', 2000);
    const cancels = size('BENCH_CANCEL', 300);
    const rates = { memory: [] as number[], redis: [] as number[], bull: [] as number[] };
    const follows: { ours: FollowResult[]; awaited: FollowResult[]; theirs: FollowResult[] } = {
      ours: [],
      awaited: [],
      theirs: [],
    };
    const cancelP99 = {
      ours: [] as number[],
      theirs: [] as number[],
      ours50: [] as number[],
      theirs50: [] as number[],
    };
    for (let run = 0; run < runs; run++) {
      rates.memory.push(await createComplete(createTaskManager(), n, async () => {}));
      const [redisRate, bullRate] = await alternate(
        run,
        async () => {
          const store = redisStore({ url, namespace: `cc${run}` });
          const rate = await createComplete(createTaskManager({ store }), n, () => store.load(`cc${n - 1}`));
          await store.close();
          return rate;
        },
        () => bullCreateComplete(url, n),
      );
      rates.redis.push(redisRate);
      rates.bull.push(bullRate);

      const ourFollow = async (awaited: boolean) => {
        const namespace = `follow${run}${awaited ? 'a' : ''}`;
        const followStore: RedisStore = redisStore({ url, namespace });
        const followTasks = createTaskManager({ store: followStore });
        const result = await followed(['follow-tooltask', url, namespace, String(followCount)], followCount, () =>
          tenUpdates(followTasks, followCount, awaited),
        );
        await followTasks.dispose();
        await followStore.close();
        return result;
      };
      const [[ours, oursAwaited], theirs] = await alternate(
        run,
        async () => [await ourFollow(false), await ourFollow(true)] as const,
        () => followed(['follow-bull', url, String(followCount)], followCount, () => bullTenUpdates(url, followCount)),
      );
      follows.ours.push(ours);
      follows.awaited.push(oursAwaited);
      follows.theirs.push(theirs);

      const [ourCancel, bullCancel] = await alternate(
        run,
        () => cancelFrom(url, `cancel${run}`, cancels),
        () => bullCancelFrom(url, cancels),
      );
      cancelP99.ours.push(percentile(ourCancel, 99));
      cancelP99.theirs.push(percentile(bullCancel, 99));
      cancelP99.ours50.push(percentile(ourCancel, 50));
      cancelP99.theirs50.push(percentile(bullCancel, 50));
      await flushAll(url);
      console.log(
        `   run ${run + 1}: cc ${f(redisRate)} vs ${f(bullRate)}; follow ${f(ours.tasksPerSecond)} (awaited ${f(oursAwaited.tasksPerSecond)}) vs ${f(theirs.tasksPerSecond)} tasks/s, p99 ${f(ours.p99, 1)} (${f(oursAwaited.p99, 1)}) vs ${f(theirs.p99, 1)} ms; load ${load()}`,
      );
    }
    console.log(`1. create + complete, one process, ${f(n)} tasks, 200 at a time (median of ${runs})`);
    console.log(`   tooltask in memory   ${f(median(rates.memory))} tasks/s`);
    console.log(
      `   tooltask on Redis    ${f(median(rates.redis))} tasks/s (runs: ${rates.redis.map((r) => f(r)).join(', ')})`,
    );
    console.log(
      `   BullMQ               ${f(median(rates.bull))} jobs/s (runs: ${rates.bull.map((r) => f(r)).join(', ')})`,
    );
    console.log(`   ratio                ${f(median(rates.redis) / median(rates.bull), 2)}×`);
    console.log(`2. ${f(followCount)} tasks x 10 progress updates, followed from another process (median of ${runs})`);
    for (const [name, results] of [
      ['tooltask, progress()', follows.ours],
      ['tooltask, await update', follows.awaited],
      ['BullMQ (QueueEvents)', follows.theirs],
    ] as const) {
      console.log(
        `   ${name.padEnd(24)} ${f(median(results.map((r) => r.tasksPerSecond)))} tasks/s · update → delivery p50 ${f(median(results.map((r) => r.p50)), 2)} ms, p99 ${f(median(results.map((r) => r.p99)), 2)} ms (updates seen, fewest: ${f(Math.min(...results.map((r) => r.delivered)))})`,
      );
    }
    console.log(
      `3. cancel from another process to the work's abort signal, ${f(cancels)} tasks one by one (median of ${runs})`,
    );
    console.log(
      `   tooltask on Redis    p50 ${f(median(cancelP99.ours50), 2)} ms, p99 ${f(median(cancelP99.ours), 2)} ms`,
    );
    console.log(
      `   BullMQ               p50 ${f(median(cancelP99.theirs50), 2)} ms, p99 ${f(median(cancelP99.theirs), 2)} ms (PUBLISH we wired → worker.cancelJob)`,
    );

    const shareCount = size('BENCH_SHARE', 25_000);
    const one: number[] = [];
    const four: number[] = [];
    let fourRate = 0;
    for (let run = 0; run < Math.min(runs, 3); run++) {
      const [alone, together] = await alternate(
        run,
        () => shared(url, `one${run}`, 1, shareCount),
        () => shared(url, `four${run}`, 4, shareCount),
      );
      one.push(alone.cpuPerTask);
      four.push(together.cpuPerTask);
      fourRate = together.tasksPerSecond;
      await flushAll(url);
    }
    console.log(
      `6. one namespace: create + complete, ${f(shareCount)} tasks per process, CPU per task over every process (median of ${one.length})`,
    );
    console.log(
      `   1 process            ${f(median(one))} µs/task; 4 processes ${f(median(four))} µs/task = ${f(median(four) / median(one), 2)}× (4 together: ${f(fourRate)} tasks/s)`,
    );

    const churnCount = size('BENCH_CHURN', 50_000);
    await flushAll(url);
    const churned = await churn(url, churnCount, 2000);
    console.log(
      `7. retention under churn: ${f(churnCount)} tasks with a 2 s ttl at ${f(churned.rate)} tasks/s; ${f(churned.peak)} in the index at the end of the burst, ${f(churned.left)} 1 s after the last expired; page({ limit: 10 }) then took ${f(churned.pageMs, 1)} ms`,
    );
    console.log(`   calls over 1 ms (SLOWLOG, whole churn): ${slowSummary(churned.byName)}`);

    const memoryCount = size('BENCH_MEMORY', 100_000);
    const ourMemory = await tooltaskMemory(url, memoryCount, undefined);
    const ourMemoryTtl = await tooltaskMemory(url, memoryCount, 3_600_000);
    const bullBytes = await bullMemory(url, memoryCount);
    console.log(
      `4. Redis memory per finished task (INFO memory used_memory, ${f(memoryCount)} tasks; deterministic, once)`,
    );
    console.log(
      `   tooltask on Redis    ${f(ourMemory.settled)} B without ttl, ${f(ourMemoryTtl.settled)} B with a ttl (${f(ourMemory.withStreams)} B while each task's history is kept, historyGrace)`,
    );
    console.log(`   BullMQ               ${f(bullBytes)} B (default options: completed jobs kept)`);
    console.log(`Load average at the end: ${load()}`);
  } finally {
    await redis.close();
  }
}

const [role, ...args] = process.argv.slice(2);
const roles: Record<string, () => Promise<void>> = {
  'follow-tooltask': () => followTooltask(args[0] as string, args[1] as string, Number(args[2])),
  'follow-bull': () => followBull(args[0] as string, Number(args[1])),
  'cancel-owner': () => cancelOwner(args[0] as string, args[1] as string, Number(args[2])),
  'bull-cancel-owner': () => bullCancelOwner(args[0] as string, Number(args[1])),
  'share-one': () => shareOne(args[0] as string, args[1] as string, args[2] as string, Number(args[3])),
  // `npx tsx bench/redis.ts share [tasks per process]`: section 6 alone, on a redis-server of its own.
  // `npx tsx bench/redis.ts memory [tasks]`: section 4 alone, on a redis-server of its own.
  memory: async () => {
    const redis = await startRedis();
    const count = Number(args[0] ?? 100_000);
    try {
      const plain = await tooltaskMemory(redis.url, count, undefined);
      const withTtl = await tooltaskMemory(redis.url, count, 3_600_000);
      const bull = await bullMemory(redis.url, count);
      console.log(
        `4. ${count} tasks: ${plain.settled.toFixed(0)} B without ttl, ${withTtl.settled.toFixed(0)} B with a ttl (${plain.withStreams.toFixed(0)} B while histories are kept); BullMQ ${bull.toFixed(0)} B`,
      );
    } finally {
      await redis.close();
    }
  },
  // `npx tsx bench/redis.ts churn [tasks]`: section 7 alone, on a redis-server of its own.
  churn: async () => {
    const redis = await startRedis();
    try {
      const result = await churn(redis.url, Number(args[0] ?? 50_000), 2000);
      console.log(
        `7. ${result.rate.toFixed(0)} tasks/s, ${result.peak} indexed at the end of the burst, ${result.left} after; page ${result.pageMs.toFixed(1)} ms (load ${loadavg()[0]?.toFixed(1)})`,
      );
      console.log(`   calls over 1 ms: ${slowSummary(result.byName)}`);
    } finally {
      await redis.close();
    }
  },
  share: async () => {
    const redis = await startRedis();
    const count = Number(args[0] ?? 25_000);
    try {
      for (let run = 0; run < 3; run++) {
        const [alone, together] = await alternate(
          run,
          () => shared(redis.url, `one${run}`, 1, count),
          () => shared(redis.url, `four${run}`, 4, count),
        );
        console.log(
          `6. ${count} tasks per process: 1 process ${alone.cpuPerTask.toFixed(0)} µs/task, 4 processes ${together.cpuPerTask.toFixed(0)} µs/task = ${(together.cpuPerTask / alone.cpuPerTask).toFixed(2)}× (${together.tasksPerSecond.toFixed(0)} tasks/s together; load ${loadavg()[0]?.toFixed(1)})`,
        );
      }
    } finally {
      await redis.close();
    }
  },
  // `npx tsx bench/redis.ts lost [kills] [lease ms]`: section 5 alone, on a redis-server of its own.
  lost: async () => {
    const redis = await startRedis();
    const lease = Number(args[1] ?? 1000);
    try {
      const delays = await lostAfterKill(redis.url, Number(args[0] ?? 9), lease);
      const worst = Math.max(...delays);
      console.log(
        `5. kill -9 → lost on a survivor, lease ${lease} ms, ${delays.length} kills (load ${loadavg()[0]?.toFixed(1)})`,
      );
      console.log(
        `   ${delays.map((d) => d.toFixed(0)).join(', ')} ms; worst ${worst.toFixed(0)} ms = ${(worst / lease).toFixed(2)} × lease`,
      );
    } finally {
      await redis.close();
    }
  },
};
await (role === undefined ? main() : (roles[role] ?? main)());
process.exit(0);
