import type { TaskManager } from '../manager.js';
import type { InspectorFeed } from './feed.js';
import type { WireNode } from './wire.js';

/**
 * The inspector's `/metrics`, in Prometheus' text format, made by `prom-client` (an optional peer
 * dependency: the format, its escaping and the histogram buckets come from the library every
 * Node exporter uses, and a project without it does not pay for it). Each inspector has its own
 * registry, never prom-client's global one, so two managers never mix and an application's own
 * metrics are left alone.
 *
 * - `tooltask_tasks{state}`: tasks held, by state (a gauge, read at scrape time);
 * - `tooltask_registry_running`, `tooltask_registry_queued`: the concurrency slots and the queue;
 * - `tooltask_tasks_created_total`, `tooltask_tasks_ended_total{state}`: counters, for rates;
 * - `tooltask_task_duration_seconds{state}`: creation to end, a histogram;
 * - `tooltask_store_errors_total{operation}`: the manager's `errors$`;
 * - with the cluster's `nodes`: `tooltask_cluster_nodes{lease}` (processes whose lease is `alive`
 *   or `lapsed`) and `tooltask_cluster_node_live_tasks{node}`, read at scrape time.
 */
export interface InspectorMetrics {
  readonly contentType: string;
  text(): Promise<string>;
  stop(): void;
}

/** Metrics for a feed and its manager, or `undefined` when prom-client is not installed. */
export async function createInspectorMetrics(
  manager: TaskManager,
  feed: InspectorFeed,
  nodes: (() => Promise<readonly WireNode[]>) | undefined,
): Promise<InspectorMetrics | undefined> {
  const client = await import('prom-client').catch(() => undefined);
  if (client === undefined) return undefined;
  const registry = new client.Registry();
  new client.Gauge({
    name: 'tooltask_tasks',
    help: 'Tasks the manager holds, by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [state, count] of feed.counts()) this.set({ state }, count);
    },
  });
  new client.Gauge({
    name: 'tooltask_registry_running',
    help: 'Tasks holding a concurrency slot',
    registers: [registry],
    collect() {
      this.set(feed.registry.running);
    },
  });
  new client.Gauge({
    name: 'tooltask_registry_queued',
    help: 'Tasks waiting for a concurrency slot',
    registers: [registry],
    collect() {
      this.set(feed.registry.queued);
    },
  });
  const created = new client.Counter({
    name: 'tooltask_tasks_created_total',
    help: 'Tasks made since the inspector started',
    registers: [registry],
  });
  const ended = new client.Counter({
    name: 'tooltask_tasks_ended_total',
    help: 'Tasks ended since the inspector started, by final state',
    labelNames: ['state'],
    registers: [registry],
  });
  const durations = new client.Histogram({
    name: 'tooltask_task_duration_seconds',
    help: 'From creation to the final state, by final state',
    labelNames: ['state'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600],
    registers: [registry],
  });
  const storeErrors = new client.Counter({
    name: 'tooltask_store_errors_total',
    help: "The store's failed operations the manager reported (errors$), by operation",
    labelNames: ['operation'],
    registers: [registry],
  });
  if (nodes !== undefined) {
    new client.Gauge({
      name: 'tooltask_cluster_nodes',
      help: "The cluster's processes, by lease: alive or lapsed (dead or cut off, not yet reaped)",
      labelNames: ['lease'],
      registers: [registry],
      async collect() {
        const listed = await nodes();
        this.reset();
        this.set({ lease: 'alive' }, listed.filter((node) => node.alive).length);
        this.set({ lease: 'lapsed' }, listed.filter((node) => !node.alive).length);
      },
    });
    new client.Gauge({
      name: 'tooltask_cluster_node_live_tasks',
      help: 'Live tasks each process of the cluster owns',
      labelNames: ['node'],
      registers: [registry],
      async collect() {
        const listed = await nodes();
        this.reset();
        for (const node of listed) this.set({ node: node.id }, node.live);
      },
    });
  }
  const unfollow = feed.onLifecycle((event, snapshot) => {
    if (event === 'created') {
      created.inc();
      return;
    }
    ended.inc({ state: snapshot.state });
    const end = snapshot.completedAt ?? snapshot.updatedAt;
    durations.observe({ state: snapshot.state }, Math.max(0, end - snapshot.createdAt) / 1000);
  });
  const errors = manager.errors$.subscribe((error) => storeErrors.inc({ operation: error.operation }));
  return {
    contentType: registry.contentType,
    text: () => registry.metrics(),
    stop: () => {
      unfollow();
      errors.unsubscribe();
    },
  };
}
