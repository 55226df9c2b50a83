import { describe, expect, it } from 'vitest';
import { defaultSandboxConfig } from '../../src/sandbox/index.js';
import {
  APP_ID,
  appSandboxConfig,
  asApp,
  FEATURE_BRANCH,
  FEATURE_SHA,
  failure,
  MAIN_SHA,
  octokitFor,
  repo,
  useSandbox,
} from './harness.js';
import { documentedPaths, hasOperation } from './openapi.js';

/** Asserts a call failed with exactly GitHub's error body; `page` is the docs path after /rest/. */
async function expectGitHubError(
  call: Promise<unknown>,
  status: number,
  message: string,
  page: string,
  errors?: Record<string, string>[],
): Promise<Awaited<ReturnType<typeof failure>>> {
  const answer = await failure(call);
  expect(answer.status).toBe(status);
  expect(answer.data).toEqual({
    message,
    ...(errors ? { errors } : {}),
    documentation_url: `https://docs.github.com/rest${page ? `/${page}` : ''}`,
    status: String(status),
  });
  return answer;
}

/** Widens a route to `string` so Octokit's types let a test send a body GitHub would reject. */
const untyped = (route: string): string => route;

/** Every `route status` answered during this file, for the coverage check at the end. */
const covered = new Set<string>();
const owner = { id: 'owner', token: 'owner-token', repoAdmin: true };
const t = useSandbox(
  ({ route, status }) => covered.add(`${route} ${status}`),
  appSandboxConfig({ tokens: [...defaultSandboxConfig.tokens, owner] }),
);
const website = { owner: 'omega', repo: 'website' } as const;

describe('repositories and refs', () => {
  it('gets a seeded repository and 404s an unknown one', async () => {
    const { data, status } = await t.octokit.repos.get(repo);
    expect(status).toBe(200);
    expect(data).toMatchObject({ full_name: 'omega/marketops', default_branch: 'main', private: false });
    expect(data.url).toBe(`${t.sandbox.url}/repos/omega/marketops`);
    expect(data.html_url).toBe('http://sandbox.github.local/omega/marketops');
    await expectGitHubError(
      t.octokit.repos.get({ owner: 'omega', repo: 'nope' }),
      404,
      'Not Found',
      'repos/repos#get-a-repository',
    );
  });

  it('gets a branch ref whose name has slashes, and 404s an absent ref', async () => {
    const { data } = await t.octokit.git.getRef({ ...repo, ref: `heads/${FEATURE_BRANCH}` });
    expect(data).toMatchObject({
      ref: `refs/heads/${FEATURE_BRANCH}`,
      object: { type: 'commit', sha: FEATURE_SHA },
    });
    const missing = await failure(t.octokit.git.getRef({ ...repo, ref: 'tags/v9.9.9' }));
    expect(missing.status).toBe(404);
    expect(missing.data.message).toBe('Not Found');
  });

  it('creates refs, refuses a duplicate, an unknown sha and a malformed name', async () => {
    const created = await t.octokit.git.createRef({ ...repo, ref: 'refs/heads/release/1.0', sha: MAIN_SHA });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(
      `${t.sandbox.url}/repos/omega/marketops/git/refs/heads/release/1.0`,
    );
    expect(created.data.object).toMatchObject({ type: 'commit', sha: MAIN_SHA });
    const lightweight = await t.octokit.git.createRef({ ...repo, ref: 'refs/tags/v0.1.0', sha: FEATURE_SHA });
    expect(lightweight.data.object.type).toBe('commit');

    await expectGitHubError(
      t.octokit.git.createRef({ ...repo, ref: 'refs/heads/release/1.0', sha: MAIN_SHA }),
      422,
      'Reference already exists',
      'git/refs#create-a-reference',
    );
    const createRef = (ref: string, sha: string) => t.octokit.git.createRef({ ...repo, ref, sha });
    const page = 'git/refs#create-a-reference';
    await expectGitHubError(createRef('refs/heads/x', 'f'.repeat(40)), 422, 'Object does not exist', page);
    await expectGitHubError(createRef('heads/x', MAIN_SHA), 422, 'heads/x is not a valid ref name.', page);
  });
});

