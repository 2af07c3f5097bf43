import { afterEach, expect, it } from 'vitest';
import { createTaskManager, type TaskManager } from '../src/index.js';
import { type Inspector, serveInspector } from '../src/inspector.js';
import { FaultStore } from './faultStore.js';
import { controlledWork, flush } from './helpers.js';

let manager: TaskManager | undefined;
let inspector: Inspector | undefined;

afterEach(async () => {
  await inspector?.close();
  await manager?.dispose();
  inspector = undefined;
  manager = undefined;
});

/** One sample's value from Prometheus text, or `undefined` when absent. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((each) => each.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

it('answers /metrics in Prometheus text with the token only: tasks by state, created and ended, durations, store errors', async () => {
  // Saves of one task fail: the manager reports them on errors$.
  const store = new FaultStore({
    fault: (operation, id) => (operation === 'save' && id === 'broken' ? 'reject' : undefined),
  });
  manager = createTaskManager({ store });
  inspector = await serveInspector(manager, { log: false });
  const base = inspector.url.split('#')[0] as string;
  expect((await fetch(`${base}metrics`)).status).toBe(401);

  const work = controlledWork();
  await manager.run(work.work, { id: 'job' });
  await manager.create('waiting');
  await manager.create('broken');
  await manager.update('broken', 0.5).catch(() => {});
  await flush();
  work.resolve('done');
  await manager.wait('job');
  await flush();

  const response = await fetch(`${base}metrics`, { headers: { authorization: `Bearer ${inspector.token}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  expect(sample(text, 'tooltask_tasks{state="complete"}')).toBe(1);
  expect(sample(text, 'tooltask_tasks{state="pending"}')).toBe(1);
  expect(sample(text, 'tooltask_tasks_created_total')).toBe(3);
  expect(sample(text, 'tooltask_tasks_ended_total{state="complete"}')).toBe(1);
  expect(sample(text, 'tooltask_task_duration_seconds_count{state="complete"}')).toBe(1);
  expect(sample(text, 'tooltask_store_errors_total{operation="save"}')).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'tooltask_registry_queued')).toBe(0);
});
