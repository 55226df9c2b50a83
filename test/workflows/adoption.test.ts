import { Octokit } from '@octokit/rest';
import { beforeEach, describe, expect, it } from 'vitest';
import { FEATURE_BRANCH, pullRequest, releaseRequest, tagRequest } from '../../src/demo/requests.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import { DEFAULT_MAIN_SHA, DEFAULT_REPOSITORY } from '../../src/sandbox/index.js';
import type { ExecutionResult } from '../../src/shared.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { waitFor } from '../support/wait.js';

const suite = useExecutorHarness('time-skipping');
const runId = runIds('adoption');
beforeEach(() => suite.harness.sandbox.admin.reset());

const FEATURE_SHA = '2e4b6d8f0a1c3e5a7c9e1b3d5f7a9c1e3b5d7f9a';
const repo = { owner: 'omega', repo: 'marketops' } as const;
/** Someone else's hand on the repository: what existed before the executor ran. */
const github = () => new Octokit({ baseUrl: suite.harness.sandbox.url, auth: suite.harness.sandbox.token });
const admin = () => suite.harness.sandbox.admin;

async function lightweightTag(tag: string, sha: string): Promise<void> {
  await github().git.createRef({ ...repo, ref: `refs/tags/${tag}`, sha });
}

async function annotatedTag(tag: string, sha: string, message: string): Promise<void> {
  const object = await github().git.createTag({ ...repo, tag, message, object: sha, type: 'commit' });
  await github().git.createRef({ ...repo, ref: `refs/tags/${tag}`, sha: object.data.sha });
}

/** Seeds a release with the request's authorized fields, overridden by `change`. */
async function existingRelease(request: OperationRequest, change: Record<string, unknown> = {}) {
  if (request.operation_kind !== 'publish_release') throw new Error('not a release request');
  const { tag_name, name, body, target_commitish, draft, prerelease } = request;
  const seeded = { tag_name, name, body, target_commitish, draft, prerelease, ...change };
  await github().repos.createRelease({ ...repo, ...seeded });
}

const execute = (request: OperationRequest): Promise<ExecutionResult> =>
  suite.harness.withWorkers('prod', () => suite.harness.issueAndExecute(request));

/** Runs `request` and expects a CONFLICT with `message` that left GitHub exactly as it was. */
async function expectConflict(request: OperationRequest, message: string): Promise<void> {
  const before = await admin().state();
  const writesBefore = (await suite.harness.writes()).length;
  const result = await execute(request);
  expect(result).toMatchObject({ status: 'failed', code: 'CONFLICT' });
  expect(result.status === 'failed' && result.message).toBe(message);
  expect(await admin().state()).toEqual(before);
  expect((await suite.harness.writes()).length).toBe(writesBefore);
}

