import { defineConfig } from 'tsup';

// The inspector's page: one self-contained browser script (ELK included), served inline by
// tooltask/inspector, so the inspector works without a network.
export default defineConfig({
  entry: { 'inspector-page': 'src/inspector/page/main.ts' },
  format: ['esm'],
  platform: 'browser',
  target: 'es2022',
  minify: true,
  dts: false,
  clean: false,
  noExternal: [/.*/],
  // One file: the page is served inline, so ELK's lazy import must stay inside it.
  splitting: false,
});
