import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { DEFAULT_REPOSITORY } from '../../src/sandbox/index.js';
import { marketopsInBackground, node } from '../support/processes.js';
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
it('the packed package installs into an empty folder, runs marketops --help and serves its sandbox', {
  timeout: 600_000,
}, async () => {
  const dir = await tempDir('packed');
  // prepack builds dist/ first when it is stale.
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  const files = packed?.files.map((file) => file.path) ?? [];
  expect(files).toContain('dist/cli/main.js');
  expect(files).toContain('dist/workflow-bundle.js'); // the worker loads its workflows bundled
  expect(files.filter((file) => /^(src|test|bench)\//.test(file))).toEqual([]);
  // The sandbox ships on purpose: start, demo and sandbox use it (docs/architecture.md says why).
  expect(files).toContain('dist/sandbox/index.js');

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

  // The shipped sandbox serves its seeded repository from the install.
  const sandbox = marketopsInBackground(['sandbox', '--port', '0', '--json'], process.env, bin);
  try {
    const printed = /^\{"url":.*\}$/m;
    await sandbox.waitForOutput(printed, 60_000);
    const { url, token } = JSON.parse(sandbox.output().match(printed)?.[0] ?? '') as {
      url: string;
      token: string;
    };
    const response = await fetch(`${url}/repos/${DEFAULT_REPOSITORY}`, {
      headers: { authorization: `token ${token}` },
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { full_name: string }).full_name).toBe(DEFAULT_REPOSITORY);
  } finally {
    await sandbox.stop();
  }
});
