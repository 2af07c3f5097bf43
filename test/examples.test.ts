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

/** `tooltask`, `tooltask/mcp`, …: each public entry point and its source, from package.json's `exports`. */
function entryPoints(): Map<string, string> {
  const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, string | { default: string }>;
  };
  const entries = new Map<string, string>();
  for (const [key, target] of Object.entries(exports)) {
    if (typeof target === 'string') continue;
    const source = target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
    entries.set(key === '.' ? 'tooltask' : `tooltask/${key.slice(2)}`, source);
  }
  return entries;
}

/**
 * The names a module exports, read from its text, as import specifiers (`type Store`, `run`):
 * what its own TSDoc examples may use unimported.
 */
function exportedNames(file: string): Map<string, string> {
  const text = readFileSync(join(root, file), 'utf8');
  const names = new Map<string, string>();
  const declared =
    /^export (?:declare )?(?:abstract )?(?:async )?(function\*?|class|const|let|interface|type|enum) (\w+)/gm;
  for (const [, kind, name] of text.matchAll(declared) as IterableIterator<[string, string, string]>) {
    names.set(name, kind === 'interface' || kind === 'type' ? `type ${name}` : name);
  }
  for (const [, typeBlock, body] of text.matchAll(/^export (type )?\{([^}]*)\}/gm) as IterableIterator<
    [string, string | undefined, string]
  >) {
    for (const part of body.split(',')) {
      const typeOnly = typeBlock !== undefined || /^\s*type\s/.test(part);
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .at(-1);
      if (name) names.set(name, typeOnly ? `type ${name}` : name);
    }
  }
  return names;
}

/** Names an example may use without declaring, as a reader of the docs would assume them. */
const ambient: Record<string, string> = {
  tasks: 'declare const tasks: import("tooltask").TaskManager;',
  id: 'declare const id: string;',
  render: 'declare function render(task: import("tooltask").TaskSnapshot): void;',
  agentCard: 'declare const agentCard: import("@a2a-js/sdk").AgentCard;',
};

function declares(code: string, name: string): boolean {
  const declaration = `\\b(?:const|let|var|function|class|interface|type|enum)\\s+(?:${name}\\b|\\{[^}]*\\b${name}\\b[^}]*\\})`;
  return new RegExp(`${declaration}|\\bimport\\b[^;]*\\b${name}\\b`).test(code);
}

function toModule(example: Example, entries: Map<string, string>): string {
  const code = example.code;
  const prelude = Object.entries(ambient)
    .filter(([name]) => new RegExp(`\\b${name}\\b`).test(code) && !declares(code, name))
    .map(([, declaration]) => declaration);
  // A TSDoc example may use its own module's exports, and the main entry's, without importing them.
  const file = example.source.split(':')[0] as string;
  const modules = [...new Set([entries.get('tooltask') as string, ...(file.startsWith('README') ? [] : [file])])];
  const imported = new Set<string>();
  for (const module of modules) {
    const specifier =
      [...entries].find(([, source]) => source === module)?.[0] ?? `../../${module.replace(/\.ts$/, '.js')}`;
    const used = [...exportedNames(module)]
      .filter(([name]) => new RegExp(`\\b${name}\\b`).test(code) && !declares(code, name) && !imported.has(name))
      .map(([name, specifierName]) => {
        imported.add(name);
        return specifierName;
      });
    if (used.length > 0) prelude.push(`import { ${used.join(', ')} } from '${specifier}';`);
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
    const entries = entryPoints();
    all.forEach((example, index) => {
      writeFileSync(join(out, `example-${String(index).padStart(3, '0')}.ts`), toModule(example, entries));
    });
    const paths = Object.fromEntries([...entries].map(([specifier, source]) => [specifier, [`../../${source}`]]));
    writeFileSync(
      join(out, 'tsconfig.json'),
      JSON.stringify({
        extends: '../../tsconfig.json',
        // Some examples draw in a page (tooltask/chart): the DOM's types too.
        compilerOptions: { noUnusedLocals: false, types: ['node'], lib: ['ES2023', 'DOM', 'DOM.Iterable'], paths },
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
  }, 180_000);
});
