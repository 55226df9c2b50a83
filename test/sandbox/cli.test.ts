import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-dirs.js';
import { MAIN_SHA } from './harness.js';

const run = (...args: string[]): ChildProcessWithoutNullStreams =>
  spawn(process.execPath, ['bin/marketops.js', 'sandbox', ...args], { cwd: process.cwd() });

async function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  return line;
}

async function exitOf(
  child: ChildProcessWithoutNullStreams,
): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

describe('marketops sandbox', () => {
  it('starts from a config file, serves Octokit, and closes cleanly on SIGTERM', async () => {
    const dir = await tempDir('sandbox-cli');
    const config = join(dir, 'sandbox.yaml');
    await writeFile(
      config,
      `tokens: [{ id: cli, token: cli-token }]\nrepos: [{ owner: acme, name: site, default_branch: main, branches: { main: "${MAIN_SHA}" } }]\n`,
    );
    const child = run('--port', '0', '--config', config, '--json');
    const exited = exitOf(child);
    const started = JSON.parse(await firstLine(child)) as { url: string; token: string };
    expect(started.token).toBe('cli-token');
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const octokit = new Octokit({ baseUrl: started.url, auth: started.token });
    expect((await octokit.repos.get({ owner: 'acme', repo: 'site' })).data.default_branch).toBe('main');
    child.kill('SIGTERM');
    expect((await exited).code).toBe(0);
  });

  it('prints the URL, token and an export line for humans', async () => {
    const child = run('--port', '0');
    const exited = exitOf(child);
    const lines = createInterface({ input: child.stdout });
    const seen: string[] = [];
    for await (const line of lines) {
      seen.push(line);
      if (line.startsWith('Press Ctrl-C')) break;
    }
    expect(seen[0]).toMatch(/^GitHub sandbox listening on http:\/\/127\.0\.0\.1:\d+$/);
    expect(seen).toContain('Token: sandbox-token');
    expect(seen.find((line) => line.startsWith('export '))).toMatch(
      /^export GITHUB_API_URL=http:\/\/127\.0\.0\.1:\d+ GITHUB_TOKEN=sandbox-token$/,
    );
    child.kill('SIGINT');
    expect((await exited).code).toBe(0);
  });

  it('rejects a bad port and a bad config with exit code 2 and one sentence', async () => {
    const badPort = await exitOf(run('--port', 'eighty'));
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port must be an integer from 0 to 65535');
    const badConfig = await exitOf(run('--config', '/nonexistent/sandbox.yaml'));
    expect(badConfig.code).toBe(2);
    expect(badConfig.stderr).toMatch(
      /Cannot read the sandbox config from \/nonexistent\/sandbox\.yaml \(ENOENT\)/,
    );
  });
});
