import { describe, expect, it } from 'vitest';
import { and, createMachine, not, or } from 'xstate';
import { registryMachine, taskMachine, toJSON, toMermaid } from '../src/index.js';

const light = createMachine({
  id: 'light',
  initial: 'green',
  states: {
    green: { after: { 1000: 'yellow' }, on: { POWER_OUTAGE: 'off' } },
    yellow: { after: { 500: 'red' } },
    red: {
      initial: 'walk',
      states: { walk: { on: { COUNTDOWN: 'wait' } }, wait: {} },
      always: { guard: and(['timeUp', not('emergency')]), target: 'green' },
    },
    off: {
      invoke: { id: 'generator', src: 'generator', onDone: 'green', onError: 'broken' },
      on: { RESTORE: { guard: or(['grid', 'battery']), target: 'green', actions: 'log' } },
    },
    broken: { type: 'final' },
  },
});

const both = createMachine({
  id: 'both',
  type: 'parallel',
  states: {
    sound: { initial: 'mute', states: { mute: { on: { UNMUTE: 'loud' } }, loud: { on: { MUTE: 'mute' } } } },
    light: { initial: 'dim', states: { dim: {}, hist: { type: 'history', history: 'deep' } } },
  },
});

describe('toJSON', () => {
  it('gives every state with its nesting, type and initial child', () => {
    const chart = toJSON(light);
    expect(chart).toMatchObject({ id: 'light', key: 'light', type: 'compound', initial: 'light.green' });
    expect(chart.states.map((state) => [state.key, state.type])).toEqual([
      ['green', 'atomic'],
      ['yellow', 'atomic'],
      ['red', 'compound'],
      ['off', 'atomic'],
      ['broken', 'final'],
    ]);
    const red = chart.states[2]!;
    expect(red.initial).toBe('light.red.walk');
    expect(red.states.map((state) => state.id)).toEqual(['light.red.walk', 'light.red.wait']);
  });

  it('gives delayed, eventless and invoke done/error transitions their own kind', () => {
    const [green, yellow, red, off] = toJSON(light).states;
    expect(green!.transitions).toEqual([
      expect.objectContaining({ event: 'POWER_OUTAGE', kind: 'event', targets: ['light.off'] }),
      expect.objectContaining({ event: 'xstate.after.1000.light.green', kind: 'delayed', delay: 1000 }),
    ]);
    expect(yellow!.transitions[0]).toMatchObject({ kind: 'delayed', delay: 500, targets: ['light.red'] });
    expect(red!.transitions).toEqual([
      expect.objectContaining({ event: '', kind: 'always', guard: '(timeUp && !emergency)', targets: ['light.green'] }),
    ]);
    expect(off!.invoke).toEqual([{ id: 'generator', src: 'generator' }]);
    expect(off!.transitions.map((t) => [t.event, t.kind, t.targets])).toEqual([
      ['RESTORE', 'event', ['light.green']],
      ['xstate.done.actor.generator', 'done', ['light.green']],
      ['xstate.error.actor.generator', 'error', ['light.broken']],
    ]);
    expect(off!.transitions[0]).toMatchObject({ guard: '(grid || battery)', actions: ['log'] });
  });

  it('is plain JSON: it survives a round trip unchanged', () => {
    const chart = toJSON(taskMachine);
    expect(JSON.parse(JSON.stringify(chart))).toEqual(chart);
  });

  it('exports the task chart: guards, targetless progress, both regions, the invoked work and its outcomes', () => {
    const chart = toJSON(taskMachine);
    expect(chart.initial).toBe('task.pending');
    expect(chart.states.map((state) => [state.key, state.type])).toEqual([
      ['pending', 'atomic'],
      ['running', 'parallel'],
      ['complete', 'final'],
      ['failed', 'final'],
      ['cancelled', 'final'],
    ]);
    const [pending, running] = chart.states;
    expect(pending!.transitions.slice(0, 3)).toEqual([
      expect.objectContaining({ event: 'task.start', guard: 'hasWork', targets: ['task.running.work.working'] }),
      expect.objectContaining({ event: 'task.progress', guard: '!hasWork', targets: ['task.running.work.manual'] }),
      expect.objectContaining({
        event: 'task.requestInput',
        guard: '(!hasWork && newKey)',
        targets: ['task.running.work.manual', 'task.running.client.awaiting'],
      }),
    ]);
    expect(running!.transitions[0]).toMatchObject({ event: 'task.progress', targets: [], actions: ['recordProgress'] });
    expect(running!.states.map((region) => region.key)).toEqual(['work', 'client']);
    const [work, client] = running!.states;
    const working = work!.states.find((state) => state.key === 'working')!;
    expect(working).toMatchObject({
      entry: ['armTimeout'],
      exit: ['disarmTimeout', 'abortWork'],
      invoke: [{ id: 'work', src: 'work' }],
    });
    expect(working.transitions.map((t) => [t.event, t.kind, t.guard, t.targets])).toEqual([
      ['task.timeout', 'event', undefined, ['task.failed']],
      ['xstate.done.actor.work', 'done', 'succeeded', ['task.complete']],
      ['xstate.done.actor.work', 'done', undefined, ['task.failed']],
      ['xstate.error.actor.work', 'error', undefined, ['task.failed']],
    ]);
    expect(client!.states.flatMap((state) => state.transitions.map((t) => [state.key, t.event, t.targets]))).toEqual([
      ['free', 'task.requestInput', ['task.running.client.awaiting']],
      ['awaiting', 'task.requestInput', []],
      ['awaiting', 'task.respond', ['task.running.client.free']],
      ['awaiting', 'task.respond', []],
      ['awaiting', 'task.resume', ['task.running.client.free']],
    ]);
  });

  it('exports the registry chart and its one done event for every task', () => {
    const chart = toJSON(registryMachine);
    expect(chart.states.map((state) => state.key)).toEqual(['open', 'disposed']);
    expect(chart.states[0]!.transitions.map((t) => [t.event, t.kind, t.targets, t.actions])).toEqual([
      ['registry.create', 'event', [], ['record']],
      ['xstate.done.actor.task', 'done', [], ['reap']],
      ['registry.dispose', 'event', ['registry.disposed'], []],
    ]);
  });

  it('gives parallel regions and history states', () => {
    const chart = toJSON(both);
    expect(chart.type).toBe('parallel');
    expect(chart.initial).toBeUndefined();
    expect(chart.states[1]!.states[1]).toMatchObject({ key: 'hist', type: 'history', history: 'deep' });
  });
});

