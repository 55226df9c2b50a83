import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { node } from '../support/processes.js';
import { tempDir } from '../support/temp-dirs.js';

/**
 * Issue 15, point 4: `npm pack`, installed into an empty folder, gives a working `marketops` that
 * runs the compiled JavaScript. The install is --prefer-offline (issue 19, point 1): it takes what
 * npm's cache has and fetches the rest from the configured registry, because `npm ci` caches
 * tarballs but not the registry metadata an install of a tarball resolves against, so a fresh
 * machine's cache is never warm enough for --offline.
 */
const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

// An empty cache downloads every dependency; give it longer than the default two minutes.
it('the packed package installs into an empty folder and runs marketops --help', {
  timeout: 600_000,
}, async () => {
  const dir = await tempDir('packed');
  // prepack builds dist/ first when it is stale.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  const files = packed?.files.map((file) => file.path) ?? [];
  expect(files).toContain('dist/cli/main.js');
  expect(files).toContain('dist/workflows/index.ts'); // the worker bundles workflows from source
  expect(files.filter((file) => file.startsWith('src/'))).toEqual([]);

  const app = join(dir, 'app');
  await run('mkdir', [app]);
  await writeFile(join(app, 'package.json'), '{"name":"empty","private":true}');
  await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', join(dir, packed?.filename ?? '')],
    {
      cwd: app,
    },
  ).catch((error: Error & { stderr?: string }) => {
    throw new Error(
      `npm install of the packed package failed (can npm reach its registry?): ${error.stderr ?? error.message}`,
    );
  });

  const bin = join(app, 'node_modules/marketops-publisher/bin/marketops.js');
  const help = await node([bin, '--help']);
  expect(help.code, help.stderr).toBe(0);
  expect(help.stdout).toContain('Usage: marketops [options] [command]');
  expect(help.stdout).toMatch(/submit \[options\]/);
  // Compiled, not compiled on load: nothing of tsx is involved.
  const buildState = join(app, 'node_modules/marketops-publisher/bin/build-state.js');
  const which = await node([
    '--input-type=module',
    '-e',
    `const { distIsFresh } = await import(${JSON.stringify(buildState)}); console.log(distIsFresh())`,
  ]);
  expect(which.stdout.trim()).toBe('true');
});
