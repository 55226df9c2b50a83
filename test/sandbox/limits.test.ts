import { describe, expect, it } from 'vitest';
import { defaultSandboxConfig } from '../../src/sandbox/index.js';
import { failure, octokitFor, type Recorded, repo, startRecorded, useSandbox } from './harness.js';

const HOUR = 3_600_000;
const t = useSandbox();

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
