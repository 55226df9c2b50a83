import { Octokit } from '@octokit/rest';
import { beforeEach, describe, expect, it } from 'vitest';
import { releaseRequest } from '../../src/demo/requests.js';
import type { ExecutionResult } from '../../src/shared.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { waitFor } from '../support/wait.js';

const suite = useExecutorHarness('time-skipping');
const runId = runIds('faults');
beforeEach(() => suite.harness.sandbox.admin.reset());

const log = () => suite.harness.sandbox.admin.requests();
/** The budget has looked at the primary window: the execution now waits for its slot. */
const looked = async () => (await log()).some((entry) => entry.route === 'GET /rate_limit');
const releases = async () => (await suite.harness.demoRepository()).releases;

/** Uses up the token's primary window: the executor's look (GET /rate_limit) finds remaining 0. */
async function exhaustPrimaryLimit(): Promise<void> {
  // Ten per hour: after the reset, a release's reservation (its write and up to five reads) fits
  // above the 5 % reserve.
  const limit = 10;
  await suite.harness.sandbox.admin.setLimits({ primaryPerHour: limit });
  const octokit = new Octokit({ baseUrl: suite.harness.sandbox.url, auth: suite.harness.sandbox.token });
  for (let i = 0; i < limit; i++) await octokit.rest.repos.get({ owner: 'omega', repo: 'marketops' });
}

describe('GitHub faults, rate limits and the authorization window', () => {
  it('a primary window spent by another client is waited out to its reset, an hour in seconds, without a refusal', async () => {
    await exhaustPrimaryLimit();
    const request = releaseRequest(runId(), 'v2.0.0');
    const receipt = await suite.harness.issue(request, { ttlSeconds: 2 * 3600 });
    const started = Date.now();
    const result = await suite.harness.withWorkers('prod', async () => {
      const submission = await suite.harness.client.submit({ receipt, request });
      if (submission.status !== 'started') throw new Error('submission was rejected');
      await waitFor(looked);
      // The sandbox's clock follows Temporal's skipped hour (x-ratelimit-reset is rounded up to the second).
      await suite.harness.sandbox.admin.advanceClock(3601_000);
      return suite.harness.client.result(submission.receiptId);
    });
    expect(result).toMatchObject({ status: 'succeeded' });
    expect(Date.now() - started).toBeLessThan(30_000);
    // The look finds nothing left and the budget waits for the reset; past it, a second look, then
    // the release's reads and its write. Nothing was sent into the spent window.
    const entries = (await log()).filter((entry) => entry.route !== 'GET /repos/{owner}/{repo}');
    expect(entries.map((entry) => `${entry.route} ${entry.status}`)).toEqual([
      'GET /rate_limit 200',
      'GET /rate_limit 200',
      'GET /repos/{owner}/{repo}/commits/{ref} 200',
      'GET /repos/{owner}/{repo}/releases/tags/{tag} 404',
      'GET /repos/{owner}/{repo}/git/ref/{ref} 404',
      'POST /repos/{owner}/{repo}/releases 201',
    ]);
  });

  it('"effect applied, response lost" leaves exactly one release, adopted on retry', async () => {
    await suite.harness.sandbox.admin.addFault({
      route: 'POST /repos/{owner}/{repo}/releases',
      kind: 'drop-after-apply',
    });
    const request = releaseRequest(runId(), 'v2.1.0');
    const result = await suite.harness.withWorkers('prod', async () =>
      suite.harness.issueAndExecute(request),
    );
    expect(result).toMatchObject({ status: 'succeeded', github: { adopted: true } });
    expect(await releases()).toHaveLength(1);
    expect((await suite.harness.writes()).map((entry) => entry.dropped)).toEqual([true]);
  });

  it('a rate-limit reset after the receipt expires ends as EXPIRED_DURING_EXECUTION with no write', async () => {
    await exhaustPrimaryLimit();
    const request = releaseRequest(runId(), 'v2.2.0');
    const result = await suite.harness.withWorkers('prod', async () =>
      suite.harness.issueAndExecute(request, { ttlSeconds: 600 }),
    );
    expect(result).toMatchObject({ status: 'failed', code: 'EXPIRED_DURING_EXECUTION' });
    expect(await suite.harness.writes()).toEqual([]);
  });

  it('5xx retries stop at the receipt expiry: EXPIRED_DURING_EXECUTION, no write attempted after exp', async () => {
    await suite.harness.sandbox.admin.addFault({
      route: 'POST /repos/{owner}/{repo}/releases',
      kind: 'status',
      status: 503,
      times: 1000,
    });
    const request = releaseRequest(runId(), 'v2.3.0');
    const result: ExecutionResult = await suite.harness.withWorkers('prod', async () =>
      suite.harness.issueAndExecute(request, { ttlSeconds: 120 }),
    );
    expect(result).toMatchObject({ status: 'failed', code: 'EXPIRED_DURING_EXECUTION' });
    // Backoff 1 s, 2 s, 4 s … puts attempts at 0, 1, 3, 7, 15, 31 and 63 s: the next would fall after exp (120 s).
    const attempts = (await suite.harness.writes()).length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(7);
    expect(await releases()).toEqual([]);
  });

  it("GitHub validation errors are final and carry GitHub's message", async () => {
    const request = { ...releaseRequest(runId(), 'v2.4.0'), target_commitish: 'no-such-branch' };
    const result = await suite.harness.withWorkers('prod', async () =>
      suite.harness.issueAndExecute(request),
    );
    expect(result).toMatchObject({ status: 'failed', code: 'GITHUB_VALIDATION_FAILED' });
    expect((await log()).map((e) => `${e.route} ${e.status}`)).toEqual([
      'GET /rate_limit 200',
      'GET /repos/{owner}/{repo}/commits/{ref} 422',
    ]);
  });

  it('an existing release that differs from the request is a CONFLICT, never overwritten', async () => {
    const run = runId();
    const first = releaseRequest(run, 'v2.5.0');
    const second = { ...first, body: 'Different notes' };
    const results = await suite.harness.withWorkers('prod', async () => [
      await suite.harness.issueAndExecute(first),
      await suite.harness.issueAndExecute(second),
    ]);
    expect(results.map((r) => (r.status === 'failed' ? r.code : r.status))).toEqual([
      'succeeded',
      'CONFLICT',
    ]);
    expect(await releases()).toHaveLength(1);
  });

  it('a cancelled execution is recorded as failed/CANCELLED, and writes nothing after the cancellation', async () => {
    await exhaustPrimaryLimit();
    const request = releaseRequest(runId(), 'v2.6.0');
    const receipt = await suite.harness.issue(request, { ttlSeconds: 2 * 3600 });
    const result = await suite.harness.withWorkers('prod', async () => {
      const submission = await suite.harness.client.submit({ receipt, request });
      if (submission.status !== 'started') throw new Error('submission was rejected');
      await waitFor(looked);
      await suite.harness.env.client.workflow.getHandle(submission.workflowId).cancel();
      return suite.harness.client.result(submission.receiptId);
    });
    expect(result).toMatchObject({ status: 'failed', code: 'CANCELLED' });
    expect(await suite.harness.writes()).toEqual([]);
    const record = (await suite.harness.store.byRunId(request.run_id)).at(-1)?.record;
    expect([record?.outcome, record?.reasons[0]?.code]).toEqual(['failed', 'CANCELLED']);
  });
});
