import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { toFailure } from '../../src/activities/github/failures.js';
import { openArtifactStore } from '../../src/artifacts/index.js';
import { Code } from '../../src/codes.js';
import { releaseRequest } from '../../src/demo/requests.js';
import { githubCalls } from '../../src/github/calls.js';
import type { StepContext } from '../../src/operations/operation.js';
import { assetViews, assetWrite } from '../../src/operations/publish-release/asset-steps.js';
import type { Asset } from '../../src/operations/publish-release/assets.js';
import { type Carry, carryLine } from '../../src/operations/publish-release/carry.js';
import type { AssetRequest } from '../../src/operations/publish-release/release-reads.js';
import { linkOf, type UploadView } from '../../src/operations/publish-release/views.js';
import { FEATURE_BRANCH, MAIN_SHA, repo, useSandbox } from '../sandbox/harness.js';
import { tempDir } from '../support/temp-dirs.js';

/**
 * An upload step against the sandbox over HTTP. On a draft this execution started empty (`fresh`)
 * it sends its bytes first and reads the draft's assets only when GitHub answers 422
 * already_exists, so whatever is already there is still adopted, replaced or refused. On a draft
 * adopted with assets (`taken`) it reads the one page where its asset would be first.
 */
const t = useSandbox();
const UPLOAD = 'POST /repos/{owner}/{repo}/releases/{release_id}/assets';

async function uploadStep(name: string, content: string, draftHad: 'fresh' | 'taken' = 'fresh') {
  const artifacts = await openArtifactStore({ kind: 'local', dir: await tempDir('upload-step') });
  const stored = await artifacts.put(Readable.from([Buffer.from(content)]));
  const asset: Asset = { name, ...stored, content_type: 'text/plain' };
  const request: AssetRequest = { ...releaseRequest('run-uploads', 'v21.10.0'), assets: [asset] };
  const view = assetViews(request)[1] as UploadView;
  const calls = githubCalls(t.octokit, { onResponse: () => {}, beforeWrite: async () => {} });
  const context: StepContext = { calls, artifacts };
  const { data: draft } = await t.octokit.repos.createRelease({
    ...repo,
    tag_name: 'v21.10.0',
    target_commitish: FEATURE_BRANCH,
    draft: true,
  });
  const carried: Carry = {
    releaseId: draft.id,
    commit: MAIN_SHA,
    uploadUrl: draft.upload_url,
    fresh: draftHad === 'fresh',
    link: linkOf(view),
  };
  /** The step as write 1 runs it from `view` and the carry, refused before it sends anything. */
  const runWith = async (
    changed: Partial<Carry> = {},
    handed: UploadView = view,
    carry = carryLine({ ...carried, ...changed }),
  ) => assetWrite(handed, handed.index + 1).run(context, handed, carry);
  return {
    asset,
    /** Someone else's upload of `content` under the name, before the step runs. */
    taken: (other: string) =>
      t.octokit.request({
        method: 'POST',
        url: draft.upload_url,
        name,
        data: other,
        headers: { 'content-type': 'text/plain' },
      }),
    view,
    uploadUrl: draft.upload_url,
    run: () => runWith(),
    runWith,
    /** The step's own requests: everything after `from` in the sandbox's log. */
    sent: async (from: number) =>
      (await t.sandbox.admin.requests()).slice(from).map((entry) => `${entry.route} ${entry.status}`),
  };
}

describe('an upload on a fresh draft', () => {
  it('is one request when the name is free', async () => {
    const step = await uploadStep('free.txt', 'free');
    const before = (await t.sandbox.admin.requests()).length;
    await step.run();
    expect(await step.sent(before)).toEqual([`${UPLOAD} 201`]);
  });

  it('adopts the same bytes already there after GitHub refuses the name', async () => {
    const step = await uploadStep('same.txt', 'same');
    await step.taken('same');
    const before = (await t.sandbox.admin.requests()).length;
    await step.run();
    expect(await step.sent(before)).toEqual([
      `${UPLOAD} 422`,
      'GET /repos/{owner}/{repo}/releases/{release_id}/assets 200',
    ]);
  });

  it('refuses other bytes under the name: CONFLICT naming both digests, after one refused upload', async () => {
    const step = await uploadStep('other.txt', 'authorized');
    const { data: theirs } = await step.taken('something else');
    const before = (await t.sandbox.admin.requests()).length;
    const error = await step.run().catch((thrown: unknown) => thrown);
    expect(String(error)).toContain(`the asset other.txt has digest ${theirs.digest}`);
    expect(String(error)).toContain(`sha256:${step.asset.sha256}`);
    expect(await step.sent(before)).toEqual([
      `${UPLOAD} 422`,
      'GET /repos/{owner}/{repo}/releases/{release_id}/assets 200',
    ]);
  });
});