describe('commits', () => {
  const commitOf = async (ref: string) => (await t.octokit.repos.getCommit({ ...repo, ref })).data.sha;

  it('resolves a branch, a qualified ref, a SHA and a tag (annotated ones peeled) to a commit', async () => {
    const { data, status } = await t.octokit.repos.getCommit({ ...repo, ref: FEATURE_BRANCH });
    expect([status, data.sha, data.url]).toEqual([
      200,
      FEATURE_SHA,
      `${t.sandbox.url}/repos/omega/marketops/commits/${FEATURE_SHA}`,
    ]);
    expect(await commitOf(`heads/${FEATURE_BRANCH}`)).toBe(FEATURE_SHA);
    expect(await commitOf(MAIN_SHA)).toBe(MAIN_SHA);
    await t.octokit.git.createRef({ ...repo, ref: 'refs/tags/v1-light', sha: FEATURE_SHA });
    const tag = await t.octokit.git.createTag({
      ...repo,
      tag: 'v1',
      message: 'm',
      object: FEATURE_SHA,
      type: 'commit',
    });
    await t.octokit.git.createRef({ ...repo, ref: 'refs/tags/v1', sha: tag.data.sha });
    expect([await commitOf('v1-light'), await commitOf('tags/v1')]).toEqual([FEATURE_SHA, FEATURE_SHA]);
  });

  it('follows a branch the admin API moves, and answers an unknown ref with GitHub’s 422', async () => {
    const pushed = 'c'.repeat(40);
    expect(await t.sandbox.admin.setBranch('omega/marketops', 'main', pushed)).toEqual({
      ref: 'refs/heads/main',
      sha: pushed,
    });
    expect(await commitOf('main')).toBe(pushed);
    await expectGitHubError(
      t.octokit.repos.getCommit({ ...repo, ref: 'no-such-branch' }),
      422,
      'No commit found for SHA: no-such-branch',
      'commits/commits#get-a-commit',
    );
  });
});

