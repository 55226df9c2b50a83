import { describe, expect, it } from 'vitest';
import { installationPrimaryLimit } from '../../src/sandbox/identity.js';
import { defaultSandboxConfig } from '../../src/sandbox/index.js';
import {
  appSandboxConfig,
  asApp,
  failure,
  MAIN_SHA,
  octokitFor,
  type Recorded,
  repo,
  startRecorded,
  useSandbox,
} from './harness.js';

const HOUR = 3_600_000;
const t = useSandbox(undefined, appSandboxConfig());

/** A token of `installation`, made through the API with the App's JWT. */
async function installationToken(installation: number, repositories?: string[]) {
  const app = octokitFor(t.sandbox, t.recorded, asApp);
  const { data } = await app.apps.createInstallationAccessToken({
    installation_id: installation,
    repositories,
  });
  return octokitFor(t.sandbox, t.recorded, data.token);
}

const dateOf = (headers: Recorded['headers']): number => Date.parse(String(headers.date));
const release = (tag: string) => t.octokit.repos.createRelease({ ...repo, tag_name: tag });

describe('primary rate limit', () => {
  it('counts down per token, then answers 403 with remaining 0 until the window resets', async () => {
    await t.sandbox.admin.setLimits({ primaryPerHour: 3 });
    const first = await t.octokit.repos.get(repo);
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit': '3',
      'x-ratelimit-remaining': '2',
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
    });
    const reset = Number(first.headers['x-ratelimit-reset']);
    // The reset is an hour after the window opened, on the sandbox clock that also stamps Date.
    expect(reset * 1000 - dateOf(first.headers)).toBeGreaterThan(HOUR - 2000);
    expect(reset * 1000 - dateOf(first.headers)).toBeLessThanOrEqual(HOUR + 1000);
    await t.octokit.repos.get(repo);
    await t.octokit.repos.get(repo);

    const limited = await failure(t.octokit.repos.get(repo));
    expect(limited.status).toBe(403);
    expect(limited.data).toMatchObject({
      message: 'API rate limit exceeded for user ID 900001.',
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits',
    });
    expect(limited.headers).toMatchObject({ 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '3' });
    expect(Number(limited.headers['x-ratelimit-reset'])).toBe(reset);
  });

  it('starts a fresh window once the clock passes x-ratelimit-reset', async () => {
    await t.sandbox.admin.setLimits({ primaryPerHour: 1 });
    await t.octokit.repos.get(repo);
    const limited = await failure(t.octokit.repos.get(repo));
    expect(limited.status).toBe(403);
    // What a client computes: reset minus the server's Date, both on the sandbox clock.
    const wait = Number(limited.headers['x-ratelimit-reset']) * 1000 - dateOf(limited.headers);
    expect(wait).toBeGreaterThan(HOUR - 5000);
    const before = await t.sandbox.admin.now();
    await t.sandbox.admin.advanceClock(wait + 1000);
    expect((await t.sandbox.admin.now()) - before).toBeGreaterThanOrEqual(wait + 1000);
    const again = await t.octokit.repos.get(repo);
    expect(again.status).toBe(200);
    expect(again.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(again.headers['x-ratelimit-reset'])).toBeGreaterThan(
      Number(limited.headers['x-ratelimit-reset']),
    );
    expect(dateOf(again.headers)).toBeGreaterThanOrEqual(before + wait);
  });

  it('answers 429 instead of 403 when configured so', async () => {
    await t.sandbox.admin.setLimits({ primaryPerHour: 1, status: 429 });
    await t.octokit.repos.get(repo);
    expect((await failure(t.octokit.repos.get(repo))).status).toBe(429);
  });

  it('gives each token its own window', async () => {
    const config = {
      ...defaultSandboxConfig,
      tokens: [...defaultSandboxConfig.tokens, { id: 'second', token: 't2' }],
    };
    const two = await startRecorded({ ...config, limits: { ...config.limits, primaryPerHour: 1 } });
    try {
      await two.octokit.repos.get(repo);
      expect((await failure(two.octokit.repos.get(repo))).status).toBe(403);
      const other = await octokitFor(two.sandbox, two.recorded, 't2').repos.get(repo);
      expect(other.headers['x-ratelimit-remaining']).toBe('0');
      expect(other.status).toBe(200);
      const ids = (await two.sandbox.admin.requests()).map((entry) => entry.tokenId);
      expect(ids).toEqual(['sandbox', 'sandbox', 'second']);
    } finally {
      await two.sandbox.close();
    }
  });

  it('can be turned off', async () => {
    await t.sandbox.admin.setLimits({ primaryPerHour: null });
    for (let i = 0; i < 5; i++) expect((await t.octokit.repos.get(repo)).status).toBe(200);
  });
});

