import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { defaultSandboxConfig, sandboxConfigSchema } from '../../src/sandbox/index.js';
import { FEATURE_BRANCH, FEATURE_SHA, failure, MAIN_SHA, octokitFor, repo, useSandbox } from './harness.js';

/**
 * Issue 21, item 4: GitHub's side of releases with assets: drafts, uploads to `upload_url`,
 * digests, starter leftovers, 422s, pagination, immutable releases and the limits.
 * Every response Octokit received is checked against GitHub's OpenAPI schema (harness).
 */
const config = sandboxConfigSchema.parse({
  ...defaultSandboxConfig,
  tokens: [...defaultSandboxConfig.tokens, { id: 'owner', token: 'owner-token', repoAdmin: true }],
  // 1000 uploads in a test would otherwise meet GitHub's secondary limits.
  limits: { secondaryPerMinute: null, secondaryPerHour: null, pointsPerMinute: null },
});
const t = useSandbox(() => {}, config);
const UPLOAD_ROUTE = 'POST /repos/{owner}/{repo}/releases/{release_id}/assets';
const sha256 = (data: string | Buffer) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

const draft = (tag = 'v21.0.0') =>
  t.octokit.repos.createRelease({ ...repo, tag_name: tag, target_commitish: FEATURE_BRANCH, draft: true });

/** An upload the way Octokit users make it: to the release's `upload_url`. */
const upload = (uploadUrl: string, name: string, data: string, label?: string) =>
  t.octokit.request({
    method: 'POST',
    url: uploadUrl,
    name,
    ...(label === undefined ? {} : { label }),
    data,
    headers: { 'content-type': 'text/plain' },
  });

