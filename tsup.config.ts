import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    react: 'src/react.ts',
    chart: 'src/chart.ts',
    inspector: 'src/inspector.ts',
    'protocols/mcp': 'src/protocols/mcp.ts',
    'protocols/mcpTasks': 'src/protocols/mcpTasks.ts',
    'protocols/a2a': 'src/protocols/a2a.ts',
    'redis/index': 'src/redis/index.ts',
    // `npx tooltask inspect …` (package.json `bin`): tsup keeps its shebang.
    cli: 'src/cli.ts',
  },
  format: ['esm'],
  target: 'node20',
  // The manager implements Symbol.asyncDispose: consumers on lib ES2023 need the disposable lib to
  // read its types (TS2550 otherwise); a lib reference adds it without clashing with theirs.
  // The chart and React entries draw in the DOM: their declarations are built with its lib.
  dts: {
    banner: '/// <reference lib="esnext.disposable" />',
    compilerOptions: { lib: ['ES2023', 'DOM', 'DOM.Iterable'] },
  },
  sourcemap: true,
  clean: true,
  treeshake: true,
  // Peers, and the optional SDKs reached through their subpaths: never bundled.
  external: [
    'xstate',
    'rxjs',
    'react',
    'esbuild',
    /^@modelcontextprotocol\/(sdk|server)(\/|$)/,
    /^@a2a-js\/sdk(\/|$)/,
    /^redis(\/|$)/,
    /^@redis\//,
  ],
});
