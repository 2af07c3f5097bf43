import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderDiagrams } from '../scripts/diagram.js';

describe('README diagrams', () => {
  it('are the charts toMermaid draws today (run `npm run diagram` if not)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(renderDiagrams(readme), 'README.md diagrams are stale: run `npm run diagram`').toBe(readme);
  });

  it('replace only what lies between the markers', () => {
    const text =
      'intro\n<!-- diagram:task:start -->old<!-- diagram:task:end -->\nmiddle\n<!-- diagram:registry:start --><!-- diagram:registry:end -->\nend';
    const out = renderDiagrams(text);
    expect(out.startsWith('intro\n<!-- diagram:task:start -->\n```mermaid\nstateDiagram-v2\n')).toBe(true);
    expect(out).not.toContain('old');
    expect(out).toContain('```\n<!-- diagram:task:end -->\nmiddle\n');
    expect(out.endsWith('```\n<!-- diagram:registry:end -->\nend')).toBe(true);
    expect(renderDiagrams(out)).toBe(out);
  });

  it('refuse a README without the markers', () => {
    expect(() => renderDiagrams('no markers')).toThrow('<!-- diagram:task:start -->');
  });
});