describe('annotated tags', () => {
  it('creates a tag object, reads it by sha, and points a tag ref at it', async () => {
    const tag = await t.octokit.git.createTag({
      ...repo,
      tag: 'v1.0.0',
      message: 'Release 1.0.0',
      object: MAIN_SHA,
      type: 'commit',
      tagger: { name: 'Ops', email: 'ops@example.com', date: '2025-01-01T00:00:00Z' },
    });
    expect(tag.status).toBe(201);
    expect(tag.data.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(tag.data.sha).not.toBe(MAIN_SHA);
    expect(tag.data.object).toMatchObject({ sha: MAIN_SHA, type: 'commit' });

    const read = await t.octokit.git.getTag({ ...repo, tag_sha: tag.data.sha });
    expect(read.data).toEqual(tag.data);
    const ref = await t.octokit.git.createRef({ ...repo, ref: 'refs/tags/v1.0.0', sha: tag.data.sha });
    expect(ref.data.object).toMatchObject({ type: 'tag', sha: tag.data.sha });
    const got = await t.octokit.git.getRef({ ...repo, ref: 'tags/v1.0.0' });
    expect(got.data.object.type).toBe('tag');
  });

  it('404s an unknown tag object and refuses to tag an unknown commit', async () => {
    const missing = t.octokit.git.getTag({ ...repo, tag_sha: 'a'.repeat(40) });
    await expectGitHubError(missing, 404, 'Not Found', 'git/tags#get-a-tag');
    const bad = t.octokit.git.createTag({
      ...repo,
      tag: 'v2',
      message: 'm',
      object: 'b'.repeat(40),
      type: 'commit',
    });
    await expectGitHubError(bad, 422, 'Object does not exist', 'git/tags#create-a-tag-object');
  });
});

describe('releases', () => {
  it('creates a release at a branch, creating its tag there, with incrementing ids', async () => {
    const first = await t.octokit.repos.createRelease({
      ...repo,
      tag_name: 'v1.0.0',
      target_commitish: FEATURE_BRANCH,
      name: 'One',
      body: 'Notes',
    });
    expect(first.status).toBe(201);
    expect(first.data).toMatchObject({ tag_name: 'v1.0.0', target_commitish: FEATURE_BRANCH, draft: false });
    expect(first.data.html_url).toBe('http://sandbox.github.local/omega/marketops/releases/tag/v1.0.0');
    expect(first.data.author.login).toBe('marketops-sandbox[bot]');
    const tagRef = await t.octokit.git.getRef({ ...repo, ref: 'tags/v1.0.0' });
    expect(tagRef.data.object).toMatchObject({ type: 'commit', sha: FEATURE_SHA });

    const second = await t.octokit.repos.createRelease({
      ...repo,
      tag_name: 'v1.0.1',
      target_commitish: MAIN_SHA,
    });
    expect(second.data.id).toBe(first.data.id + 1);
    const list = await t.octokit.repos.listReleases(repo);
    expect(list.data.map((release) => release.tag_name)).toEqual(['v1.0.1', 'v1.0.0']);
  });

  it('gets a release by tag, including a tag with a slash, and 404s an absent one', async () => {
    await t.octokit.repos.createRelease({ ...repo, tag_name: 'marketing/spring' });
    const { data } = await t.octokit.repos.getReleaseByTag({ ...repo, tag: 'marketing/spring' });
    expect(data.target_commitish).toBe('main');
    await expectGitHubError(
      t.octokit.repos.getReleaseByTag({ ...repo, tag: 'v404' }),
      404,
      'Not Found',
      'releases/releases#get-a-release-by-tag-name',
    );
  });

  it('uses an existing tag instead of target_commitish', async () => {
    await t.octokit.git.createRef({ ...repo, ref: 'refs/tags/v3', sha: FEATURE_SHA });
    await t.octokit.repos.createRelease({ ...repo, tag_name: 'v3', target_commitish: 'main' });
    const tagRef = await t.octokit.git.getRef({ ...repo, ref: 'tags/v3' });
    expect(tagRef.data.object.sha).toBe(FEATURE_SHA);
  });

  it('answers a duplicate release with GitHub’s already_exists body', async () => {
    await t.octokit.repos.createRelease({ ...repo, tag_name: 'v1.0.0' });
    await expectGitHubError(
      t.octokit.repos.createRelease({ ...repo, tag_name: 'v1.0.0' }),
      422,
      'Validation Failed',
      'releases/releases#create-a-release',
      [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }],
    );
  });

  it('refuses an unknown target and a body without tag_name', async () => {
    const unknown = await failure(
      t.octokit.repos.createRelease({ ...repo, tag_name: 'v5', target_commitish: 'no-such-branch' }),
    );
    expect(unknown.status).toBe(422);
    expect(unknown.data.errors).toEqual([
      { resource: 'Release', code: 'invalid', field: 'target_commitish' },
    ]);
    const missing = await failure(
      t.octokit.request(untyped('POST /repos/{owner}/{repo}/releases'), { ...repo, name: 'x' }),
    );
    expect(missing.status).toBe(422);
    expect(missing.data.message).toMatch(/^Invalid request\.\n\nFor 'tag_name'/);
  });

  it('keeps a draft untagged, so it is listed but not found by tag', async () => {
    const draft = await t.octokit.repos.createRelease({ ...repo, tag_name: 'v7', draft: true });
    expect(draft.data).toMatchObject({ draft: true, published_at: null, tarball_url: null });
    expect((await failure(t.octokit.repos.getReleaseByTag({ ...repo, tag: 'v7' }))).status).toBe(404);
    expect((await failure(t.octokit.git.getRef({ ...repo, ref: 'tags/v7' }))).status).toBe(404);
    expect((await t.octokit.repos.listReleases(repo)).data).toHaveLength(1);
  });
});

describe('releases with assets', () => {
  // Each route once; test/sandbox/release-assets.test.ts checks how they behave.
  it('serves every release, asset, immutable-releases and ref-update route', async () => {
    const { octokit } = t;
    const asOwner = octokitFor(t.sandbox, t.recorded, owner.token);
    const { data: release } = await octokit.repos.createRelease({ ...repo, tag_name: 'v21', draft: true });
    const { data: asset } = await octokit.request({
      method: 'POST',
      url: release.upload_url,
      name: 'a.txt',
      data: 'a',
      headers: { 'content-type': 'text/plain' },
    });
    await octokit.repos.listReleaseAssets({ ...repo, release_id: release.id });
    await octokit.repos.getReleaseAsset({ ...repo, asset_id: asset.id });
    await octokit.repos.updateReleaseAsset({ ...repo, asset_id: asset.id, label: 'A' });
    await octokit.repos.deleteReleaseAsset({ ...repo, asset_id: asset.id });
    await octokit.repos.getRelease({ ...repo, release_id: release.id });
    await octokit.repos.updateRelease({ ...repo, release_id: release.id, draft: false });
    await octokit.repos.getLatestRelease(repo);
    await octokit.repos.deleteRelease({ ...repo, release_id: release.id });
    await asOwner.repos.enableImmutableReleases(repo);
    await asOwner.repos.checkImmutableReleases(repo);
    await asOwner.repos.disableImmutableReleases(repo);
    await octokit.git.updateRef({ ...repo, ref: 'tags/v21', sha: MAIN_SHA, force: true });
    expect((await octokit.git.deleteRef({ ...repo, ref: 'tags/v21' })).status).toBe(204);
  });
});

