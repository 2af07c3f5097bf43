// The conformance CLI (0.2.x) imports `globSync` from `fs`, which Node has from 22 on; it uses it
// only for `tier-check`. On Node 20 its `fs` import resolves to this shim, so the `server` command runs.
// Loaded with `node --import ./test/protocols/conformance/node20.mjs`; does nothing where Node has it.
import fs from 'node:fs';
import { register } from 'node:module';

if (typeof fs.globSync !== 'function') register('./node20Hooks.mjs', import.meta.url);
