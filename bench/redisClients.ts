// Which Redis client tooltask/redis uses: ioredis or the official `redis`, measured on loopback
// against one redis-server. `npx tsx bench/redisClients.ts`.
//   - EVALSHA throughput: 100k calls of a small two-key script, 1,000 in flight at a time;
//   - CLIENT KILL while 2,000 calls are in flight: how many reject, how long until the next call works;
//   - a blocking XREAD when its connection is killed: does it come back on its own?
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startRedis } from '../test/redis/server.js';

const SCRIPT = `redis.call('HSET', KEYS[1], 'v', ARGV[1]) return redis.call('INCR', KEYS[2])`;
const SHA = createHash('sha1').update(SCRIPT).digest('hex');
const CALLS = 100_000;
const WINDOW = 1000;

interface Client {
  evalsha(i: number): Promise<unknown>;
  xreadBlock(): Promise<unknown>;
  id(): Promise<number>;
  quit(): Promise<void>;
}

async function ioredisClient(url: string, autoPipelining: boolean): Promise<Client> {
  const redis = new Redis(url, { enableAutoPipelining: autoPipelining, maxRetriesPerRequest: null });
  await redis.script('LOAD', SCRIPT);
  return {
    evalsha: (i) => redis.evalsha(SHA, 2, `h${i % 1000}`, 'n', String(i)),
    xreadBlock: () => redis.xread('BLOCK', 0, 'STREAMS', 'bench:s', '$'),
    id: async () => Number(await redis.client('ID')),
    quit: async () => {
      redis.disconnect();
    },
  };
}

async function officialClient(url: string): Promise<Client> {
  const redis = createClient({ url });
  redis.on('error', () => {});
  await redis.connect();
  await redis.scriptLoad(SCRIPT);
  return {
    evalsha: (i) => redis.evalSha(SHA, { keys: [`h${i % 1000}`, 'n'], arguments: [String(i)] }),
    xreadBlock: () => redis.xRead({ key: 'bench:s', id: '$' }, { BLOCK: 0 }),
    id: () => redis.clientId(),
    quit: async () => {
      redis.destroy();
    },
  };
}

async function throughput(client: Client): Promise<number> {
  const start = performance.now();
  let next = 0;
  const lane = async () => {
    while (next < CALLS) await client.evalsha(next++);
  };
  await Promise.all(Array.from({ length: WINDOW }, lane));
  return CALLS / ((performance.now() - start) / 1000);
}

async function killInFlight(client: Client, admin: Redis): Promise<{ rejected: number; recoveryMs: number }> {
  const id = await client.id();
  const calls = Array.from({ length: 2000 }, (_, i) =>
    client.evalsha(i).then(
      () => true,
      () => false,
    ),
  );
  await admin.client('KILL', 'ID', String(id));
  const killedAt = performance.now();
  const results = await Promise.all(calls);
  for (;;) {
    try {
      await client.evalsha(0);
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  return { rejected: results.filter((ok) => !ok).length, recoveryMs: performance.now() - killedAt };
}

async function blockedRead(client: Client, admin: Redis): Promise<string> {
  const id = await client.id();
  const read = client.xreadBlock().then(
    () => 'resolved',
    (error: Error) => `rejected (${error.message.slice(0, 60)})`,
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  await admin.client('KILL', 'ID', String(id));
  await new Promise((resolve) => setTimeout(resolve, 300));
  await admin.xadd('bench:s', '*', 'k', 'v');
  return Promise.race([
    read,
    new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 1 s'), 1000)),
  ]);
}

const server = await startRedis();
const admin = new Redis(server.url);
try {
  const candidates: [string, () => Promise<Client>][] = [
    ['ioredis 5', () => ioredisClient(server.url, false)],
    ['ioredis 5 (enableAutoPipelining)', () => ioredisClient(server.url, true)],
    ['redis 6 (official)', () => officialClient(server.url)],
  ];
  for (const [name, make] of candidates) {
    const client = await make();
    await throughput(client); // warm-up
    const rate = await throughput(client);
    const kill = await killInFlight(client, admin);
    const blocked = await blockedRead(client, admin);
    console.log(
      `${name.padEnd(34)} EVALSHA ${Math.round(rate).toLocaleString('en')}/s · CLIENT KILL with 2,000 in flight: ` +
        `${kill.rejected} rejected, next call ok after ${kill.recoveryMs.toFixed(1)} ms · blocked XREAD killed: ${blocked}`,
    );
    await client.quit();
  }
} finally {
  admin.disconnect();
  await server.close();
}
