import { readFile } from 'node:fs/promises';
import { Octokit } from '@octokit/rest';
import { Runtime } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { releaseRequest, tagRequest } from '../../src/demo/requests.js';
import { OPERATION_DURATION, prometheusOptions } from '../../src/metrics/executor-metrics.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import { DEFAULT_REPOSITORY } from '../../src/sandbox/index.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { freePort } from '../support/ports.js';

// The worker's Prometheus endpoint, configured as the worker configures it; before anything touches the Runtime.
const port = await freePort();
Runtime.install({ telemetryOptions: { metrics: { prometheus: prometheusOptions(`127.0.0.1:${port}`) } } });

const suite = useExecutorHarness('time-skipping');
const runId = runIds('metrics');

/** Every metric docs/configuration.md documents, each of which an operator can graph from start-up. */
const DOCUMENTED = [
  'marketops_receipts',
  'marketops_github_calls',
  'marketops_rate_limit_waits',
  'marketops_outcomes',
];

const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

/** The value of the one sample named `name` whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith(`${name}{`) &&
        Object.entries(labels).every(([key, value]) => l.includes(`${key}="${value}"`)),
    );
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

/** Submits and waits for the execution to close, however it ends. */
async function run(request: OperationRequest): Promise<void> {
  const { harness } = suite;
  const submission = await harness.client.submit({ receipt: await harness.issue(request), request });
  if (submission.status !== 'started') throw new Error('the client refused a valid receipt');
  await harness.env.client.workflow
    .getHandle(submission.workflowId)
    .result()
    .catch(() => undefined);
}

describe('Prometheus metrics', () => {
  it('every documented metric is on the endpoint from start-up, before any execution', async () => {
    await suite.harness.withWorkers('prod', async () => {
      const text = await scrape();
      for (const name of DOCUMENTED) expect(text, name).toMatch(new RegExp(`^${name}\\{`, 'm'));
      expect(sample(text, 'marketops_rate_limit_waits', { kind: 'GITHUB_PRIMARY_RATE_LIMIT' })).toBe(0);
      expect(sample(text, 'marketops_outcomes', { kind: 'publish_release', outcome: 'failed' })).toBe(0);
    });
  });

  it('counts outcomes by kind, outcome and code, and times each operation end to end', async () => {
    const { harness } = suite;
    const tag = `v-metrics-${Date.now()}`;
    const [owner = '', repo = ''] = DEFAULT_REPOSITORY.split('/');
    // Someone else's tag at another commit: tagging it is a CONFLICT.
    await new Octokit({ baseUrl: harness.sandbox.url, auth: harness.sandbox.token }).git.createRef({
      owner,
      repo,
      ref: `refs/tags/${tag}`,
      sha: '2e4b6d8f0a1c3e5a7c9e1b3d5f7a9c1e3b5d7f9a',
    });
    await harness.withWorkers('prod', async () => {
      await run(releaseRequest(runId(), `${tag}-release`));
      await run(tagRequest(runId(), tag, 'conflict'));
    });
    await harness.withWorkers('dry-run', () => run(releaseRequest(runId(), `${tag}-dry`)));

    const text = await scrape();
    const outcomes = (kind: string, outcome: string, code: string) =>
      sample(text, 'marketops_outcomes', { kind, outcome, code });
    expect(outcomes('publish_release', 'succeeded', 'none')).toBe(1);
    expect(outcomes('tag_repo', 'failed', 'CONFLICT')).toBe(1);
    expect(outcomes('publish_release', 'blocked_by_mode', 'MODE_NOT_PROD')).toBe(1);

    expect(sample(text, `${OPERATION_DURATION}_count`, { kind: 'publish_release' })).toBe(2);
    expect(sample(text, `${OPERATION_DURATION}_count`, { kind: 'tag_repo' })).toBe(1);
    // The buckets span a refusal's second to a rate-limited write's hours.
    expect(sample(text, `${OPERATION_DURATION}_bucket`, { kind: 'tag_repo', le: '86400' })).toBe(1);
    expect(sample(text, `${OPERATION_DURATION}_sum`, { kind: 'tag_repo' })).toBeGreaterThan(0);
  });

  it('the Grafana dashboard graphs only metrics the endpoint has', async () => {
    const dashboard = await readFile(new URL('../../deploy/grafana/marketops.json', import.meta.url), 'utf8');
    const used = new Set(dashboard.match(/marketops_[a-z_]+/g));
    expect(used.size).toBeGreaterThanOrEqual(DOCUMENTED.length + 1);
    const text = await scrape();
    for (const name of used) expect(text, name).toMatch(new RegExp(`^${name}[{ ]`, 'm'));
  });
});