describe('toMermaid', () => {
  it('draws a small chart: starts, composites, finals, delays, guards, invokes', () => {
    expect(toMermaid(light)).toBe(
      [
        'stateDiagram-v2',
        '  [*] --> green',
        '  green',
        '  yellow',
        '  state "red" as red {',
        '    [*] --> red_walk',
        '    state "walk" as red_walk',
        '    state "wait" as red_wait',
        '  }',
        '  off',
        '  off : invoke generator',
        '  broken',
        '  broken --> [*]',
        '  green --> off : POWER_OUTAGE',
        '  green --> yellow : after 1000 ms',
        '  yellow --> red : after 500 ms',
        '  red --> green : always [(timeUp && !emergency)]',
        '  red_walk --> red_wait : COUNTDOWN',
        '  off --> green : RESTORE [(grid || battery)]',
        '  off --> green : xstate.done.actor.generator',
        '  off --> broken : xstate.error.actor.generator',
        '',
      ].join('\n'),
    );
  });

  it('splits parallel regions with -- inside a composite', () => {
    const lines = toMermaid(both).split('\n');
    expect(lines.slice(0, 3)).toEqual(['stateDiagram-v2', '  state "both" as both {', '    state "sound" as sound {']);
    expect(lines).toContain('    --');
    expect(lines).toContain('      state "H*" as light_hist');
    expect(lines).toContain('  sound_mute --> sound_loud : UNMUTE');
  });

  it('draws the task chart with its guarded start, its two regions and the work outcome', () => {
    const mermaid = toMermaid(taskMachine);
    expect(mermaid).toContain('  [*] --> pending\n');
    expect(mermaid).toContain('  pending --> running_work_working : task.start [hasWork]\n');
    expect(mermaid).toContain('  pending --> running_work_manual : task.progress [!hasWork]\n');
    expect(mermaid).toContain('    --\n');
    expect(mermaid).toContain('  running_client_awaiting --> running_client_free : task.resume\n');
    expect(mermaid).toContain('  running_work_working --> complete : xstate.done.actor.work [succeeded]\n');
    for (const final of ['complete', 'failed', 'cancelled']) expect(mermaid).toContain(`  ${final} --> [*]\n`);
  });

  it('keeps ids Mermaid-safe and unique', () => {
    const machine = createMachine({
      id: 'odd',
      initial: 'a-b',
      states: { 'a-b': { on: { 'go;now#1': 'a_b' } }, a_b: {} },
    });
    expect(toMermaid(machine)).toContain('a_b --> a_b_2 : go now 1');
  });
});