describe('drafts', () => {
  it('have no tag until published, are not found by tag, and are listed, paged, to a caller with push access', async () => {
    const created = await draft();
    expect(created.data).toMatchObject({ draft: true, immutable: false, published_at: null });
    expect((await failure(t.octokit.git.getRef({ ...repo, ref: 'tags/v21.0.0' }))).status).toBe(404);
    expect((await failure(t.octokit.repos.getReleaseByTag({ ...repo, tag: 'v21.0.0' }))).status).toBe(404);
    await draft('v21.0.1');
    await draft('v21.0.2');
    const first = await t.octokit.repos.listReleases({ ...repo, per_page: 2 });
    expect(first.data.map((release) => release.tag_name)).toEqual(['v21.0.2', 'v21.0.1']);
    expect(first.headers.link).toContain('rel="next"');
    const all = await t.octokit.paginate(t.octokit.repos.listReleases, { ...repo, per_page: 2 });
    expect(all.map((release) => release.draft)).toEqual([true, true, true]);
    expect((await t.octokit.repos.getRelease({ ...repo, release_id: created.data.id })).data.draft).toBe(
      true,
    );
  });

  it('are published by PATCH draft:false, which creates the tag at target_commitish', async () => {
    const created = await draft();
    const published = await t.octokit.repos.updateRelease({
      ...repo,
      release_id: created.data.id,
      draft: false,
    });
    expect(published.data).toMatchObject({ draft: false, tag_name: 'v21.0.0' });
    expect(published.data.published_at).not.toBeNull();
    expect((await t.octokit.git.getRef({ ...repo, ref: 'tags/v21.0.0' })).data.object.sha).toBe(FEATURE_SHA);
    expect((await t.octokit.repos.getReleaseByTag({ ...repo, tag: 'v21.0.0' })).data.id).toBe(
      created.data.id,
    );
  });

  it('may share a tag, as racing jobs make them on GitHub; only one release of a tag can be published', async () => {
    const first = await draft();
    const second = await draft();
    const all = await t.octokit.repos.listReleases(repo);
    expect(all.data.map((release) => [release.tag_name, release.draft])).toEqual([
      ['v21.0.0', true],
      ['v21.0.0', true],
    ]);
    await t.octokit.repos.updateRelease({ ...repo, release_id: first.data.id, draft: false });
    const refused = await failure(
      t.octokit.repos.updateRelease({ ...repo, release_id: second.data.id, draft: false }),
    );
    expect([refused.status, refused.data.errors]).toEqual([
      422,
      [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
    ]);
  });

  it('honour make_latest true, false and legacy on create and update', async () => {
    const latest = async () => (await t.octokit.repos.getLatestRelease(repo)).data.tag_name;
    expect((await failure(t.octokit.repos.getLatestRelease(repo))).status).toBe(404);
    await t.octokit.repos.createRelease({ ...repo, tag_name: 'v1' });
    const second = await t.octokit.repos.createRelease({ ...repo, tag_name: 'v2', make_latest: 'false' });
    expect(await latest()).toBe('v1');
    await t.octokit.repos.updateRelease({ ...repo, release_id: second.data.id, make_latest: 'true' });
    expect(await latest()).toBe('v2');
    const third = await draft('v3');
    await t.octokit.repos.updateRelease({
      ...repo,
      release_id: third.data.id,
      draft: false,
      make_latest: 'false',
    });
    expect(await latest()).toBe('v2');
    await t.octokit.repos.updateRelease({ ...repo, release_id: third.data.id, make_latest: 'legacy' });
    expect(await latest()).toBe('v3');
  });
});

describe('uploads', () => {
  it('stream to upload_url and answer 201 with the server-computed digest, size, state and names', async () => {
    const { data: release } = await draft();
    const asset = await upload(release.upload_url, 'notes.txt', 'Hello, world!\n', 'Notes');
    expect(asset.status).toBe(201);
    expect(asset.data).toMatchObject({
      name: 'notes.txt',
      label: 'Notes',
      content_type: 'text/plain',
      size: 14,
      state: 'uploaded',
      digest: sha256('Hello, world!\n'),
    });
    const readBack = await t.octokit.repos.getRelease({ ...repo, release_id: release.id });
    expect(readBack.data.assets.map((a) => [a.name, a.digest])).toEqual([
      ['notes.txt', sha256('Hello, world!\n')],
    ]);
  });

  it('rename special characters as GitHub does', async () => {
    const { data: release } = await draft();
    const names = [];
    for (const name of ['my app (1).zip', '.env', 'trail.', 'ok_name-1.2.tar.gz']) {
      names.push((await upload(release.upload_url, name, 'x')).data.name);
    }
    expect(names).toEqual(['my.app.1.zip', 'default.env', 'trail', 'ok_name-1.2.tar.gz']);
  });

  it('serve the bytes back by browser_download_url and by the asset URL with Accept: application/octet-stream', async () => {
    const { data: release } = await draft();
    const { data: asset } = await upload(release.upload_url, 'a.bin', 'bytes that went up');
    const direct = await fetch(asset.browser_download_url, {
      headers: { authorization: `token ${t.sandbox.token}` },
    });
    expect([direct.status, await direct.text()]).toEqual([200, 'bytes that went up']);
    const viaApi = await t.octokit.repos.getReleaseAsset({
      ...repo,
      asset_id: asset.id,
      headers: { accept: 'application/octet-stream' },
    });
    expect(Buffer.from(viaApi.data as unknown as ArrayBuffer).toString()).toBe('bytes that went up');
  });

  it('refuse a name already on the release with 422 already_exists, until the old one is deleted', async () => {
    const { data: release } = await draft();
    const first = await upload(release.upload_url, 'dup.txt', 'one');
    const duplicate = await failure(upload(release.upload_url, 'dup.txt', 'two'));
    expect(duplicate.status).toBe(422);
    expect(duplicate.data).toEqual({
      message: 'Validation Failed',
      request_id: duplicate.headers['x-github-request-id'],
      documentation_url: 'https://docs.github.com/rest/releases/assets#upload-a-release-asset',
      errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
    });
    await t.octokit.repos.deleteReleaseAsset({ ...repo, asset_id: first.data.id });
    expect((await upload(release.upload_url, 'dup.txt', 'two')).data.digest).toBe(sha256('two'));
  });

  it('leave a starter asset after an upstream-failure fault answers 502, which blocks the name until deleted', async () => {
    const { data: release } = await draft();
    await t.sandbox.admin.addFault({ route: UPLOAD_ROUTE, kind: 'upstream-failure' });
    expect((await failure(upload(release.upload_url, 'app.tar.gz', 'payload'))).status).toBe(502);
    const { data: assets } = await t.octokit.repos.listReleaseAssets({ ...repo, release_id: release.id });
    expect(assets).toMatchObject([{ name: 'app.tar.gz', state: 'starter', size: 0, digest: null }]);
    const log = (await t.sandbox.admin.requests()).filter((entry) => entry.route === UPLOAD_ROUTE);
    expect(log[0]).toMatchObject({ status: 502, fault: 'upstream-failure', applied: true });
    expect((await failure(upload(release.upload_url, 'app.tar.gz', 'payload'))).status).toBe(422);
    await t.octokit.repos.deleteReleaseAsset({ ...repo, asset_id: assets[0]?.id ?? 0 });
    expect((await upload(release.upload_url, 'app.tar.gz', 'payload')).data.state).toBe('uploaded');
    const state = await t.sandbox.admin.state();
    expect(state.repos[0]?.assets.map((a) => [a.name, a.state])).toEqual([['app.tar.gz', 'uploaded']]);
  });

  it('leave a starter when the client goes away before Content-Length bytes arrived', async () => {
    const { data: release } = await draft();
    const request = httpRequest(
      `${t.sandbox.url}/repos/${repo.owner}/${repo.repo}/releases/${release.id}/assets?name=cut.bin`,
      {
        method: 'POST',
        headers: { authorization: `token ${t.sandbox.token}`, 'content-length': '1000000' },
      },
    );
    request.on('error', () => {});
    request.write(Buffer.alloc(1000));
    await expect.poll(async () => (await t.sandbox.admin.state()).repos[0]?.assets.length).toBe(1);
    request.destroy();
    // The upload is logged once the sandbox has finished with it.
    await expect
      .poll(async () => (await t.sandbox.admin.requests()).some((e) => e.route === UPLOAD_ROUTE))
      .toBe(true);
    const { data: assets } = await t.octokit.repos.listReleaseAssets({ ...repo, release_id: release.id });
    expect(assets).toMatchObject([{ name: 'cut.bin', state: 'starter', size: 0, digest: null }]);
  });

  it('list assets paged like the other lists, and update a name and label (422 onto a taken name)', async () => {
    const { data: release } = await draft();
    for (const name of ['a', 'b', 'c']) await upload(release.upload_url, name, name);
    const page = await t.octokit.repos.listReleaseAssets({ ...repo, release_id: release.id, per_page: 2 });
    expect(page.data.map((a) => a.name)).toEqual(['a', 'b']);
    expect(page.headers.link).toContain('rel="last"');
    const all = await t.octokit.paginate(t.octokit.repos.listReleaseAssets, {
      ...repo,
      release_id: release.id,
      per_page: 2,
    });
    expect(all.map((a) => a.name)).toEqual(['a', 'b', 'c']);
    const [a] = all;
    const renamed = await t.octokit.repos.updateReleaseAsset({
      ...repo,
      asset_id: a?.id ?? 0,
      name: 'a 2',
      label: 'A',
    });
    expect(renamed.data).toMatchObject({ name: 'a.2', label: 'A' });
    const taken = await failure(
      t.octokit.repos.updateReleaseAsset({ ...repo, asset_id: a?.id ?? 0, name: 'b' }),
    );
    expect(taken.status).toBe(422);
  });
});

/** A raw upload request, to send headers Octokit would not (no Content-Length, a huge one). */
function rawUpload(path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const request = httpRequest(`${t.sandbox.url}${path}`, {
      method: 'POST',
      headers: { authorization: `token ${t.sandbox.token}`, 'content-type': 'application/zip', ...headers },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) });
        request.destroy();
      });
    });
    if (body === undefined) request.flushHeaders();
    else request.end(body);
  });
}