describe('an upload on a draft adopted with assets', () => {
  it('adopts its asset from the one page where it would be: one read, no write', async () => {
    const step = await uploadStep('up.txt', 'up', 'taken');
    await step.taken('up');
    const before = (await t.sandbox.admin.requests()).length;
    await step.run();
    expect(await step.sent(before)).toEqual(['GET /repos/{owner}/{repo}/releases/{release_id}/assets 200']);
  });

  it('uploads an asset its page does not have: one read, one write', async () => {
    const step = await uploadStep('new.txt', 'new', 'taken');
    const before = (await t.sandbox.admin.requests()).length;
    await step.run();
    expect(await step.sent(before)).toEqual([
      'GET /repos/{owner}/{repo}/releases/{release_id}/assets 200',
      `${UPLOAD} 201`,
    ]);
  });
});

describe('an upload trusts neither its carry nor its view', () => {
  const refused = async (run: () => Promise<unknown>) => {
    const before = (await t.sandbox.admin.requests()).length;
    const error = await run().catch((thrown: unknown) => thrown);
    // The activity's failure for it: INTERNAL_ERROR, not retried.
    const failure = toFailure(error, { now: 0, notAfter: 1 });
    expect([failure.type, failure.nonRetryable]).toEqual([Code.INTERNAL_ERROR, true]);
    expect((await t.sandbox.admin.requests()).length).toBe(before);
    return failure.message;
  };

  it('refuses a carried upload URL of another origin, repository or release, or a malformed carry, sending nothing', async () => {
    const step = await uploadStep('aimed.txt', 'aimed');
    const url = step.uploadUrl;
    const elsewhere = url.replace(/^https?:\/\/[^/]+/, 'https://uploads.elsewhere.invalid');
    expect(await refused(() => step.runWith({ uploadUrl: elsewhere }))).toMatch(
      /not on the configured uploads origin/,
    );
    const otherRepo = url.replace(`/repos/${repo.owner}/${repo.repo}/`, `/repos/${repo.owner}/other/`);
    expect(await refused(() => step.runWith({ uploadUrl: otherRepo }))).toMatch(
      /not the path of .*'s release/,
    );
    const otherRelease = url.replace(/\/releases\/\d+\//, '/releases/999999/');
    expect(await refused(() => step.runWith({ uploadUrl: otherRelease }))).toMatch(/not the path of/);
    const id = url.match(/\/releases\/(\d+)\//)?.[1] ?? '';
    const carry = `x${id} ${MAIN_SHA} ${url} fresh ${linkOf(step.view)}`;
    expect(await refused(() => step.runWith({}, step.view, carry))).toMatch(/is not "<release id> <sha>/);
    const noLink = carry.slice(1).replace(/ [0-9a-f]{64}$/, '');
    expect(await refused(() => step.runWith({}, step.view, noLink))).toMatch(/is not "<release id> <sha>/);
    await step.run();
  });

  it('refuses a view of another repository, asset or position than the carried link, sending nothing', async () => {
    const step = await uploadStep('bound.txt', 'bound');
    const { view } = step;
    const tampered: UploadView[] = [
      { ...view, repository: `${repo.owner}/other` },
      { ...view, tag_name: 'v0.0.1' },
      { ...view, asset: { ...view.asset, sha256: 'f'.repeat(64) } },
      { ...view, asset: { ...view.asset, name: 'other.txt' } },
      { ...view, index: 1, asset_count: 2 },
    ];
    for (const handed of tampered)
      expect(await refused(() => step.runWith({}, handed))).toMatch(/is not the authorized request's/);
    await step.run();
  });
});
