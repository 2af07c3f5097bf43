/**
 * Opens Stately's inspector on a running task manager.
 *
 *   npx tsx examples/inspect.ts [port]
 *
 * A local relay (`createInspectorServer`) takes the inspection events over a WebSocket and serves
 * a page at http://localhost:<port> that embeds the inspector UI (stately.ai/inspect, which needs
 * the network). Offline, the example still shows what the inspector receives: a local receiver on
 * the same relay prints each actor, event and snapshot as it arrives.
 */
import { createWebSocketInspector, createWebSocketReceiver, type StatelyInspectionEvent } from '@statelyai/inspect';
import { createInspectorServer } from '@statelyai/inspect/server';
import { createTaskManager } from '../src/index.js';

const port = Number(process.argv[2] ?? 8080);
const server = createInspectorServer({ port, autoOpen: false });
const inspector = createWebSocketInspector({ url: `ws://localhost:${port}` });
console.log(`Inspector relay on ws://localhost:${port}: open http://localhost:${port} to watch (needs stately.ai).`);

const names = new Map<string, string>();
createWebSocketReceiver({ server: `ws://localhost:${port}` }).subscribe((event: StatelyInspectionEvent) => {
  if (event.type === '@xstate.actor') {
    names.set(event.sessionId, event.name);
    console.log(`  actor     ${event.name} (parent ${event.parentId ? names.get(event.parentId) : '-'})`);
  } else if (event.type === '@xstate.event') {
    console.log(`  event     ${names.get(event.sessionId) ?? event.sessionId} <- ${event.event.type}`);
  } else {
    const { value, context } = event.snapshot as { value?: unknown; context?: { id?: unknown } };
    // Every task actor is named `task` (one done-event type for all); its task id is in its context.
    if (names.get(event.sessionId) === 'task' && typeof context?.id === 'string') {
      names.set(event.sessionId, `task ${context.id}`);
    }
    console.log(`  snapshot  ${names.get(event.sessionId) ?? event.sessionId} = ${JSON.stringify(value)}`);
  }
});

const tasks = createTaskManager({ concurrency: 2, inspect: inspector.inspect });
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

for (const name of ['fetch', 'parse', 'index']) {
  await tasks.run(
    async ({ progress, signal }) => {
      for (let step = 1; step <= 4; step++) {
        await sleep(250, signal);
        progress(step / 4, `${name}: step ${step} of 4`);
      }
      return name;
    },
    { id: name },
  );
}
setTimeout(() => void tasks.cancel('index', 'changed my mind').catch(() => {}), 600);

await Promise.all(['fetch', 'parse', 'index'].map((id) => tasks.wait(id)));
console.log((await tasks.list()).map((task) => `${task.id}: ${task.state}`).join(', '));
const linger = Number(process.env.INSPECT_LINGER_MS ?? 1_000);
console.log(`Keeping the relay up for ${linger} ms (INSPECT_LINGER_MS) so the inspector can catch up.`);
await new Promise((resolve) => setTimeout(resolve, linger));
await tasks.dispose();
inspector.stop();
server.stop();
process.exit(0);
