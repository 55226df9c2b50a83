import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultSandboxConfig, loadSandboxConfig } from '../../src/sandbox/index.js';
import { tempDir } from '../support/temp-dirs.js';
import { MAIN_SHA, octokitFor, repo, useSandbox } from './harness.js';

describe('admin API', () => {
  const t = useSandbox();

  it('shows the full state and resets it to the seed, clearing log and limits but not turning back time', async () => {
    await t.sandbox.admin.setLimits({ primaryPerHour: 10 });
    const tag = await t.octokit.git.createTag({
      ...repo,
      tag: 'v1',
      message: 'm',
      object: MAIN_SHA,
      type: 'commit',
    });
    await t.octokit.git.createRef({ ...repo, ref: 'refs/tags/v1', sha: tag.data.sha });
    await t.octokit.repos.createRelease({ ...repo, tag_name: 'v1', name: 'One' });
    await t.octokit.pulls.create({ ...repo, head: 'feature/launch-notes', base: 'main', title: 'PR' });
    const state = await t.sandbox.admin.state();
    const marketops = state.repos.find((candidate) => candidate.name === 'marketops');
    expect(marketops?.tags.map((t) => t.sha)).toEqual([tag.data.sha]);
    expect(marketops?.refs['refs/tags/v1']).toEqual({ sha: tag.data.sha, type: 'tag' });
    expect(marketops?.releases).toMatchObject([
      { id: 1, tag_name: 'v1', name: 'One', target_commitish: 'main' },
    ]);
    expect(marketops?.pulls).toMatchObject([
      { number: 1, head: { ref: 'feature/launch-notes' }, state: 'open' },
    ]);
    expect(state.repos.map((r) => `${r.owner}/${r.name}`)).toEqual(['omega/marketops', 'omega/website']);
    expect((await t.sandbox.admin.requests()).map((entry) => entry.applied)).toEqual([
      true,
      true,
      true,
      true,
    ]);

    await t.sandbox.admin.advanceClock(60_000);
    const before = await t.sandbox.admin.now();
    await t.sandbox.admin.reset();
    const fresh = await t.sandbox.admin.state();
    expect(fresh.repos[0]).toMatchObject({ tags: [], releases: [], pulls: [] });
    expect(Object.keys(fresh.repos[0]?.refs ?? {})).toEqual([
      'refs/heads/main',
      'refs/heads/feature/launch-notes',
    ]);
    expect(await t.sandbox.admin.requests()).toEqual([]);
    expect((await t.sandbox.admin.limits()).primaryPerHour).toBe(5000);
    expect(await t.sandbox.admin.now()).toBeGreaterThanOrEqual(before);
  });

  it('rejects bad admin input with a 400 naming the field', async () => {
    await expect(t.sandbox.admin.setLimits({ status: 418 as 403 })).rejects.toThrow(/400: Invalid status/);
    await expect(t.sandbox.admin.addFault({ kind: 'explode' as 'status' })).rejects.toThrow(
      /400: Invalid kind/,
    );
    await expect(t.sandbox.admin.advanceClock(-5)).rejects.toThrow(/400: Invalid ms/);
  });

  it('refuses admin calls without a configured token', async () => {
    const stranger = octokitFor(t.sandbox, t.recorded, 'wrong');
    await expect(stranger.request('POST /_sandbox/reset')).rejects.toMatchObject({ status: 401 });
  });
});

describe('loadSandboxConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('sandbox-config');
  });

  it('returns the built-in default without a path', async () => {
    expect(await loadSandboxConfig()).toEqual(defaultSandboxConfig);
    expect(defaultSandboxConfig.tokens).toEqual([{ id: 'sandbox', token: 'sandbox-token' }]);
  });

  it('reads YAML and JSON, filling defaults', async () => {
    const yamlPath = join(dir, 'sandbox.yaml');
    await writeFile(
      yamlPath,
      [
        'tokens: [{ id: ci, token: ci-token }]',
        'repos:',
        '  - owner: acme',
        '    name: site',
        '    default_branch: trunk',
        `    branches: { trunk: "${MAIN_SHA}" }`,
        'limits: { secondaryPerMinute: 10, maxConcurrency: null }',
        'timeCompression: 60',
      ].join('\n'),
    );
    const config = await loadSandboxConfig(yamlPath);
    expect(config.limits).toEqual({
      primaryPerHour: 5000,
      secondaryPerMinute: 10,
      secondaryPerHour: 500,
      maxConcurrency: null,
      status: 403,
    });
    expect(config.timeCompression).toBe(60);
    const jsonPath = join(dir, 'sandbox.json');
    await writeFile(jsonPath, JSON.stringify({ tokens: config.tokens, repos: config.repos }));
    expect((await loadSandboxConfig(jsonPath)).repos[0]?.default_branch).toBe('trunk');
  });

  it('names what to fix in one sentence', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      'tokens: [{ id: a, token: b }]\nrepos:\n  - { owner: o, name: n, default_branch: main, branches: { main: "xyz" } }\n',
    );
    await expect(loadSandboxConfig(bad)).rejects.toThrow(
      `Sandbox config ${bad} is invalid at repos.0.branches.main: must be a 40-character lowercase hex commit SHA; fix that field.`,
    );
    const wrongDefault = join(dir, 'default.yaml');
    await writeFile(
      wrongDefault,
      `tokens: [{ id: a, token: b }]\nrepos: [{ owner: o, name: n, default_branch: dev, branches: { main: "${MAIN_SHA}" } }]\n`,
    );
    await expect(loadSandboxConfig(wrongDefault)).rejects.toThrow(
      /default branch "dev" must be one of its branches/,
    );
    await expect(loadSandboxConfig(join(dir, 'absent.yaml'))).rejects.toThrow(
      /Cannot read the sandbox config from .* \(ENOENT\); check the path\./,
    );
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'tokens: [\n');
    await expect(loadSandboxConfig(broken)).rejects.toThrow(/neither valid YAML nor JSON/);
  });
});
