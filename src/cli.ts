#!/usr/bin/env node
/**
 * `tooltask`: the package's command line. One command for now:
 *
 *   npx tooltask inspect --redis redis://127.0.0.1:6379 --namespace jobs [--port 4100] [--host 127.0.0.1] [--actions] [--token …]
 *
 * serves the inspector over every task of a Redis namespace, whichever process runs it, and
 * prints the page's URL with its token. Actions (with `--actions`) go through a manager that joins
 * the namespace, so each reaches the process that owns the task. Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { createTaskManager } from './index.js';
import { serveInspector } from './inspector.js';
import { redisStore } from './redis/index.js';

const USAGE = `Usage: tooltask inspect --redis <url> [--namespace <ns>] [--port <n>] [--host <address>] [--actions] [--token <token>]`;

async function inspect(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      redis: { type: 'string' },
      namespace: { type: 'string', default: 'tooltask' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      actions: { type: 'boolean', default: false },
      token: { type: 'string' },
    },
    strict: true,
  });
  if (values.redis === undefined) throw new Error(`Expected --redis <url>, got none\n${USAGE}`);
  const port = Number(values.port);
  const store = redisStore({ url: values.redis, namespace: values.namespace });
  const tasks = createTaskManager({ store });
  const inspector = await serveInspector(tasks, {
    port,
    host: values.host,
    actions: values.actions,
    ...(values.token === undefined ? {} : { token: values.token }),
    nodes: () => store.cluster.nodes(),
    log: (line) => console.log(`${line}  (Redis ${values.redis}, namespace ${values.namespace})`),
  });
  const stop = () => {
    void inspector
      .close()
      .then(() => tasks.dispose())
      .then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'inspect') await inspect(rest);
  else
    throw new Error(`Expected a command (inspect), got ${command === undefined ? 'none' : `\`${command}\``}\n${USAGE}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
