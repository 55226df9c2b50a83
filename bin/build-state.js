// Whether dist/ holds a build of the current sources. Plain JavaScript, no dependencies: the CLI
// reads it on every call (a few milliseconds of stat calls), and scripts/build.sh asks it too.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const distEntry = join(root, 'dist/cli/main.js');
/** Touched by scripts/build.sh after a successful tsc build: tsc leaves unchanged outputs untouched. */
export const buildStamp = join(root, 'dist/.build-stamp');

const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json'];

function newestMtimeMs(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted or renamed source changes its folder's mtime
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

/** Fresh: built, and no source, folder or compiler setting changed since. */
export function distIsFresh() {
  const built = statSync(buildStamp, { throwIfNoEntry: false });
  if (!built || !statSync(distEntry, { throwIfNoEntry: false })) return false;
  return INPUTS.every((input) => newestMtimeMs(join(root, input)) <= built.mtimeMs);
}

// `node bin/build-state.js` exits 0 when dist/ is fresh, 1 when it must be rebuilt.
if (process.argv[1] === fileURLToPath(import.meta.url)) process.exitCode = distIsFresh() ? 0 : 1;