describe('pull requests', () => {
  const head = `omega:${FEATURE_BRANCH}`;

  it('creates a pull request and finds it with the head, base and state filters', async () => {
    const created = await t.octokit.pulls.create({
      ...repo,
      head,
      base: 'main',
      title: 'Launch notes',
      body: 'b',
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({ number: 1, state: 'open', title: 'Launch notes' });
    expect(created.data.head).toMatchObject({ label: head, ref: FEATURE_BRANCH, sha: FEATURE_SHA });
    expect(created.data.base).toMatchObject({ ref: 'main', sha: MAIN_SHA });
    expect(created.data.html_url).toBe('http://sandbox.github.local/omega/marketops/pull/1');

    const open = await t.octokit.pulls.list({ ...repo, head, base: 'main', state: 'open' });
    expect(open.data.map((pull) => pull.number)).toEqual([1]);
    expect((await t.octokit.pulls.list({ ...repo, head, base: 'other' })).data).toEqual([]);
    expect((await t.octokit.pulls.list({ ...repo, head: 'omega:nope' })).data).toEqual([]);
    expect((await t.octokit.pulls.list({ ...repo, state: 'closed' })).data).toEqual([]);
    expect((await t.octokit.pulls.list({ ...repo, state: 'all' })).data).toHaveLength(1);
  });

  it('answers a duplicate open pull request with GitHub’s custom error', async () => {
    await t.octokit.pulls.create({ ...repo, head: FEATURE_BRANCH, base: 'main', title: 'First' });
    await expectGitHubError(
      t.octokit.pulls.create({ ...repo, head, base: 'main', title: 'Again' }),
      422,
      'Validation Failed',
      'pulls/pulls#create-a-pull-request',
      [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${head}.` }],
    );
  });

  it('refuses an unknown head or base branch and an invalid state filter', async () => {
    const badHead = await failure(
      t.octokit.pulls.create({ ...repo, head: 'omega:nope', base: 'main', title: 't' }),
    );
    expect([badHead.status, badHead.data.errors]).toEqual([
      422,
      [{ resource: 'PullRequest', field: 'head', code: 'invalid' }],
    ]);
    const badBase = await failure(t.octokit.pulls.create({ ...repo, head, base: 'nope', title: 't' }));
    expect([badBase.status, badBase.data.errors]).toEqual([
      422,
      [{ resource: 'PullRequest', field: 'base', code: 'invalid' }],
    ]);
    const badState = await failure(
      t.octokit.request(untyped('GET /repos/{owner}/{repo}/pulls'), { ...repo, state: 'merged' }),
    );
    expect(badState.status).toBe(422);
  });
});

describe('GitHub Apps', () => {
  const app = () => octokitFor(t.sandbox, t.recorded, asApp);
  /** A token of installation 1 made through the API, with what the body asks for. */
  async function installationToken(body: {
    repositories?: string[];
    permissions?: Record<string, 'read' | 'write'>;
  }) {
    const { data } = await app().apps.createInstallationAccessToken({ installation_id: 1, ...body });
    return octokitFor(t.sandbox, t.recorded, data.token);
  }

  it('finds the installation of a repository with the App JWT, and only with it', async () => {
    const { data } = await app().apps.getRepoInstallation(repo);
    expect(data).toMatchObject({
      id: 1,
      app_id: APP_ID,
      app_slug: 'marketops-test',
      account: { login: 'omega', type: 'Organization' },
      target_type: 'Organization',
      repository_selection: 'all',
      permissions: { metadata: 'read', contents: 'write', pull_requests: 'write' },
      access_tokens_url: `${t.sandbox.url}/app/installations/1/access_tokens`,
    });
    expect((await app().apps.getInstallation({ installation_id: 1 })).data.id).toBe(1);
    await expectGitHubError(
      app().apps.getRepoInstallation({ owner: 'omega', repo: 'nope' }),
      404,
      'Not Found',
      'apps/apps#get-a-repository-installation-for-the-authenticated-app',
    );
    await expectGitHubError(
      app().apps.getInstallation({ installation_id: 99 }),
      404,
      'Not Found',
      'apps/apps#get-an-installation-for-the-authenticated-app',
    );
    // A personal token is no JWT; a JWT serves only the App's own endpoints.
    await expectGitHubError(
      t.octokit.apps.getRepoInstallation(repo),
      401,
      'A JSON web token could not be decoded',
      '',
    );
    const { token: jwt } = (await app().auth({ type: 'app' })) as { token: string };
    const refused = await failure(octokitFor(t.sandbox, t.recorded, jwt).repos.get(repo));
    expect([refused.status, refused.data.message]).toEqual([403, 'Resource not accessible by integration']);
  });

  it('issues a ghs_ token scoped to the repositories and permissions asked for, for an hour', async () => {
    const before = await t.sandbox.admin.now();
    const { status, data } = await app().apps.createInstallationAccessToken({
      installation_id: 1,
      repositories: ['marketops'],
      permissions: { contents: 'write' },
    });
    expect(status).toBe(201);
    expect(data.token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    expect(data).toMatchObject({
      permissions: { metadata: 'read', contents: 'write' },
      repository_selection: 'selected',
    });
    expect(data.repositories?.map((r) => r.full_name)).toEqual(['omega/marketops']);
    const lifetime = Date.parse(data.expires_at) - before;
    expect(lifetime).toBeGreaterThan(3_595_000);
    expect(lifetime).toBeLessThanOrEqual(3_601_000);
    const page = 'apps/apps#create-an-installation-access-token-for-an-app';
    const create = (body: object) =>
      app().apps.createInstallationAccessToken({ installation_id: 1, ...body });
    await expectGitHubError(
      create({ permissions: { issues: 'write' } }),
      422,
      'The permissions requested are not granted to this installation.',
      page,
    );
    await expectGitHubError(
      create({ repositories: ['elsewhere'] }),
      422,
      'There is at least one repository that does not exist or is not accessible to the parent installation.',
      page,
    );
    expect(JSON.stringify(await t.sandbox.admin.requests())).not.toContain(data.token);
  });

  it('answers a token outside its repositories with 404, and outside its permissions with 403', async () => {
    const tagger = await installationToken({
      repositories: ['marketops'],
      permissions: { contents: 'write' },
    });
    expect((await tagger.repos.createRelease({ ...repo, tag_name: 'v1' })).status).toBe(201);
    expect((await tagger.repos.get(repo)).data.full_name).toBe('omega/marketops');
    await expectGitHubError(tagger.repos.get(website), 404, 'Not Found', 'repos/repos#get-a-repository');
    await expectGitHubError(
      tagger.repos.createRelease({ ...website, tag_name: 'v1' }),
      404,
      'Not Found',
      'releases/releases#create-a-release',
    );
    const refused = await expectGitHubError(
      tagger.pulls.create({ ...repo, head: FEATURE_BRANCH, base: 'main', title: 'PR' }),
      403,
      'Resource not accessible by integration',
      'pulls/pulls#create-a-pull-request',
    );
    expect(refused.headers['x-accepted-github-permissions']).toBe('pull_requests=write');
    expect((await failure(tagger.pulls.list(repo))).status).toBe(403);
    const [entry] = (await t.sandbox.admin.requests()).filter(
      (e) => e.route === 'POST /repos/{owner}/{repo}/releases',
    );
    expect(entry).toMatchObject({ tokenId: 'installation-1-token-1', identity: 'installation:1' });
  });

  it('refuses a token an hour after it was issued, on the sandbox clock', async () => {
    const token = await installationToken({});
    expect((await token.repos.get(website)).status).toBe(200);
    await t.sandbox.admin.advanceClock(3_600_000);
    await expectGitHubError(token.repos.get(website), 401, 'Bad credentials', '');
  });

  it('serves @octokit/auth-app installation auth, which follows the sandbox clock through GitHub’s JWT messages', async () => {
    // Two hours ahead, the App's JWT is stale on the sandbox clock: GitHub's 401 wording makes
    // auth-app retry with the Date header's time.
    await t.sandbox.admin.advanceClock(2 * 3_600_000);
    const installed = octokitFor(t.sandbox, t.recorded, { ...asApp, installationId: 1 });
    expect((await installed.repos.get(repo)).status).toBe(200);
    const log = await t.sandbox.admin.requests();
    expect(log.map((e) => [e.route, e.status, e.identity])).toEqual([
      [null, 401, null], // refused before routing, as every 401
      ['POST /app/installations/{installation_id}/access_tokens', 201, `app:${APP_ID}`],
      ['GET /repos/{owner}/{repo}', 200, 'installation:1'],
    ]);
  });
});

describe('authentication and rate_limit', () => {
  it('answers a missing or unknown token with GitHub’s 401 on GitHub and admin routes', async () => {
    const stranger = octokitFor(t.sandbox, t.recorded, 'ghp_not-a-sandbox-token');
    for (const call of [stranger.repos.get(repo), stranger.request('GET /_sandbox/state')]) {
      const denied = await expectGitHubError(call, 401, 'Bad credentials', '');
      expect(denied.headers['x-ratelimit-remaining']).toBe('0');
    }
    const anonymous = octokitFor(t.sandbox, t.recorded, '');
    expect((await failure(anonymous.repos.get(repo))).status).toBe(401);
  });

  it('accepts `Bearer` as well as `token` and never logs the token', async () => {
    await t.octokit.request('GET /repos/{owner}/{repo}', {
      ...repo,
      headers: { authorization: 'Bearer sandbox-token' },
    });
    const [entry] = await t.sandbox.admin.requests();
    expect(entry).toMatchObject({ route: 'GET /repos/{owner}/{repo}', status: 200, tokenId: 'sandbox' });
    expect(JSON.stringify(await t.sandbox.admin.requests())).not.toContain('sandbox-token');
  });

  it('reports the core limit without counting the call', async () => {
    await t.octokit.repos.get(repo);
    const { data, headers } = await t.octokit.rateLimit.get();
    expect(data.resources.core).toMatchObject({ limit: 5000, used: 1, remaining: 4999 });
    expect(data.rate).toEqual(data.resources.core);
    expect(headers['x-ratelimit-used']).toBe('1');
  });

  it('404s a path that is not a sandbox route', async () => {
    const missing = await failure(t.octokit.request('GET /repos/{owner}/{repo}/issues', repo));
    expect([missing.status, missing.data.message]).toEqual([404, 'Not Found']);
  });
});

describe('OpenAPI fidelity', () => {
  it('serves only operations that exist in GitHub’s OpenAPI document', async () => {
    const routes = await t.sandbox.admin.routes();
    expect(routes.length).toBeGreaterThanOrEqual(11);
    for (const route of routes) {
      const [method = '', template = ''] = route.split(' ');
      expect(documentedPaths(), route).toContain(template);
      expect(hasOperation(method, template), route).toBe(true);
    }
  });

  // Runs last in this file: the tests above validated every response; this checks they reached
  // every route and every error shape the issue lists.
  it('validated a success of every route and every listed error', async () => {
    const routes = await t.sandbox.admin.routes();
    const successes = routes.filter((route) => [...covered].some((key) => key.startsWith(`${route} 2`)));
    expect(successes).toEqual(routes);
    const errors = [
      'GET /repos/{owner}/{repo} 401',
      'GET /repos/{owner}/{repo} 404',
      'GET /repos/{owner}/{repo}/git/ref/{ref} 404',
      'GET /repos/{owner}/{repo}/git/tags/{tag_sha} 404',
      'GET /repos/{owner}/{repo}/commits/{ref} 422',
      'GET /repos/{owner}/{repo}/releases/tags/{tag} 404',
      'POST /repos/{owner}/{repo}/git/refs 422',
      'POST /repos/{owner}/{repo}/git/tags 422',
      'POST /repos/{owner}/{repo}/releases 422',
      'POST /repos/{owner}/{repo}/pulls 422',
      'GET /repos/{owner}/{repo}/pulls 422',
      'GET /repos/{owner}/{repo}/installation 401',
      'GET /repos/{owner}/{repo}/installation 404',
      'GET /app/installations/{installation_id} 404',
      'POST /app/installations/{installation_id}/access_tokens 422',
      'POST /repos/{owner}/{repo}/pulls 403',
    ];
    expect(errors.filter((key) => !covered.has(key))).toEqual([]);
  });
});
