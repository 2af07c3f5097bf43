import mermaid from 'mermaid';
import { describe, expect, inject, it } from 'vitest';
import { page } from 'vitest/browser';
import { createMachine } from 'xstate';
import { registryMachine, taskMachine, toMermaid } from '../../src/index.js';

mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

const nested = createMachine({
  id: 'nested',
  type: 'parallel',
  states: {
    a: { initial: 'x', states: { x: { after: { 100: 'y' } }, y: { type: 'final' } } },
    b: { initial: 'p', states: { p: { always: 'q' }, q: { on: { 'go;now#1': 'p' } } } },
  },
});

/** Renders a chart with Mermaid, as GitHub does a ```mermaid block, and shows it on the page. */
async function draw(name: string, text: string): Promise<SVGSVGElement> {
  await expect(mermaid.parse(text)).resolves.toBeTruthy();
  const { svg } = await mermaid.render(`chart-${name}`, text);
  const figure = document.createElement('figure');
  figure.innerHTML = svg;
  document.body.append(figure);
  return figure.querySelector('svg') as SVGSVGElement;
}

describe('toMermaid output in Mermaid itself', () => {
  it('draws the task chart with every state and labelled transition', async () => {
    const svg = await draw('task', toMermaid(taskMachine));
    const text = svg.textContent ?? '';
    for (const state of ['pending', 'running', 'manual', 'working', 'complete', 'failed', 'cancelled']) {
      expect(text).toContain(state);
    }
    expect(text).toContain('task.start [hasWork]');
    expect(text).toContain('xstate.done.actor.work [succeeded]');
    const dir = inject('tooltaskScreenshotDir');
    if (dir !== '') {
      await page.viewport(1400, 900);
      svg.style.maxWidth = 'none';
      await page.screenshot({ path: `${dir}/mermaid-task.png`, element: svg });
    }
  });

  it('draws the registry chart and parallel, delayed and eventless charts', async () => {
    expect((await draw('registry', toMermaid(registryMachine))).textContent).toContain('registry.dispose');
    const text = (await draw('nested', toMermaid(nested))).textContent ?? '';
    expect(text).toContain('after 100 ms');
    expect(text).toContain('always');
    expect(text).toContain('go now 1');
  });
});
