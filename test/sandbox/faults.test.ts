import { describe, expect, it } from 'vitest';
import { defaultSandboxConfig, faultSchema } from '../../src/sandbox/index.js';
import { failure, repo, startRecorded, useSandbox } from './harness.js';
import { validateResponse } from './openapi.js';

const CREATE_RELEASE = 'POST /repos/{owner}/{repo}/releases';
const t = useSandbox();

describe('drop-after-apply', () => {
  it('applies the change, then drops the connection: Octokit sees a network error, the state has the effect', async () => {
    await t.sandbox.admin.addFault({ route: CREATE_RELEASE, kind: 'drop-after-apply' });
    let caught: { status?: number; response?: unknown; message: string } | undefined;
    try {
      await t.octokit.repos.createRelease({ ...repo, tag_name: 'v1.0.0' });
    } catch (error) {
      caught = error as typeof caught;
    }
    expect(caught).toBeDefined();
    expect(caught?.response).toBeUndefined();
    expect(caught?.message).toMatch(/fetch failed|socket|closed/i);

    const state = await t.sandbox.admin.state();
    expect(state.repos[0]?.releases.map((release) => release.tag_name)).toEqual(['v1.0.0']);
    expect(state.repos[0]?.refs['refs/tags/v1.0.0']).toBeDefined();
    const [entry] = await t.sandbox.admin.requests();
    expect(entry).toMatchObject({
      route: CREATE_RELEASE,
      status: 201,
      applied: true,
      dropped: true,
      fault: 'drop-after-apply',
      contentCreating: true,
    });

    // The retry a naive client would make meets the effect; an idempotent one reads it first.
    expect((await t.octokit.repos.getReleaseByTag({ ...repo, tag: 'v1.0.0' })).status).toBe(200);
    const retry = await failure(t.octokit.repos.createRelease({ ...repo, tag_name: 'v1.0.0' }));
    expect(retry.status).toBe(422);
  });
});

describe('status faults', () => {
  it('answers 5xx for the chosen route, after some requests, for some times, without applying', async () => {
    await t.sandbox.admin.addFault({
      route: CREATE_RELEASE,
      kind: 'status',
      status: 503,
      afterRequests: 1,
      times: 2,
    });
    expect((await t.octokit.repos.createRelease({ ...repo, tag_name: 'v1' })).status).toBe(201);
    const first = await failure(t.octokit.repos.createRelease({ ...repo, tag_name: 'v2' }));
    expect(first.status).toBe(503);
    expect(first.data).toMatchObject({ message: 'Service Unavailable', status: '503' });
    expect((await failure(t.octokit.repos.createRelease({ ...repo, tag_name: 'v2' }))).status).toBe(503);
    expect((await t.octokit.repos.get(repo)).status).toBe(200); // other routes are untouched
    expect((await t.octokit.repos.createRelease({ ...repo, tag_name: 'v2' })).status).toBe(201);
    const log = await t.sandbox.admin.requests();
    expect(log.map((entry) => [entry.status, entry.applied, entry.fault])).toEqual([
      [201, true, null],
      [503, false, 'status'],
      [503, false, 'status'],
      [200, false, null],
      [201, true, null],
    ]);
  });

  it('hits every route when the fault names none, and clearFaults disarms it', async () => {
    await t.sandbox.admin.addFault({ kind: 'status', status: 500, times: 5 });
    expect((await failure(t.octokit.repos.get(repo))).status).toBe(500);
    expect((await failure(t.octokit.repos.listReleases(repo))).status).toBe(500);
    await t.sandbox.admin.clearFaults();
    expect((await t.octokit.repos.get(repo)).status).toBe(200);
  });
});

describe('latency faults', () => {
  it('delays the answer by the given real milliseconds', async () => {
    await t.sandbox.admin.addFault({ route: 'GET /repos/{owner}/{repo}', kind: 'latency', latencyMs: 250 });
    const started = Date.now();
    expect((await t.octokit.repos.get(repo)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    const quick = Date.now();
    await t.octokit.repos.get(repo);
    expect(Date.now() - quick).toBeLessThan(240);
  });
});

describe('faults from config', () => {
  it('arms configured faults at start and re-arms them on reset', async () => {
    const fault = faultSchema.parse({ route: 'GET /repos/{owner}/{repo}', kind: 'status', status: 502 });
    const seeded = await startRecorded({ ...defaultSandboxConfig, faults: [fault] });
    try {
      const bad = await failure(seeded.octokit.repos.get(repo));
      expect(bad.status).toBe(502);
      expect((await seeded.octokit.repos.get(repo)).status).toBe(200);
      await seeded.sandbox.admin.reset();
      expect((await failure(seeded.octokit.repos.get(repo))).status).toBe(502);
      expect(validateResponse('GET', '/repos/{owner}/{repo}', 502, bad.data)).toEqual([]);
    } finally {
      await seeded.sandbox.close();
    }
  });
});
