#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=1
// Memory settings for a long-lived worker, measured on `marketops worker` (docs/benchmarks.md): V8's
// young generation in 1 MiB semi-spaces rather than 16 (~30 MiB less resident), and two malloc
// arenas rather than one per allocating thread (the Temporal core's; ~15-30 MiB less). They apply
// when this file runs as a program (the `marketops` command); `node bin/marketops.js` passes them itself.
// Runs the compiled CLI in dist/ when it is built from the current sources (npm start, npm test and
// the packed package build it); otherwise tsx compiles the TypeScript sources on load, so an edit
// never runs stale code, only slower.
import { distEntry, distIsFresh } from './build-state.js';

if (distIsFresh()) {
  await import(distEntry);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