describe('secondary rate limits', () => {
  it('limits content-creating requests per minute with retry-after on the sandbox clock', async () => {
    await t.sandbox.admin.setLimits({ secondaryPerMinute: 2 });
    await release('v1');
    await release('v2');
    await t.octokit.repos.get(repo); // reads are not content creation
    const limited = await failure(release('v3'));
    expect(limited.status).toBe(403);
    expect(limited.data).toMatchObject({
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      documentation_url:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(55);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(Number(limited.headers['x-ratelimit-remaining'])).toBeGreaterThan(0);
    const state = await t.sandbox.admin.state();
    expect(state.repos[0]?.releases.map((r) => r.tag_name)).toEqual(['v1', 'v2']);

    await t.sandbox.admin.advanceClock(retryAfter * 1000);
    expect((await release('v3')).status).toBe(201);
  });

  it('limits content-creating requests per hour, answering 429 when configured', async () => {
    await t.sandbox.admin.setLimits({ secondaryPerMinute: null, secondaryPerHour: 2, status: 429 });
    await release('v1');
    await t.sandbox.admin.advanceClock(10 * 60_000);
    await release('v2');
    const limited = await failure(release('v3'));
    expect(limited.status).toBe(429);
    expect(limited.data.message).toMatch(/secondary rate limit/);
    // The oldest creation leaves the hour 50 minutes from now.
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(49 * 60);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(50 * 60);
  });

  it('limits concurrent requests of a token', async () => {
    await t.sandbox.admin.setLimits({ maxConcurrency: 1 });
    await t.sandbox.admin.addFault({ route: 'GET /repos/{owner}/{repo}', kind: 'latency', latencyMs: 300 });
    const slow = t.octokit.repos.get(repo);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const concurrent = await failure(t.octokit.repos.listReleases(repo));
    expect(concurrent.status).toBe(403);
    expect(concurrent.data.message).toMatch(/secondary rate limit/);
    expect(concurrent.headers['retry-after']).toBe('60');
    expect((await slow).status).toBe(200);
    expect((await t.octokit.repos.listReleases(repo)).status).toBe(200);
  });
});

describe('limits per identity', () => {
  it('counts every token of an installation against one budget, apart from other installations', async () => {
    await t.sandbox.admin.addInstallation(4242, { id: 2, account: 'omega', repositories: ['website'] });
    const first = await installationToken(1, ['marketops']);
    const second = await installationToken(1);
    const other = await installationToken(2);
    await first.repos.get(repo);
    await first.repos.get(repo);
    const shared = await second.repos.get(repo);
    expect(shared.headers).toMatchObject({ 'x-ratelimit-limit': '5000', 'x-ratelimit-used': '3' });
    const apart = await other.repos.get({ owner: 'omega', repo: 'website' });
    expect(apart.headers['x-ratelimit-used']).toBe('1');
    await t.octokit.repos.get(repo);
    const usage = Object.fromEntries((await t.sandbox.admin.usage()).map((u) => [u.identity, u.used]));
    expect(usage).toEqual({ 'app:4242': 3, 'installation:1': 3, 'installation:2': 1, 'token:sandbox': 1 });
  });

  it('shares the secondary limits between the tokens of an installation', async () => {
    await t.sandbox.admin.setLimits({ secondaryPerMinute: 2 });
    const first = await installationToken(1);
    const second = await installationToken(1);
    await first.repos.createRelease({ ...repo, tag_name: 'v1' });
    await second.repos.createRelease({ ...repo, tag_name: 'v2' });
    const limited = await failure(first.repos.createRelease({ ...repo, tag_name: 'v3' }));
    expect([limited.status, limited.data.message]).toEqual([
      403,
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    ]);
    // A personal token is another identity with its own minute.
    expect((await t.octokit.repos.createRelease({ ...repo, tag_name: 'v3' })).status).toBe(201);
  });

  it('charges 5 points per write and 1 per read against the points per minute', async () => {
    await t.sandbox.admin.setLimits({ pointsPerMinute: 11 });
    await t.octokit.repos.createRelease({ ...repo, tag_name: 'v1' });
    await t.octokit.repos.createRelease({ ...repo, tag_name: 'v2' });
    await t.octokit.repos.get(repo);
    const limited = await failure(t.octokit.repos.get(repo));
    expect(limited.status).toBe(403);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(55);
    const [usage] = await t.sandbox.admin.usage();
    expect(usage).toMatchObject({
      identity: 'token:sandbox',
      pointsLastMinute: 11,
      contentCreatedLastMinute: 2,
    });
  });

  it('scales an installation’s primary limit by GitHub’s rule', () => {
    const limit = (repositories: number, members = 1, enterpriseCloud = false) =>
      installationPrimaryLimit({ repositories, members, enterpriseCloud });
    expect(limit(20, 20)).toBe(5000);
    expect(limit(21)).toBe(5050);
    expect(limit(30, 25)).toBe(5750);
    expect(limit(500, 500)).toBe(12_500);
    expect(limit(1, 1, true)).toBe(15_000);
  });

  it('gives an installation on a large organization its scaled limit', async () => {
    const repos = Array.from({ length: 30 }, (_, i) => ({
      owner: 'big',
      name: `repo-${i}`,
      default_branch: 'main',
      branches: { main: MAIN_SHA },
    }));
    const config = appSandboxConfig({
      repos: [...defaultSandboxConfig.repos, ...repos],
      owners: { big: { type: 'Organization', members: 25, enterpriseCloud: false } },
    });
    const big = await startRecorded(config);
    try {
      await big.sandbox.admin.addInstallation(4242, { id: 9, account: 'big' });
      const app = octokitFor(big.sandbox, big.recorded, asApp);
      const { data } = await app.apps.createInstallationAccessToken({ installation_id: 9 });
      const { headers } = await octokitFor(big.sandbox, big.recorded, data.token).repos.get({
        owner: 'big',
        repo: 'repo-0',
      });
      // 5,000 + 50 × (30 − 20) repositories + 50 × (25 − 20) members.
      expect(headers['x-ratelimit-limit']).toBe('5750');
    } finally {
      await big.sandbox.close();
    }
  });
});

describe('conditional requests', () => {
  it('answers a matching If-None-Match with a bodiless 304 that the primary limit does not count', async () => {
    const first = await t.octokit.repos.get(repo);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    expect(first.headers['last-modified']).toBeDefined();
    const cached = await failure(t.octokit.repos.get({ ...repo, headers: { 'if-none-match': etag } }));
    expect(cached.status).toBe(304);
    expect(cached.headers).toMatchObject({ etag, 'x-ratelimit-used': '1' });
    const since = String(first.headers['last-modified']);
    expect(
      (await failure(t.octokit.repos.get({ ...repo, headers: { 'if-modified-since': since } }))).status,
    ).toBe(304);
    expect((await t.sandbox.admin.usage())[0]?.used).toBe(1);

    const before = await t.octokit.repos.listReleases(repo);
    await t.sandbox.admin.advanceClock(2000);
    await t.octokit.repos.createRelease({ ...repo, tag_name: 'v1' });
    const after = await t.octokit.repos.listReleases({
      ...repo,
      headers: { 'if-none-match': String(before.headers.etag) },
    });
    expect(after.status).toBe(200);
    expect(after.data.map((r) => r.tag_name)).toEqual(['v1']);
  });
});

describe('pagination', () => {
  it('sends GitHub’s Link header, so octokit.paginate reads every page', async () => {
    for (const tag of ['v1', 'v2', 'v3', 'v4', 'v5'])
      await t.octokit.repos.createRelease({ ...repo, tag_name: tag });
    const first = await t.octokit.repos.listReleases({ ...repo, per_page: 2 });
    const url = `${t.sandbox.url}/repos/omega/marketops/releases?per_page=2`;
    expect(first.headers.link).toBe(`<${url}&page=2>; rel="next", <${url}&page=3>; rel="last"`);
    const middle = await t.octokit.repos.listReleases({ ...repo, per_page: 2, page: 2 });
    expect(middle.headers.link).toBe(
      `<${url}&page=1>; rel="prev", <${url}&page=3>; rel="next", <${url}&page=3>; rel="last", <${url}&page=1>; rel="first"`,
    );
    const all = await t.octokit.paginate(t.octokit.repos.listReleases, { ...repo, per_page: 2 });
    expect(all.map((r) => r.tag_name)).toEqual(['v5', 'v4', 'v3', 'v2', 'v1']);
    expect((await t.octokit.repos.listReleases(repo)).headers.link).toBeUndefined();
  });
});

describe('time compression', () => {
  it('runs the sandbox clock k times faster and stamps Date with it', async () => {
    const fast = await startRecorded({ ...defaultSandboxConfig, timeCompression: 600 });
    try {
      const before = await fast.sandbox.admin.now();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const elapsed = (await fast.sandbox.admin.now()) - before;
      // 200 real ms at k=600 is two sandbox minutes.
      expect(elapsed).toBeGreaterThanOrEqual(100_000);
      expect(elapsed).toBeLessThan(600_000);
      const { headers } = await fast.octokit.repos.get(repo);
      expect(Math.abs(dateOf(headers) - (await fast.sandbox.admin.now()))).toBeLessThan(120_000);
    } finally {
      await fast.sandbox.close();
    }
  });
});
