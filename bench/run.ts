/**
 * `npm run bench`: every contender on every workload, each pair in its own `node --expose-gc`
 * child process, then one Markdown table of figures, one of ratios and one of the targets, and
 * `bench/results/latest.json`.
 *
 * `npm run bench -- w1 w3` runs only those workloads.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTENDERS } from './contenders/index.js';
import { type Metric, N, WORKLOADS } from './workloads.js';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const workloads = Object.keys(WORKLOADS).filter((name) => only.length === 0 || only.includes(name));
const started = performance.now();

type Results = Record<string, Record<string, Metric>>;
const results: Results = {};
const skipped: Record<string, string[]> = {};

for (const workload of workloads) {
  for (const contender of CONTENDERS) {
    const t0 = performance.now();
    const child = spawnSync(
      process.execPath,
      [
        '--expose-gc',
        '--max-old-space-size=16384',
        '--import',
        'tsx',
        join(here, 'child.ts'),
        contender.name,
        workload,
      ],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
    );
    const line = child.stdout.split('\n').find((text) => text.startsWith('RESULT '));
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    if (child.status !== 0 || line === undefined) {
      process.stderr.write(`${workload} × ${contender.name} failed (${seconds} s):\n${child.stderr}\n`);
      process.exitCode = 1;
      continue;
    }
    const metrics = JSON.parse(line.slice('RESULT '.length)) as Metric[] | null;
    process.stderr.write(`${workload} × ${contender.name}: ${seconds} s\n`);
    if (metrics === null) {
      skipped[workload] = [...(skipped[workload] ?? []), contender.name];
      continue;
    }
    for (const metric of metrics) results[metric.key] = { ...results[metric.key], [contender.name]: metric };
  }
}

const names = CONTENDERS.map((contender) => contender.name);
const value = (key: string, name: string) => results[key]?.[name]?.value;

function format(metric: Metric | undefined): string {
  if (metric === undefined) return 'n/a';
  const { value: v, unit } = metric;
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  const number = v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e4 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(digits);
  return `${number} ${unit}${metric.note === undefined ? '' : ' †'}`;
}

/** How many times better tooltask is than `name` on `key` (> 1: tooltask better). */
function ratio(key: string, name: string): number | undefined {
  const ours = value(key, 'tooltask');
  const theirs = value(key, name);
  const metric = results[key]?.tooltask;
  if (ours === undefined || theirs === undefined || metric === undefined) return undefined;
  return metric.higherIsBetter ? ours / theirs : theirs / ours;
}

const lines: string[] = [];
const keys = Object.keys(results);
lines.push(`| Workload | ${names.join(' | ')} |`, `|---|${names.map(() => '---:').join('|')}|`);
for (const key of keys) {
  const label = Object.values(results[key] ?? {})[0]?.label ?? key;
  lines.push(`| ${label} | ${names.map((name) => format(results[key]?.[name])).join(' | ')} |`);
}
for (const [workload, contenders] of Object.entries(skipped)) {
  lines.push(
    `| ${workload.toUpperCase()} skipped | ${names.map((name) => (contenders.includes(name) ? 'n/a ‡' : '')).join(' | ')} |`,
  );
}
lines.push('', `Ratios: how many times better tooltask does than each (> 1 = tooltask faster or smaller).`, '');
const others = names.filter((name) => name !== 'tooltask');
lines.push(
  `| Workload | ${others.map((name) => `vs ${name}`).join(' | ')} |`,
  `|---|${others.map(() => '---:').join('|')}|`,
);
for (const key of keys) {
  const label = Object.values(results[key] ?? {})[0]?.label ?? key;
  lines.push(`| ${label} | ${others.map((name) => fmtRatio(ratio(key, name))).join(' | ')} |`);
}

