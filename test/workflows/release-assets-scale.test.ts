import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { openBudgetStore } from '../../src/budgets/store.js';
import { releaseRequest } from '../../src/demo/requests.js';
import type { Asset } from '../../src/operations/publish-release/assets.js';
import {
  defaultSandboxConfig,
  type RequestLogEntry,
  type RunningSandbox,
  sandboxConfigSchema,
  startSandbox,
} from '../../src/sandbox/index.js';
import type { ExecutionResult } from '../../src/shared.js';
import { appliedWrites, refusals, startBudgetWorkers } from '../budgets/budget-workers.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { tempDir } from '../support/temp-dirs.js';

/*
 * GitHub's own limits and the default pacing (best practices), on a compressed clock: the sandbox's
 * clock runs K times faster and the budget knows it (clockRate), so a GitHub hour passes in 30 s.
 * 1000 uploads (GitHub's most per release) plus the draft and the publication are 1002
 * content-creating writes: twice the 500 an hour GitHub allows, so at GitHub's pace the release
 * takes over two hours. The documented-limits pacing would not help (the hourly limit binds either
 * way), while the compressed clock keeps every limit and every gap GitHub's and the test in its
 * minutes; the sandbox refuses exactly what GitHub would, so 0 refusals means the budget held.
 */
const K = 120;
/**
 * GitHub's limit per release. Each upload is one write and no read (it lists the draft's assets
 * only when GitHub refuses its name as taken), so the release costs a constant number of reads
 * beside its writes; when each upload listed the draft's assets (asset i: ⌈(i+1)/100⌉ pages, 5522
 * lists for 1000) a write's activity grew with the assets already up, and this test took 179-234 s.
 */
const ASSETS = 1000;
/**
 * Each write's activity carries only its view of the request (an upload: its one asset), so the
 * history grows linearly with the assets: measured 3.2 kB an asset (3.22 MB for 1000, the carry with the upload URL and each upload's link
 * included; 2.78-2.98 MB before the links). When every
 * write carried the whole request it grew with their square: 1.63 MB for 100, over Temporal's
 * 50 MB limit ("Workflow history size exceeds limit") before 1000 were published.
 */
const MAX_HISTORY_BYTES_PER_ASSET = 4096;
/** As in test/budgets/train.test.ts: a GitHub minute is 0.5 s here, so a busy box needs a wider margin. */
const LOAD_MARGIN_MS = 1500;
const MINUTE = 60_000;
const IMMUTABLE_PROBE = 'GET /repos/{owner}/{repo}/immutable-releases';
const HOUR = 3_600_000;
/** The draft's and the publication's reads (the publication lists the 1000 assets twice: 22 pages). */
const MAX_READS = 40;

const suite = useExecutorHarness('dev-server');
const runId = runIds('assets-scale');
let sandbox: RunningSandbox | undefined;
afterAll(() => sandbox?.close());

/** The most requests of `log` inside any window of `windowMs` (GitHub time), sliding from each request. */
function busiestWindow(log: readonly RequestLogEntry[], windowMs: number): number {
  let most = 0;
  for (const [i, entry] of log.entries()) {
    let j = i;
    while (j < log.length && (log[j]?.at ?? Number.POSITIVE_INFINITY) < entry.at + windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

describe(`a release with ${ASSETS} small assets`, () => {
  it('publishes exactly the authorized assets, no duplicates and no refusals, within GitHub’s limits', async () => {
    const { harness } = suite;
    // GitHub's documented limits, the sandbox's defaults: 80 writes a minute, 500 an hour, 5000 requests an hour.
    const config = sandboxConfigSchema.parse({ ...defaultSandboxConfig, timeCompression: K });
    const { limits } = config;
    const github = await startSandbox({ port: 0, config });
    sandbox = github;
    const assets: Asset[] = [];
    for (let i = 0; i < ASSETS; i++) {
      const name = `part-${String(i).padStart(4, '0')}.txt`;
      const stored = await harness.artifacts.put(Readable.from([Buffer.from(`bytes of ${name}\n`)]));
      assets.push({ name, ...stored, content_type: 'text/plain' });
    }
    const request = { ...releaseRequest(runId(), 'v1000.0.0'), assets };
    const workers = await startBudgetWorkers(harness, {
      github,
      budgets: await openBudgetStore(`file:${await tempDir('assets-scale-budget')}`),
      budgetLimits: { clockRate: K, marginMs: LOAD_MARGIN_MS },
    });
    const started = Date.now();
    let result: ExecutionResult;
    try {
      result = await harness.client.execute({ request, receipt: await harness.issue(request) });
      expect(result.status).toBe('succeeded');
    } finally {
      await workers.stop();
    }
    const seconds = (Date.now() - started) / 1000;
    const [entry] = await harness.store.entries(result.audit.index, result.audit.index + 1);
    const { historySize = 0, historyLength } = await harness.env.client.workflow
      .getHandle(entry?.record.temporal?.workflow_id ?? '')
      .describe();
    expect(historySize).toBeLessThanOrEqual(ASSETS * MAX_HISTORY_BYTES_PER_ASSET);

    const { repos } = await github.admin.state();
    const shipped = repos.flatMap((repo) => repo.assets);
    expect(shipped).toHaveLength(ASSETS);
    expect(new Set(shipped.map((asset) => asset.name)).size).toBe(ASSETS);
    expect(shipped.map(({ name, digest, state }) => ({ name, digest, state }))).toEqual(
      assets.map(({ name, sha256 }) => ({ name, digest: `sha256:${sha256}`, state: 'uploaded' })),
    );
    expect(repos.flatMap((repo) => repo.releases).map((release) => release.draft)).toEqual([false]);

    const log = await github.admin.requests();
    // The immutable-releases probe answers 403 to a token without administration read: not a refusal of the pace.
    expect(refusals(log).filter((entry) => entry.route !== IMMUTABLE_PROBE)).toEqual([]);
    const writes = appliedWrites(log);
    expect(writes).toHaveLength(ASSETS + 2);
    // Linear in the assets: their writes, and reads that do not grow with them (the budget's own looks aside).
    const reads = log.filter((entry) => entry.method === 'GET' && entry.route !== 'GET /rate_limit');
    expect(reads.length).toBeLessThanOrEqual(MAX_READS);
    // The log's times are the sandbox's, GitHub's: every limit is checked in GitHub time.
    const gaps = writes.slice(1).map((entry, i) => entry.at - (writes[i]?.at ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
    expect(busiestWindow(writes, MINUTE)).toBeLessThanOrEqual(limits.secondaryPerMinute ?? 0);
    expect(busiestWindow(writes, HOUR)).toBeLessThanOrEqual(limits.secondaryPerHour ?? 0);
    expect(busiestWindow(log, HOUR)).toBeLessThanOrEqual(limits.primaryPerHour ?? 0);
    const githubHours = ((writes.at(-1)?.at ?? 0) - (writes[0]?.at ?? 0)) / HOUR;
    console.info(
      `${ASSETS} assets: ${seconds.toFixed(0)} s real, ${githubHours.toFixed(2)} GitHub hours, ${log.length} requests (${reads.length} reads), history ${historyLength} events, ${(historySize / 1e6).toFixed(2)} MB`,
    );
  }, 600_000);
});
