/**
 * A live, offline inspector on a demo task manager.
 *
 *   npx tsx examples/inspector.ts [port]
 *
 * Open the printed URL (the token is in its `#fragment`). Tasks keep coming: some run to the end,
 * some fail, some wait for input (resume them from the page), some are cancelled; at most six wait
 * for a slot. Ctrl-C stops it.
 */
import { createTaskManager, type WorkContext } from '../src/index.js';
import { serveInspector } from '../src/inspector.js';

const port = Number(process.argv[2] ?? 4100);
const tasks = createTaskManager({ concurrency: 4, retention: 10 * 60_000 });
const inspector = await serveInspector(tasks, { port, actions: true });

/** Waits `ms`, or rejects when the task is aborted; leaves no listener behind on the signal. */
const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal.addEventListener('abort', abort, { once: true });
  });

const kinds = ['report', 'import', 'deploy', 'resize', 'index'] as const;
let made = 0;

async function steps({ signal, progress }: WorkContext, count: number, every: number): Promise<string> {
  for (let step = 1; step <= count; step++) {
    await sleep(every, signal);
    progress(step / count, `step ${step} of ${count}`);
  }
  return `done in ${count} steps`;
}

function next(): void {
  made++;
  const kind = kinds[made % kinds.length] ?? 'report';
  const id = `${kind}-${made}`;
  const metadata = { kind, user: ['ada', 'grace', 'linus'][made % 3] };
  if (kind === 'deploy') {
    // Waits for a person: resume it from the page (actions are on in this demo).
    void tasks.run(
      async (context) => {
        await steps(context, 2, 400);
        context.requestInput({ message: 'Deploy to production?' });
        // Waits for Resume on the page; nobody there, it approves itself after 6 s.
        const approve = setTimeout(() => context.resume('approved by the demo'), 6000);
        await new Promise<void>((resolve) => {
          const check = setInterval(() => {
            if (tasks.peek(context.id)?.awaiting === undefined) {
              clearInterval(check);
              clearTimeout(approve);
              resolve();
            }
          }, 200);
          context.signal.addEventListener(
            'abort',
            () => {
              clearInterval(check);
              clearTimeout(approve);
            },
            { once: true },
          );
        });
        return steps(context, 3, 300);
      },
      { id, metadata },
    );
    return;
  }
  if (kind === 'resize') {
    void tasks.run(
      async (context) => {
        await steps(context, 3, 300);
        throw new Error('image too large');
      },
      { id, metadata },
    );
    return;
  }
  void tasks.run((context) => steps(context, 5 + (made % 7), 250), { id, metadata, timeout: 60_000 });
}

// A new task every 700 ms, unless WAITING wait for a slot already: the queue stays short
// however long the tasks take.
const WAITING = 6;
for (let i = 0; i < 10; i++) next();
const timer = setInterval(() => {
  if (tasks.registry.getSnapshot().context.queued < WAITING) next();
}, 700);
console.log(`Watching a demo manager: ${inspector.url}`);

process.on('SIGINT', () => {
  clearInterval(timer);
  void inspector.close().then(() => tasks.dispose());
});
