/**
 * The chart's layout time (ELK, in Node): the first layout of a process (ELK loaded and JIT
 * cold), then the median and worst of warm layouts of the task and registry charts.
 *
 *   npx tsx bench/chart.ts            (RUNS=20)
 *
 * A drawing lays its chart out once per chart object (`drawStatechart` caches it), so this is
 * what the first opened task waits for, not a cost per change.
 */
import { layoutStatechart } from '../src/chart/layout.js';
import { registryMachine, taskMachine, toJSON } from '../src/index.js';

const RUNS = Number(process.env.RUNS ?? 20);

async function time(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const charts = { task: toJSON(taskMachine), registry: toJSON(registryMachine) };
const first = await time(() => layoutStatechart(charts.task));
console.log(`first layout of the process (task chart): ${first.toFixed(0)} ms`);
for (const [name, chart] of Object.entries(charts)) {
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await time(() => layoutStatechart(chart)));
  runs.sort((a, b) => a - b);
  const median = runs[Math.floor(runs.length / 2)] ?? 0;
  const layout = await layoutStatechart(chart);
  console.log(
    `${name} chart (${layout.states.length} states and dots, ${layout.labels.length} pills, ${layout.width.toFixed(0)}×${layout.height.toFixed(0)} px): median ${median.toFixed(1)} ms, worst ${(runs.at(-1) ?? 0).toFixed(1)} ms over ${RUNS} warm layouts`,
  );
}
