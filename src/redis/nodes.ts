import type { RedisConnection } from './connection.js';

/** One process of a Redis namespace, as its keys say. */
export interface ClusterNode {
  /** The node id (`RedisStoreOptions.nodeId`; by default host, pid and a random part). */
  readonly id: string;
  /** Whether its lease is held: `false` once it lapsed (the process is dead or cut off), until a survivor reaps it. */
  readonly alive: boolean;
  /** The ms left on its lease; `0` when lapsed. */
  readonly leaseLeft: number;
  /** How many live tasks it owns. */
  readonly live: number;
}

/**
 * Every node listed in a namespace, with its lease and live task count: a read of the `nodes`
 * hash, the `leases` sorted set (when each lease lapses, on Redis's own clock) and each node's
 * `own:` set, pipelined (node-redis sends one tick's calls together). Read-only: reaping stays the
 * heartbeat's job.
 */
export async function readClusterNodes(connection: RedisConnection): Promise<ClusterNode[]> {
  const [ids, leases, time] = await Promise.all([
    connection.call<string[]>(['HKEYS', connection.key('nodes')]),
    // RESP2 answers member, score, member, …; RESP3 (node-redis 6's default) [member, score] pairs.
    connection.call<(string | [string, number])[]>(['ZRANGE', connection.key('leases'), '0', '-1', 'WITHSCORES']),
    connection.call<string[]>(['TIME']),
  ]);
  const now = Number(time[0]) * 1000 + Math.floor(Number(time[1]) / 1000);
  const lapses = new Map<string, number>();
  const flat = leases.flat();
  for (let index = 0; index + 1 < flat.length; index += 2) {
    lapses.set(String(flat[index]), Number(flat[index + 1]));
  }
  const nodes = await Promise.all(
    ids.map(async (id) => {
      const live = await connection.call<number>(['SCARD', connection.key(`own:${id}`)]);
      const left = Math.max(0, (lapses.get(id) ?? 0) - now);
      return { id, alive: left > 0, leaseLeft: left, live };
    }),
  );
  return nodes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
