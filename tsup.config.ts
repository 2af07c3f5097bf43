import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    react: 'src/react.ts',
    chart: 'src/chart.ts',
    inspector: 'src/inspector.ts',
    'protocols/mcp': 'src/protocols/mcp.ts',
    'protocols/a2a': 'src/protocols/a2a.ts',
  },
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  // Peers, and the optional SDKs reached through their subpaths: never bundled.
  external: ['xstate', 'rxjs', 'react', 'esbuild', /^@modelcontextprotocol\/sdk(\/|$)/, /^@a2a-js\/sdk(\/|$)/],
});
