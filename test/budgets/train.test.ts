import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBudgetStore } from '../../src/budgets/store.js';
import { tagRequest } from '../../src/demo/requests.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import {
  defaultSandboxConfig,
  type Limits,
  type RunningSandbox,
  sandboxConfigSchema,
  startSandbox,
} from '../../src/sandbox/index.js';
import { workflowIdFor } from '../../src/shared.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { tempDir } from '../support/temp-dirs.js';
import { appliedWrites, refusals, startBudgetWorkers } from './budget-workers.js';

/**
 * Real time on the dev server against a sandbox whose clock runs K times faster: a GitHub
 * minute passes in 0.5 s, an hour in 30 s. The budget knows the same rate (clockRate), so
 * it paces in GitHub's time, and the sandbox refuses exactly what GitHub would.
 */
const K = 120;
/**
 * The budget's margin for a write that goes out late, on our clock. A GitHub minute is 0.5 s
 * here, so the default (1 s) is all that stands between a write delayed by a busy 2-core CI box
 * and the sandbox's refusal; 1.5 s keeps the test about pacing, not about the box's load.
 */
const LOAD_MARGIN_MS = 1500;

const suite = useExecutorHarness('dev-server');
const nextRunId = runIds('budget-train');
let sandbox: RunningSandbox;

async function startCompressedSandbox(limits: Partial<Limits>): Promise<RunningSandbox> {
  await sandbox?.close();
  sandbox = await startSandbox({
    port: 0,
    config: sandboxConfigSchema.parse({ ...defaultSandboxConfig, limits, timeCompression: K }),
  });
  return sandbox;
}

afterAll(() => sandbox?.close());

async function submitAll(requests: OperationRequest[]) {
  const { harness } = suite;
  const receipts = await Promise.all(requests.map((request) => harness.issue(request)));
  const submissions = await Promise.all(
    requests.map((request, i) => harness.client.submit({ receipt: receipts[i] as string, request })),
  );
  return submissions.map((submission) => {
    if (submission.status !== 'started') throw new Error(`not started: ${JSON.stringify(submission)}`);
    return submission.receiptId;
  });
}

const results = (receiptIds: string[]) =>
  Promise.all(receiptIds.map(async (id) => (await suite.harness.client.result(id)).status));

/** Whether an operation's workflow ever slept on a timer: in this workflow, only a budget or rate-limit wait does. */
async function waited(receiptId: string): Promise<boolean> {
  const history = await suite.harness.env.client.workflow.getHandle(workflowIdFor(receiptId)).fetchHistory();
  return (history.events ?? []).some((event) => event.timerStartedEventAttributes);
}

