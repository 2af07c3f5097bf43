import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    react: 'src/react.ts',
    'protocols/mcp': 'src/protocols/mcp.ts',
    'protocols/mcpTasks': 'src/protocols/mcpTasks.ts',
    'protocols/a2a': 'src/protocols/a2a.ts',
    'redis/index': 'src/redis/index.ts',
  },
  format: ['esm'],
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  treeshake: true,
  // Peers, and the optional SDKs reached through their subpaths: never bundled.
  external: [
    'xstate',
    'rxjs',
    'react',
    /^@modelcontextprotocol\/(sdk|server)(\/|$)/,
    /^@a2a-js\/sdk(\/|$)/,
    /^redis(\/|$)/,
    /^@redis\//,
  ],
});