interface Target {
  readonly label: string;
  readonly figure: number | undefined;
  readonly text: (figure: number) => string;
  readonly met: (figure: number) => boolean;
}
const w7 = (level: number) => value(`w7_${level}`, 'tooltask');
const w7low = w7(1_000);
const w7high = w7(1_000_000);
const targets: Target[] = [
  { label: 'W1 ≥ 0.85× bare XState', figure: ratio('w1', 'bare XState'), text: fmtRatio, met: (f) => f >= 0.85 },
  { label: 'W2 ≥ 0.8× bare XState', figure: ratio('w2', 'bare XState'), text: fmtRatio, met: (f) => f >= 0.8 },
  { label: 'W2 ≥ 1.5× A2A store', figure: ratio('w2', 'A2A SDK store'), text: fmtRatio, met: (f) => f >= 1.5 },
  { label: 'W3 ≥ 2× MCP store', figure: ratio('w3', 'MCP SDK store'), text: fmtRatio, met: (f) => f >= 2 },
  {
    label: 'W4 page walk within 2× floor',
    figure: invert(ratio('w4walk', 'floor')),
    text: (f) => `${f.toFixed(2)}× floor's time`,
    met: (f) => f <= 2,
  },
  {
    label: 'W4 page walk ≥ 100× MCP store',
    figure: ratio('w4walk', 'MCP SDK store'),
    text: fmtRatio,
    met: (f) => f >= 100,
  },
  {
    label: 'W4 page walk ≥ 100× A2A store',
    figure: ratio('w4walk', 'A2A SDK store'),
    text: fmtRatio,
    met: (f) => f >= 100,
  },
  {
    label: 'W5 ≤ 2.5 KB per live task',
    figure: value('w5live', 'tooltask'),
    text: (f) => `${f.toFixed(0)} B`,
    met: (f) => f <= 2500,
  },
  {
    label: 'W5 ≤ 400 B per retained terminal task',
    figure: value('w5terminal', 'tooltask'),
    text: (f) => `${f.toFixed(0)} B`,
    met: (f) => f <= 400,
  },
  { label: 'W6 ≥ 0.5× floor', figure: ratio('w6', 'floor'), text: fmtRatio, met: (f) => f >= 0.5 },
  {
    label: 'W6 ≥ 0.8× rxjs Subject',
    figure: ratio('w6', 'rxjs Subject'),
    text: fmtRatio,
    met: (f) => f >= 0.8,
  },
  {
    label: 'W7 create at 1M live ≤ 1.3× at 1k',
    figure: w7low === undefined || w7high === undefined ? undefined : w7high / w7low,
    text: (f) => `${f.toFixed(2)}× (${w7high?.toFixed(1)} vs ${w7low?.toFixed(1)} µs)`,
    met: (f) => f <= 1.3,
  },
  {
    label: 'W8 heap growth ≤ 20 MB after 1M',
    figure: value('w8growth', 'tooltask'),
    text: (f) => `${f.toFixed(1)} MB`,
    met: (f) => f <= 20,
  },
];
lines.push('', '| Target | tooltask | Met |', '|---|---:|:---:|');
for (const target of targets) {
  const { figure } = target;
  lines.push(
    `| ${target.label} | ${figure === undefined ? 'n/a' : target.text(figure)} | ${figure === undefined ? '–' : target.met(figure) ? 'yes' : '**no**'} |`,
  );
}
lines.push('');
const notes = keys.flatMap((key) =>
  Object.entries(results[key] ?? {}).flatMap(([name, metric]) =>
    metric.note === undefined ? [] : [`† ${name}, ${metric.label}: ${metric.note}`],
  ),
);
lines.push(...notes);
lines.push(
  '- W7 at 1,000,000 live is measured for tooltask only unless BENCH_FULL=1 (its target is its own ratio; a million actors take most of a minute to fill).',
);
if (Object.keys(skipped).length > 0)
  lines.push('‡ the contender cannot forget a task (no delete), so churn does not apply.');
for (const contender of CONTENDERS) for (const note of contender.notes) lines.push(`- ${contender.name}: ${note}`);
const seconds = (performance.now() - started) / 1000;
lines.push(
  '',
  `N = ${N.toLocaleString('en')}; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${seconds.toFixed(0)} s in all.`,
);

const table = lines.join('\n');
process.stdout.write(`${table}\n`);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'latest.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, seconds, n: N, results, skipped, targets: targets.map((t) => ({ label: t.label, figure: t.figure, met: t.figure === undefined ? undefined : t.met(t.figure) })), table }, null, 2)}\n`,
);

function fmtRatio(figure: number | undefined): string {
  return figure === undefined ? 'n/a' : `${figure >= 100 ? figure.toFixed(0) : figure.toFixed(2)}×`;
}

function invert(figure: number | undefined): number | undefined {
  return figure === undefined ? undefined : 1 / figure;
}
