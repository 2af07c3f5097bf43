/**
 * `npm start`: a handful of tasks run at once on the embedded in-memory default. Their progress
 * streams live through `subscribe`; one fails, one is cancelled mid-work (its AbortSignal fires),
 * one times out; then the final table and the task statechart are printed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createTaskManager,
  type StateNodeJSON,
  type TaskSnapshot,
  type TaskWork,
  taskMachine,
  toJSON,
} from '../src/index.js';

const tasks = createTaskManager({ concurrency: 3 });
const tty = process.stdout.isTTY === true;
const latest = new Map<string, TaskSnapshot>();

/** A work of `steps` steps of `ms` each that honours its signal; `failAt` makes it throw there. */
const steps =
  (count: number, ms: number, failAt?: number): TaskWork<string> =>
  async ({ signal, progress }) => {
    for (let step = 1; step <= count; step++) {
      await sleep(ms, undefined, { signal });
      if (step === failAt) throw new Error(`step ${step} hit a corrupt record`);
      progress(step / count, `step ${step}/${count}`);
    }
    return `${count} steps done`;
  };

const jobs: Array<[string, TaskWork<string>, { timeout?: number }]> = [
  ['fetch-users', steps(10, 120), {}],
  ['send-emails', steps(20, 100), {}],
  ['index-docs', steps(12, 100, 7), {}],
  ['resize-images', steps(16, 90), {}],
  ['build-report', steps(8, 150), {}],
  ['slow-export', steps(50, 100), { timeout: 1_500 }],
];

function bar(progress: number, width = 24): string {
  const filled = Math.round(progress * width);
  return `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
}

function row(task: TaskSnapshot): string {
  const detail = task.error?.message ?? task.message ?? '';
  return `${task.id.padEnd(14)} ${task.state.padEnd(9)} ${bar(task.progress)} ${String(Math.round(task.progress * 100)).padStart(3)}%  ${detail}`;
}

let drawn = 0;
function draw(): void {
  if (!tty) return;
  if (drawn > 0) process.stdout.write(`\x1b[${drawn}A`);
  const lines = [...latest.values()].map(row);
  for (const line of lines) process.stdout.write(`\x1b[2K${line}\n`);
  drawn = lines.length;
}

console.log(`tooltask demo: ${jobs.length} tasks, at most 3 at once\n`);
for (const [id, work, options] of jobs) {
  await tasks.run(work, { id, ...options });
  tasks.subscribe(id).subscribe((task) => {
    latest.set(task.id, task);
    if (tty) draw();
    else if (task.state !== 'running' || task.seq % 4 === 0) console.log(row(task));
  });
}

// Cancel one mid-work: its AbortSignal fires and the sleep in its work rejects at once.
await sleep(700);
await tasks.cancel('send-emails', 'the user closed the page');

const finished = await Promise.all(jobs.map(([id]) => tasks.wait(id)));
draw();

console.log('\nFinal table');
console.table(
  finished.map((task) => ({
    id: task.id,
    state: task.state,
    progress: task.progress,
    'ran (ms)': (task.completedAt ?? 0) - (task.startedAt ?? task.createdAt),
    outcome: String(task.result ?? task.error?.message ?? task.message ?? ''),
  })),
);

console.log('The task statechart (machines/taskMachine.ts), read from its definition by toJSON:');
function printChart(node: StateNodeJSON, depth: number): void {
  for (const child of node.states) {
    const kind = child.type === 'final' ? ' (final)' : child.type === 'parallel' ? ' (parallel regions)' : '';
    const invokes = child.invoke.map((invoke) => ` invokes ${invoke.src}`).join('');
    console.log(`${'  '.repeat(depth)}${child.key}${kind}${invokes}`);
    for (const transition of child.transitions) {
      const guard = transition.guard === undefined ? '' : ` [${transition.guard}]`;
      const targets = transition.targets.map((target) => target.replace(/^task\./, '')).join(', ') || '(stays)';
      console.log(`${'  '.repeat(depth + 1)}${transition.event}${guard} → ${targets}`);
    }
    printChart(child, depth + 1);
  }
}
printChart(toJSON(taskMachine), 0);

await tasks.dispose();
