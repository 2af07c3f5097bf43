import { createActor, createMachine } from 'xstate';
import { taskMachine } from './src/index.ts';
const gc = (globalThis as any).gc as () => void;
const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
const parent: any = createActor(createMachine({})).start();
const N = 30_000;
const h0 = heap();
for (let i = 0; i < N; i++) { const id = `t${i}`; const a = createActor(taskMachine, { parent, id, input: { id, at: 0 } }); a.start(); a.send({ type: 'task.complete', result: 1, at: 1 }); }
const h1 = heap();
console.log('growth/task', ((h1 - h0) / N).toFixed(0));
const snap = parent.getSnapshot();
console.log('children', Object.keys(snap.children).length, 'deferred', parent._deferred.length, 'observers', parent.observers.size, 'listeners', parent.eventListeners.size);
console.log('mailbox', parent.mailbox._current, parent.mailbox._last);
console.log('scheduled', Object.keys(parent.system._snapshot._scheduledEvents).length);
for (const k of Object.keys(parent.system)) console.log('system key', k);
parent.stop();
console.log('after parent.stop growth/task', ((heap() - h0) / N).toFixed(0));
