import { describe, expect, it } from 'vitest';
import { defaultSandboxConfig, sandboxConfigSchema } from '../../src/sandbox/index.js';
import {
  appSandboxConfig,
  asApp,
  FEATURE_BRANCH,
  failure,
  MAIN_SHA,
  octokitFor,
  repo,
  useSandbox,
} from './harness.js';

/**
 * Issue 19, point 7: two details of GitHub's answers, checked against the exchanges with
 * api.github.com that @octokit/fixtures recorded (github.com/octokit/fixtures, scenarios/api.github.com).
 *
 * - `ETag` on `201 Created`. Scenario git-refs: `POST …/git/refs` → 201 with a strong
 *   `ETag: "<64 hex>"` and `Cache-Control: private, max-age=60, s-maxage=60`; scenario
 *   release-assets: `POST …/releases` → 201 the same, and the GET of that release that follows
 *   carries the same ETag. Every other 201 recorded there has one too (issues, labels, statuses,
 *   contents, collaborators, project cards, repositories). No scenario creates a tag object or a pull
 *   request; the sandbox answers them like every recorded 201.
 * - `temp_clone_token`. Scenario get-repository (rename-repository likewise): `GET /repos/{owner}/{repo}`
 *   by a caller with `permissions.admin: true` on a public repository → `"temp_clone_token": ""`.
 *   `full-repository` declares it a nullable string; the sandbox sends null to everyone else.
 *   In the sandbox, the admin is a personal token configured with `repoAdmin: true`; installation
 *   tokens and App JWTs never are (the sandbox grants Apps no `administration` permission).
 */
const STRONG_SHA256_ETAG = /^"[0-9a-f]{64}"$/;
const config = sandboxConfigSchema.parse({
  ...appSandboxConfig(),
  tokens: [...defaultSandboxConfig.tokens, { id: 'owner', token: 'owner-token', repoAdmin: true }],
});
const t = useSandbox(() => {}, config);

describe('201 Created carries the ETag of what it created', () => {
  it('on a ref, a tag object, a release and a pull request, each a strong SHA-256 tag with the caching headers', async () => {
    const annotated = { tag: 'v19.7.0', message: 'annotated', object: MAIN_SHA, type: 'commit' } as const;
    const tag = await t.octokit.git.createTag({ ...repo, ...annotated });
    const created = [
      tag,
      await t.octokit.git.createRef({ ...repo, ref: 'refs/tags/v19.7.0', sha: tag.data.sha }),
      await t.octokit.repos.createRelease({ ...repo, tag_name: 'v19.7.1', target_commitish: 'main' }),
      await t.octokit.pulls.create({ ...repo, head: FEATURE_BRANCH, base: 'main', title: 'Launch' }),
    ];
    for (const response of created) {
      expect(response.status).toBe(201);
      expect(response.headers.etag).toMatch(STRONG_SHA256_ETAG);
      expect(response.headers['cache-control']).toBe('private, max-age=60, s-maxage=60');
    }
    expect(new Set(created.map((response) => response.headers.etag)).size).toBe(created.length);
  });

  it('which a GET of the same object matches: If-None-Match with it gets 304', async () => {
    const release = await t.octokit.repos.createRelease({
      ...repo,
      tag_name: 'v19.7.2',
      target_commitish: 'main',
    });
    const fetched = await t.octokit.repos.getReleaseByTag({ ...repo, tag: 'v19.7.2' });
    // The GET's tag is weak, the 201's strong: by weak comparison (RFC 9110) the same representation.
    expect(fetched.headers.etag).toBe(`W/${release.headers.etag}`);
    const revalidated = await failure(
      t.octokit.repos.getReleaseByTag({
        ...repo,
        tag: 'v19.7.2',
        headers: { 'if-none-match': String(release.headers.etag) },
      }),
    );
    expect(revalidated.status).toBe(304);
  });

  it('a refused create has none', async () => {
    await t.octokit.git.createRef({ ...repo, ref: 'refs/heads/copy', sha: MAIN_SHA });
    const duplicate = await failure(
      t.octokit.git.createRef({ ...repo, ref: 'refs/heads/copy', sha: MAIN_SHA }),
    );
    expect(duplicate.status).toBe(422);
    expect(duplicate.headers.etag).toBeUndefined();
  });
});

describe('temp_clone_token', () => {
  it('is empty for an admin of a public repository, as GitHub sends it, with permissions.admin true', async () => {
    const asOwner = octokitFor(t.sandbox, t.recorded, 'owner-token');
    const { data } = await asOwner.repos.get(repo);
    expect(data.temp_clone_token).toBe('');
    expect(data.permissions).toMatchObject({ admin: true, maintain: true, push: true });
  });

  it('is null for a token without admin and for an App installation', async () => {
    const installation = octokitFor(t.sandbox, t.recorded, { ...asApp, installationId: 1 });
    for (const octokit of [t.octokit, installation]) {
      const { data } = await octokit.repos.get(repo);
      expect(data).toHaveProperty('temp_clone_token', null);
      expect(data.permissions).toMatchObject({ admin: false, maintain: false });
    }
  });
});