describe('limits', () => {
  it('refuse 2 GiB by Content-Length and no Content-Length, before reading the body', async () => {
    const { data: release } = await draft();
    const path = `/repos/${repo.owner}/${repo.repo}/releases/${release.id}/assets?name=big.iso`;
    const big = await rawUpload(path, { 'content-length': String(2 * 1024 ** 3) });
    expect(big.status).toBe(422);
    expect(big.body.errors).toEqual([
      {
        resource: 'ReleaseAsset',
        code: 'custom',
        field: 'size',
        message: 'size must be less than 2147483648 bytes (2 GiB)',
      },
    ]);
    const unsized = await rawUpload(path, { 'transfer-encoding': 'chunked' }, 'abc');
    expect([unsized.status, unsized.body.message]).toEqual([411, 'Length Required']);
  });

  it('refuse the 1001st asset of a release', { timeout: 60_000 }, async () => {
    const { data: release } = await draft();
    for (let index = 0; index < 1000; index += 1) await upload(release.upload_url, `f${index}`, '');
    const refused = await failure(upload(release.upload_url, 'f1000', ''));
    expect(refused.status).toBe(422);
    expect(refused.data.errors).toEqual([
      { resource: 'ReleaseAsset', code: 'custom', message: 'a release can have at most 1000 assets' },
    ]);
  });
});