describe('a release train bursting up to the documented limits (opt-in), across a worker stop', () => {
  let budgetDir: string;
  beforeAll(async () => {
    budgetDir = await tempDir('budget-train');
  });

  it('bursts the minute’s writes, paces the hour, and a new worker never spends a window twice', async () => {
    // GitHub's secondary limits scaled down, so a train passes its minute and its hour in seconds.
    const limits = { secondaryPerMinute: 5, secondaryPerHour: 12, primaryPerHour: null };
    const github = await startCompressedSandbox(limits);
    const budgetLimits = {
      pacing: 'documented-limits' as const,
      writesPerMinute: 5,
      writesPerHour: 12,
      clockRate: K,
      marginMs: LOAD_MARGIN_MS,
    };
    const runId = nextRunId();
    const requests = Array.from({ length: 16 }, (_, i) => tagRequest(runId, `train-${runId}-${i}`));

    const first = await startBudgetWorkers(suite.harness, {
      github,
      budgets: await openBudgetStore(`file:${budgetDir}`),
      budgetLimits,
    });
    const receiptIds = await submitAll(requests);
    // Stop the worker mid-train: after the first minute's burst, before the hour is spent.
    await expect
      .poll(async () => appliedWrites(await github.admin.requests()).length, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(6);
    await first.stop();
    const second = await startBudgetWorkers(suite.harness, {
      github,
      // A fresh store instance, as a new worker process opens: it knows only what the store holds.
      budgets: await openBudgetStore(`file:${budgetDir}`),
      budgetLimits,
    });
    try {
      expect(await results(receiptIds)).toEqual(requests.map(() => 'succeeded'));
    } finally {
      await second.stop();
    }

    const log = await github.admin.requests();
    const writes = appliedWrites(log);
    expect(refusals(log)).toEqual([]);
    // Sixteen tags, sixteen writes: none sent twice.
    expect(writes).toHaveLength(16);
    // The burst: the minute's five went out without a wait. The budget decides this, not the
    // box's speed: a write's timing on a loaded box can spread past a compressed minute (0.5 s).
    // More may go without one if the box is slow enough for a GitHub minute to pass meanwhile.
    const unpaced = (await Promise.all(receiptIds.map(waited))).filter((wait) => !wait).length;
    expect(unpaced).toBeGreaterThanOrEqual(5);
    // The rest an hour after the first: the sandbox would have refused them earlier.
    const start = writes[0]?.at ?? 0;
    const githubMinutes = writes.map((entry) => (entry.at - start) / 60_000);
    expect(githubMinutes.slice(12).every((minute) => minute >= 60)).toBe(true);
  }, 180_000);
});

describe('a release train under GitHub’s best practices (the default), on two workers sharing the store', () => {
  it('sends one write at a time, each at least a second (GitHub time) after the previous one was answered', async () => {
    // A slower clock than above, so a GitHub second (100 ms here) outlasts a write's round trip
    // on a busy box; and every write takes 300 ms to be answered, so two writes in flight at once,
    // or one sent before the previous was answered, would arrive closer than 300 ms + a second.
    const clockRate = 10;
    const latencyMs = 300;
    await sandbox?.close();
    sandbox = await startSandbox({
      port: 0,
      config: sandboxConfigSchema.parse({
        ...defaultSandboxConfig,
        timeCompression: clockRate,
        faults: [{ route: 'POST /repos/{owner}/{repo}/git/refs', kind: 'latency', latencyMs, times: 100 }],
      }),
    });
    const github = sandbox;
    const budgetDir = await tempDir('budget-paced');
    // Two workers, each with its own store instance, as two worker processes have.
    const start = async (ownConnection: boolean) =>
      startBudgetWorkers(suite.harness, {
        github,
        budgets: await openBudgetStore(`file:${budgetDir}`),
        budgetLimits: { clockRate },
        ownConnection,
      });
    const [first, second] = [await start(true), await start(false)];
    const runId = nextRunId();
    const requests = Array.from({ length: 10 }, (_, i) => tagRequest(runId, `paced-${runId}-${i}`));
    try {
      const receiptIds = await submitAll(requests);
      // One worker stops mid-train; the other carries on from the same store.
      await expect
        .poll(async () => appliedWrites(await github.admin.requests()).length, { timeout: 60_000 })
        .toBeGreaterThanOrEqual(4);
      await first.stop();
      expect(await results(receiptIds)).toEqual(requests.map(() => 'succeeded'));
    } finally {
      // Stopping the first again (after a failed poll) settles as an error, which is ignored.
      await Promise.allSettled([first.stop(), second.stop()]);
    }
    const log = await github.admin.requests();
    expect(refusals(log)).toEqual([]);
    const writes = log.filter((entry) => entry.method === 'POST');
    expect(writes).toHaveLength(10);
    const gaps = writes.slice(1).map((entry, i) => entry.at - (writes[i]?.at ?? 0));
    // Sandbox (GitHub) ms: the previous write's 300 real ms in flight, then the gap of a second.
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(latencyMs * clockRate + 1000);
  }, 180_000);
});

describe('the primary limit learned from the headers', () => {
  it('looks before its first burst, and slows down before remaining reaches zero, when another client spent 40 % of the same token’s budget', async () => {
    const github = await startCompressedSandbox({
      primaryPerHour: 40,
      secondaryPerMinute: null,
      secondaryPerHour: null,
    });
    // Another client of the same token spends 16 of the 40 before the executor's first request.
    const other = new Octokit({ baseUrl: github.url, auth: github.token });
    for (let i = 0; i < 16; i++)
      await other.request('GET /repos/{owner}/{repo}', { owner: 'omega', repo: 'marketops' });
    const workers = await startBudgetWorkers(suite.harness, {
      github,
      budgets: await openBudgetStore(`file:${await tempDir('budget-primary')}`),
      budgetLimits: { clockRate: K, marginMs: LOAD_MARGIN_MS },
    });
    try {
      const runId = nextRunId();
      // A cold budget assumes 5,000; GET /rate_limit says 24 are left. Thirteen tags need 26
      // requests: more than the window has left above the reserve, so some wait for its reset.
      const requests = Array.from({ length: 13 }, (_, i) => tagRequest(runId, `primary-${runId}-${i}`));
      expect(await results(await submitAll(requests))).toEqual(requests.map(() => 'succeeded'));
    } finally {
      await workers.stop();
    }
    const log = await github.admin.requests();
    expect(refusals(log)).toEqual([]);
    expect(appliedWrites(log)).toHaveLength(13);
    expect(log.some((entry) => entry.route === 'GET /rate_limit')).toBe(true);
    // Some writes did wait for the reset: the last is an hour (GitHub time) after the first request.
    const first = log[0]?.at ?? 0;
    expect(((appliedWrites(log).at(-1)?.at ?? 0) - first) / 60_000).toBeGreaterThanOrEqual(59);
  }, 180_000);
});
