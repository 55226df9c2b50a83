import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Octokit } from '@octokit/rest';
import { beforeEach, describe, expect, it } from 'vitest';
import { releaseRequest } from '../../src/demo/requests.js';
import { type Asset, uploadTimeoutMs } from '../../src/operations/publish-release/assets.js';
import type { PublishReleaseRequest } from '../../src/operations/publish-release/request.js';
import type { ExecutionResult } from '../../src/shared.js';
import { OWNER_TOKEN, runIds, useExecutorHarness } from '../support/executor-harness.js';

/**
 * Issue 21, item 3: a release with assets through the executor, on the real stack (Temporal, the
 * sandbox over HTTP, the artifact store on disk): draft, upload, verify every digest, publish.
 */
const suite = useExecutorHarness('time-skipping');
const runId = runIds('release-assets');
beforeEach(() => suite.harness.sandbox.admin.reset());

const repo = { owner: 'omega', repo: 'marketops' } as const;
const github = (token = suite.harness.sandbox.token) =>
  new Octokit({ baseUrl: suite.harness.sandbox.url, auth: token });
const hex = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Stores `content` in the workers' artifact store and answers its `assets` entry. */
async function stored(name: string, content: string): Promise<Asset> {
  const { sha256, size } = await suite.harness.artifacts.put(Readable.from([Buffer.from(content)]));
  return { name, size, sha256, content_type: 'application/octet-stream' };
}

/** An entry for bytes the store does not have. */
const unstored = (name: string, content: string): Asset => ({
  name,
  size: Buffer.byteLength(content),
  sha256: hex(content),
  content_type: 'application/octet-stream',
});

const withAssets = (tag: string, assets: Asset[]): PublishReleaseRequest => ({
  ...releaseRequest(runId(), tag),
  assets,
});

const execute = (request: PublishReleaseRequest): Promise<ExecutionResult> =>
  suite.harness.withWorkers('prod', () => suite.harness.issueAndExecute(request));

/** Every request that changed something, in order. */
const changes = async () =>
  (await suite.harness.sandbox.admin.requests()).filter((entry) => entry.method !== 'GET');

/** The audit record the execution appended. */
async function entryOf(result: ExecutionResult) {
  const [entry] = await suite.harness.store.entries(result.audit.index, result.audit.index + 1);
  return entry?.record;
}
const recordOf = async (result: ExecutionResult) => (await entryOf(result))?.github;

/** Each GitHub write's start-to-close and heartbeat timeouts, in seconds, as the workflow scheduled them. */
async function writeTimeouts(result: ExecutionResult) {
  const workflowId = (await entryOf(result))?.temporal?.workflow_id ?? '';
  const history = await suite.harness.env.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).flatMap((event) => {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name !== 'githubWrite') return [];
    const seconds = (duration: typeof scheduled.startToCloseTimeout) => Number(duration?.seconds ?? 0);
    return [[seconds(scheduled.startToCloseTimeout), seconds(scheduled.heartbeatTimeout)]];
  });
}

async function releasesOf(tag: string) {
  const { releases } = await suite.harness.demoRepository();
  return releases.filter((release) => release.tag_name === tag);
}

const published = async (tag: string) => (await releasesOf(tag)).filter((release) => !release.draft);

async function draftWith(request: PublishReleaseRequest, uploads: { name: string; content: string }[]) {
  const { tag_name, name, body, prerelease } = request;
  const { data: draft } = await github().repos.createRelease({
    ...repo,
    tag_name,
    name,
    body,
    prerelease,
    target_commitish: 'main',
    draft: true,
  });
  for (const upload of uploads) {
    await github().request({
      method: 'POST',
      url: draft.upload_url,
      name: upload.name,
      data: upload.content,
      headers: { 'content-type': 'application/octet-stream' },
    });
  }
  return draft;
}