describe('immutable releases', () => {
  it('need an admin, and read 404 when off, 200 when on, as GitHub documents', async () => {
    const owner = octokitFor(t.sandbox, t.recorded, 'owner-token');
    const denied = await failure(t.octokit.repos.enableImmutableReleases(repo));
    expect([denied.status, denied.data.message]).toEqual([403, 'Must have admin rights to Repository.']);
    expect((await failure(owner.repos.checkImmutableReleases(repo))).status).toBe(404);
    expect((await owner.repos.enableImmutableReleases(repo)).status).toBe(204);
    expect((await owner.repos.checkImmutableReleases(repo)).data).toEqual({
      enabled: true,
      enforced_by_owner: false,
    });
    expect((await owner.repos.disableImmutableReleases(repo)).status).toBe(204);
    expect((await failure(owner.repos.checkImmutableReleases(repo))).status).toBe(404);
  });

  it('freeze a release published while on: assets and tag refused, title and notes editable, tag name used up', async () => {
    const owner = octokitFor(t.sandbox, t.recorded, 'owner-token');
    await owner.repos.enableImmutableReleases(repo);
    const { data: release } = await draft();
    const { data: asset } = await upload(release.upload_url, 'app.zip', 'zip');
    expect((await t.octokit.repos.getRelease({ ...repo, release_id: release.id })).data.immutable).toBe(
      false,
    );
    const published = await t.octokit.repos.updateRelease({ ...repo, release_id: release.id, draft: false });
    expect(published.data.immutable).toBe(true);
    const refused = [
      await failure(upload(release.upload_url, 'late.zip', 'late')),
      await failure(t.octokit.repos.updateReleaseAsset({ ...repo, asset_id: asset.id, label: 'x' })),
      await failure(t.octokit.repos.deleteReleaseAsset({ ...repo, asset_id: asset.id })),
    ];
    expect(refused.map((r) => [r.status, r.data.message])).toEqual(
      Array(3).fill([422, 'Cannot upload assets to an immutable release.']),
    );
    const move = await failure(
      t.octokit.git.updateRef({ ...repo, ref: 'tags/v21.0.0', sha: MAIN_SHA, force: true }),
    );
    const remove = await failure(t.octokit.git.deleteRef({ ...repo, ref: 'tags/v21.0.0' }));
    expect([move.status, move.data.message]).toEqual([
      422,
      'Cannot move a tag used by an immutable release.',
    ]);
    expect([remove.status, remove.data.message]).toEqual([
      422,
      'Cannot delete a tag used by an immutable release.',
    ]);
    const edited = await t.octokit.repos.updateRelease({
      ...repo,
      release_id: release.id,
      name: 'T',
      body: 'B',
    });
    expect(edited.data).toMatchObject({ name: 'T', body: 'B', immutable: true });
    await t.octokit.repos.deleteRelease({ ...repo, release_id: release.id });
    await owner.repos.disableImmutableReleases(repo);
    const reused = await failure(t.octokit.repos.createRelease({ ...repo, tag_name: 'v21.0.0' }));
    expect(reused.status).toBe(422);
    expect(reused.data.errors).toEqual([
      {
        resource: 'Release',
        code: 'custom',
        field: 'tag_name',
        message: 'tag_name was used by an immutable release',
      },
    ]);
  });

  it('leave other tags movable and deletable', async () => {
    await t.octokit.git.createRef({ ...repo, ref: 'refs/tags/free', sha: MAIN_SHA });
    const moved = await t.octokit.git.updateRef({ ...repo, ref: 'tags/free', sha: FEATURE_SHA, force: true });
    expect(moved.data.object.sha).toBe(FEATURE_SHA);
    expect((await t.octokit.git.deleteRef({ ...repo, ref: 'tags/free' })).status).toBe(204);
    expect((await failure(t.octokit.git.deleteRef({ ...repo, ref: 'tags/free' }))).status).toBe(422);
  });
});