describe('publish_release adopts or creates only at the authorized commit', () => {
  it('an existing lightweight tag at another commit: CONFLICT naming the commit, nothing written', async () => {
    await lightweightTag('v3.0.0', FEATURE_SHA);
    await expectConflict(
      releaseRequest(runId(), 'v3.0.0'),
      'Tag v3.0.0 exists but points at 2e4b6d8, not main (1f3a9c2); nothing was changed.',
    );
  });

  it('an existing annotated tag at another commit: peeled, CONFLICT naming the commit, nothing written', async () => {
    await annotatedTag('v3.0.1', FEATURE_SHA, 'Tagged elsewhere');
    await expectConflict(
      releaseRequest(runId(), 'v3.0.1'),
      'Tag v3.0.1 exists but points at 2e4b6d8, not main (1f3a9c2); nothing was changed.',
    );
  });

  it('an existing release whose tag points at another commit: CONFLICT naming the commit', async () => {
    const request = releaseRequest(runId(), 'v3.1.0');
    await existingRelease(request, { target_commitish: FEATURE_BRANCH });
    await expectConflict(
      request,
      'Release v3.1.0 exists but its tag points at 2e4b6d8, not main (1f3a9c2); nothing was changed.',
    );
  });

  it('an existing draft without a tag: compared by the commit its target resolves to', async () => {
    const request = { ...releaseRequest(runId(), 'v3.2.0'), draft: true };
    await existingRelease(request, { target_commitish: FEATURE_BRANCH });
    await expectConflict(
      request,
      `Release v3.2.0 exists but its target ${FEATURE_BRANCH} resolves to 2e4b6d8, not main (1f3a9c2); nothing was changed.`,
    );
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>, string]>([
    [
      'name',
      { name: 'Someone else’s name' },
      {},
      'its name is "Someone else’s name", not "MarketOps v3.3.0"',
    ],
    ['body', { body: 'Other notes' }, {}, 'its body differs'],
    ['draft', {}, { draft: true }, 'it is published, not a draft'],
    ['prerelease', { prerelease: true }, {}, 'it is a prerelease, not a full release'],
  ])('an existing release with another %s: CONFLICT naming it', async (_field, seeded, requested, phrase) => {
    const request = { ...releaseRequest(runId(), 'v3.3.0'), ...requested } as OperationRequest;
    await existingRelease(releaseRequest('seed', 'v3.3.0'), seeded);
    await expectConflict(request, `Release v3.3.0 exists but ${phrase}; nothing was changed.`);
  });

  it.each([
    ['a branch name', 'main'],
    ['a SHA', DEFAULT_MAIN_SHA],
  ])('control: a release at the authorized commit, given as %s, is adopted', async (_how, target) => {
    const request = { ...releaseRequest(runId(), 'v3.4.0'), target_commitish: target } as OperationRequest;
    await existingRelease(request, { target_commitish: 'main' });
    const before = await admin().state();
    expect(await execute(request)).toMatchObject({ status: 'succeeded', github: { adopted: true } });
    expect(await admin().state()).toEqual(before);
  });

  it('control: an annotated tag already at the authorized commit gets the release, and keeps its object', async () => {
    await annotatedTag('v3.5.0', DEFAULT_MAIN_SHA, 'Tagged ahead of the release');
    const tagRef = (await suite.harness.demoRepository()).refs['refs/tags/v3.5.0'];
    const result = await execute(releaseRequest(runId(), 'v3.5.0'));
    expect(result).toMatchObject({ status: 'succeeded', github: { adopted: false } });
    const after = await suite.harness.demoRepository();
    expect(after.refs['refs/tags/v3.5.0']).toEqual(tagRef);
    expect(after.releases.map((release) => release.tag_name)).toEqual(['v3.5.0']);
  });

  it('creates the release at the SHA the branch resolved to, so a branch moving during the write changes nothing', async () => {
    const moved = 'c'.repeat(40);
    // The write is held back long enough to move main after the executor resolved it.
    await admin().addFault({
      route: 'POST /repos/{owner}/{repo}/releases',
      kind: 'latency',
      latencyMs: 1500,
    });
    const request = releaseRequest(runId(), 'v3.6.0');
    const result = await suite.harness.withWorkers('prod', async () => {
      const submission = await suite.harness.client.submit({
        receipt: await suite.harness.issue(request),
        request,
      });
      if (submission.status !== 'started') throw new Error('submission was rejected');
      await waitFor(async () =>
        (await admin().requests()).some((entry) => entry.route === 'GET /repos/{owner}/{repo}/commits/{ref}'),
      );
      await admin().setBranch(DEFAULT_REPOSITORY, 'main', moved);
      // The log lists a request once it is handled: the write had not been, so it saw the move.
      expect((await suite.harness.writes()).length).toBe(0);
      return suite.harness.client.result(submission.receiptId);
    });
    expect(result).toMatchObject({ status: 'succeeded', github: { adopted: false } });
    const after = await suite.harness.demoRepository();
    expect(after.refs['refs/heads/main']?.sha).toBe(moved);
    expect(after.refs['refs/tags/v3.6.0']).toEqual({ sha: DEFAULT_MAIN_SHA, type: 'commit' });
    expect(after.releases[0]?.target_commitish).toBe(DEFAULT_MAIN_SHA);
  });

  it('a retry that finds the branch moved since its lost write fails closed: CONFLICT, one release, at the first commit', async () => {
    const moved = 'd'.repeat(40);
    await admin().addFault({ route: 'POST /repos/{owner}/{repo}/releases', kind: 'drop-after-apply' });
    // The retry's resolve is held back long enough to move main after the lost write.
    const resolve = 'GET /repos/{owner}/{repo}/commits/{ref}';
    await admin().addFault({ route: resolve, kind: 'latency', latencyMs: 1500, afterRequests: 1 });
    const request = releaseRequest(runId(), 'v3.8.0');
    const result = await suite.harness.withWorkers('prod', async () => {
      const submission = await suite.harness.client.submit({
        receipt: await suite.harness.issue(request),
        request,
      });
      if (submission.status !== 'started') throw new Error('submission was rejected');
      await waitFor(async () => (await suite.harness.writes()).some((entry) => entry.dropped));
      await admin().setBranch(DEFAULT_REPOSITORY, 'main', moved);
      return suite.harness.client.result(submission.receiptId);
    });
    expect(result).toMatchObject({
      status: 'failed',
      code: 'CONFLICT',
      message:
        'Release v3.8.0 exists but its tag points at 1f3a9c2, not main (ddddddd); nothing was changed.',
    });
    const after = await suite.harness.demoRepository();
    expect(after.releases).toHaveLength(1);
    expect(after.refs['refs/tags/v3.8.0']).toEqual({ sha: DEFAULT_MAIN_SHA, type: 'commit' });
    expect((await suite.harness.writes()).length).toBe(1);
  });

  it('a target_commitish that names no commit fails before any write', async () => {
    const request = {
      ...releaseRequest(runId(), 'v3.7.0'),
      target_commitish: 'no-such-branch',
    } as OperationRequest;
    const result = await execute(request);
    expect(result).toMatchObject({ status: 'failed', code: 'GITHUB_VALIDATION_FAILED' });
    expect(result.status === 'failed' && result.message).toContain('No commit found for SHA: no-such-branch');
    expect(await suite.harness.writes()).toEqual([]);
  });
});

describe('tag_repo adopts only the same commit, kind and message', () => {
  it.each<[string, () => Promise<void>, OperationRequest, string]>([
    [
      'sha (lightweight)',
      () => lightweightTag('v4.0.0', FEATURE_SHA),
      tagRequest('run', 'v4.0.0'),
      'points at 2e4b6d8, not 1f3a9c2',
    ],
    [
      'sha (annotated)',
      () => annotatedTag('v4.0.0', FEATURE_SHA, 'Release'),
      tagRequest('run', 'v4.0.0', 'Release'),
      'points at 2e4b6d8, not 1f3a9c2',
    ],
    [
      'kind (annotated found, lightweight authorized)',
      () => annotatedTag('v4.0.0', DEFAULT_MAIN_SHA, 'Release'),
      tagRequest('run', 'v4.0.0'),
      'is annotated, not lightweight',
    ],
    [
      'kind (lightweight found, annotated authorized)',
      () => lightweightTag('v4.0.0', DEFAULT_MAIN_SHA),
      tagRequest('run', 'v4.0.0', 'Release'),
      'is lightweight, not annotated',
    ],
    [
      'message',
      () => annotatedTag('v4.0.0', DEFAULT_MAIN_SHA, 'Another message'),
      tagRequest('run', 'v4.0.0', 'Release'),
      'its message differs',
    ],
  ])('an existing tag with another %s: CONFLICT naming it', async (_field, seed, template, phrase) => {
    await seed();
    await expectConflict(
      { ...template, run_id: runId() },
      `Tag v4.0.0 exists but ${phrase}; nothing was changed.`,
    );
  });

  it.each([
    ['lightweight', () => lightweightTag('v4.1.0', DEFAULT_MAIN_SHA), undefined],
    ['annotated', () => annotatedTag('v4.1.0', DEFAULT_MAIN_SHA, 'Release'), 'Release'],
  ])('control: the same %s tag is adopted', async (_kind, seed, message) => {
    await seed();
    const before = await admin().state();
    const result = await execute(tagRequest(runId(), 'v4.1.0', message));
    expect(result).toMatchObject({ status: 'succeeded', github: { adopted: true } });
    expect(await admin().state()).toEqual(before);
  });
});

describe('open_pr adopts only the same title, body and draft state', () => {
  const seedPull = (change: Record<string, unknown>) =>
    github().pulls.create({
      ...repo,
      head: FEATURE_BRANCH,
      base: 'main',
      title: 'Launch notes',
      body: 'Launch notes for review',
      draft: false,
      ...change,
    });

  it.each<[string, Record<string, unknown>, string]>([
    ['title', { title: 'Another title' }, 'its title is "Another title", not "Launch notes"'],
    ['body', { body: 'Other words' }, 'its body differs'],
    ['draft', { draft: true }, 'it is a draft, not ready for review'],
  ])('an open pull request with another %s: CONFLICT naming it', async (_field, change, phrase) => {
    await seedPull(change);
    await expectConflict(
      pullRequest(runId(), 'Launch notes'),
      `Pull request #1 from ${FEATURE_BRANCH} into main exists but ${phrase}; nothing was changed.`,
    );
  });

  it('control: the same open pull request is adopted', async () => {
    await seedPull({});
    const before = await admin().state();
    const result = await execute(pullRequest(runId(), 'Launch notes'));
    expect(result).toMatchObject({ status: 'succeeded', github: { adopted: true, id: '1' } });
    expect(await admin().state()).toEqual(before);
  });
});
