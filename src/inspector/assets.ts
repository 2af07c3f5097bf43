import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

let script: Promise<string> | undefined;

/**
 * The page's script: the one the package ships (`dist/inspector-page.js`, built with the package),
 * or, when tooltask runs from its sources (tests, `tsx`), the page bundled from them on first use.
 */
export function pageScript(): Promise<string> {
  script ??= load();
  return script;
}

async function load(): Promise<string> {
  try {
    return await readFile(new URL('./inspector-page.js', import.meta.url), 'utf8');
  } catch {
    const entry = fileURLToPath(new URL('./page/main.ts', import.meta.url));
    // esbuild is a tool of tooltask's own build, present only where its sources are.
    const esbuild = await import('esbuild').catch(() => undefined);
    if (esbuild === undefined) {
      throw new Error('Expected the inspector page next to tooltask/inspector (dist/inspector-page.js), found none');
    }
    const built = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      logLevel: 'silent',
    });
    return built.outputFiles[0]?.text ?? '';
  }
}
