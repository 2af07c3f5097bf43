import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Every `ts` example in the README and in the TSDoc of src/ and machines/ is compiled, strictly,
 * against the real exports: an example that drifts from the API fails here.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'test', '.examples');

interface Example {
  readonly source: string;
  readonly code: string;
}

function blocks(text: string, source: string, strip: (line: string) => string): Example[] {
  const found: Example[] = [];
  const fence = /```ts\n([\s\S]*?)```/g;
  for (let match = fence.exec(text); match !== null; match = fence.exec(text)) {
    const line = text.slice(0, match.index).split('\n').length;
    const code = (match[1] as string).split('\n').map(strip).join('\n');
    found.push({ source: `${source}:${line}`, code });
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => join(dir, file));
}

function examples(): Example[] {
  const all = blocks(readFileSync(join(root, 'README.md'), 'utf8'), 'README.md', (line) => line);
  for (const file of [...sourceFiles('src'), ...sourceFiles('machines')]) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const comment of text.match(/\/\*\*[\s\S]*?\*\//g) ?? []) {
      all.push(...blocks(comment, file, (line) => line.replace(/^\s*\* ?/, '')));
    }
  }
  return all;
}

/** Names an example may use without declaring, as a reader of the docs would assume them. */
const ambient: Record<string, string> = {
  tasks: 'declare const tasks: import("../../src/index.js").TaskManager;',
  id: 'declare const id: string;',
  render: 'declare function render(task: import("../../src/index.js").TaskSnapshot): void;',
};

function declares(code: string, name: string): boolean {
  const declaration = `\\b(?:const|let|var|function|class)\\s+(?:${name}\\b|\\{[^}]*\\b${name}\\b[^}]*\\})`;
  return new RegExp(`${declaration}|\\bimport\\b[^;]*\\b${name}\\b`).test(code);
}

function toModule(example: Example): string {
  const code = example.code.replaceAll(/from '(tooltask)'/g, "from '../../src/index.js'");
  const exported = /\bfrom '\.\.\/\.\.\/src\/index\.js'/.test(code);
  const prelude = Object.entries(ambient)
    .filter(([name, _]) => new RegExp(`\\b${name}\\b`).test(code) && !declares(code, name))
    .map(([, declaration]) => declaration);
  // TSDoc examples inside the library use its exports without importing them.
  if (!exported) {
    prelude.push(
      "import type { TaskPage, TaskSnapshot, TaskState } from '../../src/index.js';",
      "import * as __tooltask from '../../src/index.js';",
      'const { createTaskManager, isTerminal, MemoryStore, createMemoryStore, TooltaskError, taskMachine } = __tooltask;',
    );
  }
  return `// ${example.source}\n${prelude.join('\n')}\n${code}\nexport {};\n`;
}

describe('documentation examples', () => {
  const all = examples();

  it('are found in the README and the TSDoc', () => {
    expect(all.filter((example) => example.source.startsWith('README')).length).toBeGreaterThan(5);
    expect(all.filter((example) => example.source.startsWith('src')).length).toBeGreaterThan(5);
  });

  it('all compile against the public API, strictly', () => {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    all.forEach((example, index) => {
      writeFileSync(join(out, `example-${String(index).padStart(3, '0')}.ts`), toModule(example));
    });
    writeFileSync(
      join(out, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        compilerOptions: { noUnusedLocals: false, types: ['node'] },
        include: ['*.ts'],
      }),
    );
    const result = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', out], {
      encoding: 'utf8',
    });
    // Name the example by where it is written: README.md:205 (example-003.ts(6,22): …).
    const report = result.stdout
      .replaceAll(`${relative(root, out)}/`, '')
      .replaceAll(/example-(\d{3})\.ts/g, (file, index: string) => `${all[Number(index)]?.source} (${file})`);
    expect(report, `examples that do not compile:\n${report}`).toBe('');
    expect(result.status).toBe(0);
  });
});
