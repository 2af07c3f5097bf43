import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The redis-server the tests start: Debian's, or `REDIS_SERVER`. */
export const redisServerPath: string = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/** Why the Redis tests cannot run, or `undefined` when they can. Throws when `TOOLTASK_REQUIRE_REDIS=1`. */
export function redisProblem(): string | undefined {
  if (existsSync(redisServerPath)) return undefined;
  const problem = `redis-server not found at ${redisServerPath} (set REDIS_SERVER, or apt-get install redis-server)`;
  if (process.env.TOOLTASK_REQUIRE_REDIS === '1') throw new Error(`TOOLTASK_REQUIRE_REDIS=1, but ${problem}`);
  return problem;
}

let warned = false;

/**
 * Whether the Redis tests run here: `describe.skipIf(!hasRedis())`. Warns loudly, once per file,
 * when they are skipped; fails when `TOOLTASK_REQUIRE_REDIS=1` says they must run.
 */
export function hasRedis(): boolean {
  const problem = redisProblem();
  if (problem === undefined) return true;
  if (!warned) {
    warned = true;
    const bar = '!'.repeat(78);
    console.warn(
      [
        '',
        bar,
        `!! REDIS TESTS SKIPPED: ${problem}.`,
        '!! Set TOOLTASK_REQUIRE_REDIS=1 to make this an error.',
        bar,
      ].join('\n'),
    );
  }
  return false;
}

/** A free loopback port: bind port 0, read what the kernel gave, close (redis-server has no `--port 0`). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error(`Expected a port, got ${String(address)}`));
      });
    });
  });
}

export interface RedisServerOptions {
  /** Append-only file on (`appendfsync always`), so a restart keeps every acknowledged write. */
  readonly aof?: boolean;
}

/** A redis-server the test started, in its own temp dir, on its own loopback port. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Stops the server (SIGTERM, waits for it) and keeps the dir, so `start()` brings the data back. */
  stop(): Promise<void>;
  /** Starts it again on the same port and dir (after `stop()`). */
  start(): Promise<void>;
  /** Stops the server and removes its dir. */
  close(): Promise<void>;
}

/**
 * Starts `/usr/bin/redis-server` on a free loopback port in a temp dir and waits for PING.
 *
 * @example
 * ```ts
 * const redis = await startRedis();
 * afterAll(() => redis.close());
 * ```
 */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tooltask-redis-'));
  let port = 0;
  let child: ChildProcess | undefined;

  const launchOn = async (candidate: number): Promise<void> => {
    const args = ['--port', String(candidate), '--bind', '127.0.0.1', '--dir', dir, '--save', ''];
    args.push('--daemonize', 'no', '--protected-mode', 'no', '--loglevel', 'warning');
    args.push(...(options.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']));
    const started = spawn(redisServerPath, args, { stdio: 'ignore' });
    const exited = new Promise<boolean>((resolve) => started.once('exit', () => resolve(false)));
    if (!(await Promise.race([ping(candidate, 5000), exited]))) {
      started.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${candidate}`);
    }
    child = started;
    // A test runner that dies, or a timed-out hook, must not leave a server behind.
    process.once('exit', () => started.kill('SIGKILL'));
  };

  // Someone may take the port between the probe and the server's bind: then try another.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await launchOn(port);
      break;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    await exited;
  };

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    stop,
    // Same port on restart, so clients reconnect to the address they know; it may linger a moment.
    start: async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await launchOn(port);
          return;
        } catch (error) {
          if (attempt === 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    },
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Whether a Redis answers PING on the port within `ms`, retrying every 20 ms. */
async function ping(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const pong = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      let data = '';
      socket.setTimeout(500, () => {
        socket.destroy();
        resolve(false);
      });
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        data += chunk.toString();
        if (data.includes('\r\n')) {
          socket.destroy();
          resolve(data.startsWith('+PONG'));
        }
      });
      socket.on('error', () => resolve(false));
    });
    if (pong) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}
