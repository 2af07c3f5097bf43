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
 * set, each node's `lease:` key and `own:` set, pipelined (node-redis sends one tick's calls
 * together). Read-only: reaping stays the heartbeat's job.
 */
export async function readClusterNodes(connection: RedisConnection): Promise<ClusterNode[]> {
  const ids = await connection.call<string[]>(['SMEMBERS', connection.key('nodes')]);
  const nodes = await Promise.all(
    ids.map(async (id) => {
      const [left, live] = await Promise.all([
        connection.call<number>(['PTTL', connection.key(`lease:${id}`)]),
        connection.call<number>(['SCARD', connection.key(`own:${id}`)]),
      ]);
      return { id, alive: left > 0, leaseLeft: Math.max(0, left), live };
    }),
  );
  return nodes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
