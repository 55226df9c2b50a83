import { generateKeyPairSync } from 'node:crypto';
import { RequestError } from '@octokit/request-error';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryBudgetStore } from '../../src/budgets/store.js';
import { pullRequest, tagRequest } from '../../src/demo/requests.js';
import { githubIdentities } from '../../src/github/identities.js';
import { createOctokit } from '../../src/github/octokit.js';
import {
  defaultSandboxConfig,
  type RunningSandbox,
  sandboxConfigSchema,
  startSandbox,
} from '../../src/sandbox/index.js';
import { startBudgetWorkers } from '../budgets/budget-workers.js';
import { runClientOf } from '../runs/fixtures.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';

const APP_ID = 4242;
const INSTALLATION = 77;
const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** The default sandbox with our App installed on omega, for marketops only. */
const appConfig = sandboxConfigSchema.safeParse({
  ...defaultSandboxConfig,
  apps: [
    {
      id: APP_ID,
      publicKey: privateKey,
      installations: [
        {
          id: INSTALLATION,
          account: 'omega',
          repositories: ['marketops'],
          permissions: { contents: 'write', pull_requests: 'write' },
        },
      ],
    },
  ],
});
const SKIP = 'the sandbox has no GitHub App installations yet (issue 13, section 3)';

const suite = useExecutorHarness('time-skipping');
const nextRunId = runIds('app');
let sandbox: RunningSandbox | undefined;

beforeAll(async () => {
  if (appConfig.success) sandbox = await startSandbox({ port: 0, config: appConfig.data });
});
afterAll(() => sandbox?.close());

const appOctokit = (github: RunningSandbox) =>
  createOctokit(github.url, { kind: 'app', appId: APP_ID, privateKey, installations: {} });
/** Prod workers acting as the App, with a budget of their own. */
const appWorkers = (github: RunningSandbox) =>
  startBudgetWorkers(suite.harness, {
    github: { octokit: appOctokit(github) },
    budgets: memoryBudgetStore(),
  });
const installationLookups = async (github: RunningSandbox) =>
  (await github.admin.requests()).filter((entry) => entry.route === 'GET /repos/{owner}/{repo}/installation');