describe('a release with assets', () => {
  it('is drafted, uploaded and published; the downloaded bytes hash to the authorized sha256s', async () => {
    const assets = [await stored('app-linux.tar.gz', 'linux bytes'), await stored('SHA256SUMS', 'sums')];
    const result = await execute(withAssets('v21.1.0', assets));
    expect(result).toMatchObject({ status: 'succeeded', github: { adopted: false } });
    const [release] = await published('v21.1.0');
    expect(release).toBeDefined();
    const { data: listed } = await github().repos.listReleaseAssets({
      ...repo,
      release_id: Number(release?.id),
    });
    expect(listed.map((asset) => asset.name)).toEqual(['app-linux.tar.gz', 'SHA256SUMS']);
    for (const asset of assets) {
      const found = listed.find((candidate) => candidate.name === asset.name);
      const response = await fetch(found?.browser_download_url ?? '', {
        headers: { authorization: `token ${suite.harness.sandbox.token}` },
      });
      expect(hex(Buffer.from(await response.arrayBuffer()))).toBe(asset.sha256);
    }
    // The audit record lists every asset as GitHub reported it, and the release's immutability.
    expect(await recordOf(result)).toMatchObject({
      assets: assets.map((asset) => ({
        name: asset.name,
        size: asset.size,
        digest: `sha256:${asset.sha256}`,
      })),
      immutable: false,
    });
    // Each upload's timeout is announced by the write before it; the others keep the usual 30 s.
    const upload = (asset: Asset) => Math.floor(uploadTimeoutMs(asset) / 1000);
    expect(await writeTimeouts(result)).toEqual([
      [30, 0],
      [upload(assets[0] as Asset), 30],
      [upload(assets[1] as Asset), 30],
      [30, 0],
    ]);
  });

  it('adopts a complete draft: no upload, only the publication', async () => {
    const assets = [await stored('a.bin', 'aaa')];
    const request = withAssets('v21.2.0', assets);
    await draftWith(request, [{ name: 'a.bin', content: 'aaa' }]);
    const before = (await changes()).length;
    expect(await execute(request)).toMatchObject({ status: 'succeeded' });
    const sent = (await changes()).slice(before);
    expect(sent.map((change) => change.route)).toEqual(['PATCH /repos/{owner}/{repo}/releases/{release_id}']);
    expect(await published('v21.2.0')).toHaveLength(1);
    expect(await releasesOf('v21.2.0')).toHaveLength(1);
  });

  /**
   * The first upload hits `fault`; the release still ships exactly its one asset. Answers each
   * change sent, as `<method> <status>`: the retry uploads first, and GitHub's 422 already_exists
   * (a write too) sends it to what the failed attempt left.
   */
  async function afterFailedUpload(fault: 'upstream-failure' | 'drop-after-apply', tag: string) {
    const [asset] = [await stored(`${fault}.bin`, fault)];
    await suite.harness.sandbox.admin.addFault({
      route: 'POST /repos/{owner}/{repo}/releases/{release_id}/assets',
      kind: fault,
    });
    expect(await execute(withAssets(tag, [asset]))).toMatchObject({ status: 'succeeded' });
    const [release] = await published(tag);
    const { data: listed } = await github().repos.listReleaseAssets({
      ...repo,
      release_id: Number(release?.id),
    });
    expect(listed).toMatchObject([{ name: asset.name, state: 'uploaded', digest: `sha256:${asset.sha256}` }]);
    return (await changes()).map((change) => `${change.method} ${change.status}`);
  }

  it.each([
    {
      fault: 'upstream-failure',
      does: 'cleans up the starter a failed upload left and uploads again',
      tag: 'v21.3.0',
      sent: ['POST 201', 'POST 502', 'POST 422', 'DELETE 204', 'POST 201', 'PATCH 200'],
    },
    {
      fault: 'drop-after-apply',
      does: 'adopts its own upload whose answer was lost: no second copy',
      tag: 'v21.3.1',
      sent: ['POST 201', 'POST 201', 'POST 422', 'PATCH 200'],
    },
  ] as const)('$does', async ({ fault, tag, sent }) => {
    expect(await afterFailedUpload(fault, tag)).toEqual(sent);
  });

  it('on a draft adopted with some assets up, uploads only the missing ones, sending no refused upload', async () => {
    const assets = [await stored('k1.bin', 'k1'), await stored('k2.bin', 'k2')];
    const request = withAssets('v21.3.2', assets);
    await draftWith(request, [{ name: 'k1.bin', content: 'k1' }]);
    const before = (await changes()).length;
    expect(await execute(request)).toMatchObject({ status: 'succeeded' });
    const sent = (await changes()).slice(before);
    expect(sent.map((change) => `${change.method} ${change.status}`)).toEqual(['POST 201', 'PATCH 200']);
    expect(sent[0]?.path).toContain('name=k2.bin');
  });

  it('costs a linear number of requests: one write an asset, and no read that grows with each upload', async () => {
    // Within the sandbox's 80 writes a minute; test/workflows/release-assets-scale.test.ts counts 1000.
    const count = 40;
    const assets: Asset[] = [];
    for (let i = 0; i < count; i++) assets.push(await stored(`n${i}.bin`, `n${i}`));
    expect(await execute(withAssets('v21.3.3', assets))).toMatchObject({ status: 'succeeded' });
    const log = await suite.harness.sandbox.admin.requests();
    const reads = log.filter((entry) => entry.method === 'GET');
    const writes = log.filter((entry) => entry.method !== 'GET');
    expect(writes).toHaveLength(count + 2);
    // The draft's and the publication's reads, however many assets: an upload reads nothing.
    expect(reads.length).toBeLessThanOrEqual(14);
    console.info(
      `${count} assets: ${log.length} GitHub requests (${reads.length} reads, ${writes.length} writes)`,
    );
  }, 120_000);

  it('refuses an asset of the same name with another digest: CONFLICT naming both, nothing published', async () => {
    const assets = [await stored('c.bin', 'authorized')];
    await draftWith(withAssets('v21.4.0', assets), [{ name: 'c.bin', content: 'something else' }]);
    const result = await execute(withAssets('v21.4.0', assets));
    expect(result).toMatchObject({ status: 'failed', code: 'CONFLICT' });
    const message = result.status === 'failed' ? result.message : '';
    expect(message).toContain('c.bin');
    expect(message).toContain(`sha256:${hex('something else')}`);
    expect(message).toContain(`sha256:${assets[0]?.sha256}`);
    expect(await published('v21.4.0')).toEqual([]);
  });

  it('refuses a missing artifact before anything is written to GitHub', async () => {
    const before = (await suite.harness.writes()).length;
    const result = await execute(
      withAssets('v21.5.0', [await stored('d.bin', 'ddd'), unstored('e.bin', 'absent')]),
    );
    expect(result).toMatchObject({ status: 'failed', code: 'ARTIFACT_MISSING' });
    expect(result.status === 'failed' && result.message).toContain('e.bin');
    expect((await suite.harness.writes()).length).toBe(before);
    expect(await releasesOf('v21.5.0')).toEqual([]);
  });

  it('refuses an artifact whose stored bytes were changed: nothing published', async () => {
    const asset = await stored('f.bin', 'original');
    // Someone rewrites the stored file in place, keeping its size.
    await writeFile(join(suite.harness.artifacts.location, 'sha256', asset.sha256), 'ORIGINAL');
    const result = await execute(withAssets('v21.6.0', [asset]));
    expect(result).toMatchObject({ status: 'failed', code: 'ARTIFACT_MISMATCH' });
    expect(result.status === 'failed' && result.message).toContain('f.bin');
    expect(await published('v21.6.0')).toEqual([]);
    // Storing the authorized bytes again repairs it.
    await stored('f.bin', 'original');
  });

  it('refuses an extra asset on the draft: CONFLICT naming it, nothing published', async () => {
    const assets = [await stored('g.bin', 'ggg')];
    await draftWith(withAssets('v21.7.0', assets), [{ name: 'extra.txt', content: 'not authorized' }]);
    const result = await execute(withAssets('v21.7.0', assets));
    expect(result).toMatchObject({ status: 'failed', code: 'CONFLICT' });
    expect(result.status === 'failed' && result.message).toContain('extra.txt');
    expect(await published('v21.7.0')).toEqual([]);
  });

  it.each([true, false])(
    'with immutable releases %s: published, immutable exactly then',
    async (immutable) => {
      const owner = github(OWNER_TOKEN);
      if (immutable) await owner.request('PUT /repos/{owner}/{repo}/immutable-releases', repo);
      const result = await execute(withAssets(`v21.8.${Number(immutable)}`, [await stored('h.bin', 'hhh')]));
      expect(result).toMatchObject({ status: 'succeeded' });
      const [release] = await published(`v21.8.${Number(immutable)}`);
      expect(release?.immutable).toBe(immutable);
      expect((await recordOf(result))?.immutable).toBe(immutable);
    },
  );

  it('adopts an identical published release, and refuses one that differs saying whether it is immutable', async () => {
    const assets = [await stored('i.bin', 'iii')];
    const request = withAssets('v21.9.0', assets);
    expect(await execute(request)).toMatchObject({ status: 'succeeded', github: { adopted: false } });
    expect(await execute({ ...request, run_id: runId() })).toMatchObject({
      status: 'succeeded',
      github: { adopted: true },
    });
    const other = await execute({ ...request, run_id: runId(), assets: [await stored('i.bin', 'other')] });
    expect(other).toMatchObject({ status: 'failed', code: 'CONFLICT' });
    expect(other.status === 'failed' && other.message).toContain('it is not immutable');
  });
});
