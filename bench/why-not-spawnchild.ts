/**
 * Why the registry does not use XState's `spawnChild`: the cost of one more spawn, and one stop,
 * with n children already live, for the obvious registry (spawnChild/stopChild in one parent
 * machine) and for tooltask's (createActor with the registry as parent, refs in its own Map).
 *
 *   node --expose-gc --import tsx bench/why-not-spawnchild.ts
 */
import { performance } from 'node:perf_hooks';
import { type AnyActorRef, assign, createActor, createMachine, enqueueActions, setup, stopChild } from 'xstate';

const child = createMachine({
  id: 'child',
  initial: 'idle',
  states: { idle: { on: { go: 'done' } }, done: { type: 'final' } },
});

const spawning = setup({
  types: { events: {} as { type: 'spawn'; id: string } | { type: 'stop'; id: string } },
  actors: { child },
}).createMachine({
  on: {
    spawn: { actions: enqueueActions(({ enqueue, event }) => enqueue.spawnChild('child', { id: event.id })) },
    stop: { actions: stopChild(({ event }) => event.id) },
  },
});

const owning = setup({
  types: {
    context: {} as { tasks: Map<string, AnyActorRef> },
    events: {} as { type: 'record'; ref: AnyActorRef } | { type: 'stop'; id: string },
  },
}).createMachine({
  context: { tasks: new Map() },
  on: {
    record: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        context.tasks.set(event.ref.id, event.ref);
        enqueue(() => event.ref.start());
      }),
    },
    stop: {
      actions: [
        stopChild(({ context, event }) => context.tasks.get(event.id) as AnyActorRef),
        assign(({ context, event }) => {
          context.tasks.delete(event.id);
          return {};
        }),
      ],
    },
  },
});

function measure(live: number, kind: 'spawnChild' | 'createActor + Map'): { spawn: number; stop: number } {
  const parent = createActor(kind === 'spawnChild' ? spawning : owning).start();
  const add = (id: string) => {
    if (kind === 'spawnChild') (parent as ReturnType<typeof createActor<typeof spawning>>).send({ type: 'spawn', id });
    else
      (parent as ReturnType<typeof createActor<typeof owning>>).send({
        type: 'record',
        ref: createActor(child, { parent, id }),
      });
  };
  for (let i = 0; i < live; i++) add(`c${i}`);
  const sample = 200;
  let started = performance.now();
  for (let i = 0; i < sample; i++) add(`extra${i}`);
  const spawn = (performance.now() - started) / sample;
  started = performance.now();
  for (let i = 0; i < sample; i++) parent.send({ type: 'stop', id: `extra${i}` });
  const stop = (performance.now() - started) / sample;
  parent.stop();
  return { spawn, stop };
}

console.log(
  '| live children | spawnChild: spawn | spawnChild: stop | createActor + Map: spawn | createActor + Map: stop |',
);
console.log('|---:|---:|---:|---:|---:|');
for (const live of [1_000, 10_000, 50_000]) {
  const obvious = measure(live, 'spawnChild');
  const ours = measure(live, 'createActor + Map');
  const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  console.log(
    `| ${live.toLocaleString('en')} | ${us(obvious.spawn)} | ${us(obvious.stop)} | ${us(ours.spawn)} | ${us(ours.stop)} |`,
  );
}