describe('GitHub App identities against the sandbox', () => {
  it('finds the installation on the owner once, and scopes each token to one repository and one permission', async (context) => {
    if (!sandbox) return context.skip(SKIP);
    const identities = githubIdentities(appOctokit(sandbox));
    const tags = await identities.forOperation('omega/marketops', 'contents');
    expect(tags.identity).toMatchObject({
      kind: 'app_installation',
      id: `installation:${INSTALLATION}`,
      installation_id: INSTALLATION,
      permissions: { contents: 'write' },
    });
    await identities.forOperation('omega/marketops', 'pull_requests');
    expect(await installationLookups(sandbox)).toHaveLength(1);

    const repo = { owner: 'omega', repo: 'marketops' };
    await expect(
      tags.octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...repo, ref: 'heads/main' }),
    ).resolves.toMatchObject({ status: 200 });
    // Scoped to marketops: website is invisible to it, as GitHub answers a repository a token cannot see.
    const elsewhere = await tags.octokit
      .request('GET /repos/{owner}/{repo}/git/ref/{ref}', {
        owner: 'omega',
        repo: 'website',
        ref: 'heads/main',
      })
      .catch((error: unknown) => error);
    expect(elsewhere).toBeInstanceOf(RequestError);
    expect([403, 404]).toContain((elsewhere as RequestError).status);
    // A tag-only token (contents: write) is refused on pull requests.
    const pull = await tags.octokit
      .request('POST /repos/{owner}/{repo}/pulls', {
        ...repo,
        head: 'feature/launch-notes',
        base: 'main',
        title: 'x',
      })
      .catch((error: unknown) => error);
    expect(pull).toMatchObject({
      status: 403,
      message: expect.stringMatching(/Resource not accessible by integration/),
    });
    // No token in errors.
    expect(JSON.stringify(pull)).not.toMatch(/ghs_/);
    expect(String((pull as Error).message)).not.toMatch(/ghs_/);
  });

  it('uses an installation named in GITHUB_APP_INSTALLATIONS without looking it up, and names the variable when the App is not installed', async (context) => {
    if (!sandbox) return context.skip(SKIP);
    await sandbox.admin.reset();
    const overridden = githubIdentities(appOctokit(sandbox), { omega: INSTALLATION });
    expect((await overridden.forOperation('omega/marketops', 'contents')).identity.id).toBe(
      `installation:${INSTALLATION}`,
    );
    expect(await installationLookups(sandbox)).toHaveLength(0);
    const missing = githubIdentities(appOctokit(sandbox));
    await expect(missing.forOperation('nobody/nothing', 'contents')).rejects.toThrow(
      /GITHUB_APP_INSTALLATIONS \(nobody=<id>\)/,
    );
  });

  it('previews a plan as the installation that would ship each step, with read-only tokens', async (context) => {
    if (!sandbox) return context.skip(SKIP);
    await sandbox.admin.reset();
    const identities = githubIdentities(appOctokit(sandbox));
    const reader = await identities.forOperation('omega/marketops', 'contents', 'read');
    expect(reader.identity.permissions).toEqual({ contents: 'read', metadata: 'read' });
    const write = await reader.octokit
      .request('POST /repos/{owner}/{repo}/git/refs', {
        owner: 'omega',
        repo: 'marketops',
        ref: 'refs/tags/never',
        sha: 'a'.repeat(40),
      })
      .catch((error: unknown) => error);
    expect(write).toMatchObject({ status: 403 });

    const { harness } = suite;
    const workers = await appWorkers(sandbox);
    try {
      const id = nextRunId();
      const plan = {
        run_id: id,
        steps: [
          { id: 'tag', request: tagRequest(id, `preview-${id}`) },
          { id: 'pr', request: pullRequest(id, `Preview ${id}`), needs: ['tag'] },
          { id: 'elsewhere', request: { ...tagRequest(id, `x-${id}`), repository: 'nobody/nothing' } },
        ],
      };
      const steps = await runClientOf(harness).preview(plan);
      expect(steps.map((step) => [step.id, step.action])).toEqual([
        ['tag', 'create'],
        ['pr', 'create'],
        ['elsewhere', 'fail'],
      ]);
      expect(steps[2]?.detail).toMatch(/GITHUB_APP_INSTALLATIONS \(nobody=<id>\)/);
      const log = await sandbox.admin.requests();
      // Nothing applied to a repository: the only POSTs that succeed are the read tokens.
      expect(log.filter((entry) => entry.applied && entry.route?.startsWith('POST /repos/'))).toEqual([]);
      expect(log.some((entry) => entry.identity === `installation:${INSTALLATION}`)).toBe(true);
    } finally {
      await workers.stop();
    }
  }, 60_000);

  it('ships as the installation with the least permission, and the audit record says so, of a failure too', async (context) => {
    if (!sandbox) return context.skip(SKIP);
    const { harness } = suite;
    const workers = await appWorkers(sandbox);
    try {
      const runId = nextRunId();
      const tag = await harness.issueAndExecute(tagRequest(runId, `app-${runId}`));
      expect(tag.status).toBe('succeeded');
      const pr = await harness.issueAndExecute(pullRequest(runId, `App PR ${runId}`));
      expect(pr.status).toBe('succeeded');
      // The same tag name, annotated this time: the existing tag differs, nothing is written.
      const conflict = await harness.issueAndExecute(tagRequest(runId, `app-${runId}`, 'Annotated'));
      expect(conflict).toMatchObject({ status: 'failed', code: 'CONFLICT' });
      const records = (await harness.store.byRunId(runId)).map((entry) => entry.record);
      // What GitHub granted: the one permission asked for, and the metadata read it always adds.
      const installation = {
        kind: 'app_installation',
        id: `installation:${INSTALLATION}`,
        installation_id: INSTALLATION,
      };
      expect(records.map((record) => record.github?.identity)).toEqual([
        { ...installation, permissions: { contents: 'write', metadata: 'read' } },
        { ...installation, permissions: { pull_requests: 'write', metadata: 'read' } },
        { ...installation, permissions: { contents: 'write', metadata: 'read' } },
      ]);
      expect(records[2]).toMatchObject({
        outcome: 'failed',
        github: { identity: { kind: 'app_installation' } },
      });
      expect(JSON.stringify(records)).not.toMatch(/ghs_|BEGIN PRIVATE KEY/);
    } finally {
      await workers.stop();
    }
  }, 60_000);
});

describe('a token identity', () => {
  it('is named by a fingerprint, never the token, in the audit record', async () => {
    const { harness } = suite;
    const workers = await startBudgetWorkers(harness, {
      github: harness.sandbox,
      budgets: memoryBudgetStore(),
    });
    try {
      const runId = nextRunId();
      expect((await harness.issueAndExecute(tagRequest(runId, `token-${runId}`))).status).toBe('succeeded');
      const [entry] = await harness.store.byRunId(runId);
      expect(entry?.record.github?.identity).toEqual({
        kind: 'token',
        id: expect.stringMatching(/^token:sha256:[0-9a-f]{16}$/),
      });
      expect(JSON.stringify(entry?.record)).not.toContain(harness.sandbox.token);
    } finally {
      await workers.stop();
    }
  }, 60_000);
});
