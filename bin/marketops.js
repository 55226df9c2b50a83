#!/usr/bin/env node
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
