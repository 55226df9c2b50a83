import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunClient } from '../../src/client/run-client.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import { authorizeEveryStep, chainedPlan } from '../support/chained-run.js';
import { superviseWorker, type WorkerSupervisor } from '../support/child-worker.js';
import { type ClusterStack, startClusterStack } from '../support/cluster-stack.js';
import { settle } from '../support/crash-drill.js';
import { judgeDrill, readAuditEntries, type Settled } from '../support/drill-checks.js';
import { marketops } from '../support/processes.js';
import { benchRequests, benchSandboxConfig, effectCount } from '../support/workload.js';

/** Operations over the whole file: the sandbox is seeded with a branch for each pull request among them. */
const OPS = 40;
const requests = benchRequests(`cluster-${Date.now()}`, OPS);
let taken = 0;
/** The next `count` operations, none used before. */
function take(count: number): OperationRequest[] {
  const batch = requests.slice(taken, taken + count);
  taken += count;
  return batch;
}

let stack: ClusterStack;
const workers: Record<'a' | 'b', WorkerSupervisor> = {} as never;
const metricsPorts: Record<'a' | 'b', string> = {} as never;
/** Every operation submitted so far, with its final outcome: each drill judges them all again. */
const settled: Settled[] = [];
const timings: Record<string, number> = {};

/** Two "hosts": own data folders and metrics ports, sharing only PostgreSQL and Temporal. */
async function startWorkers(): Promise<void> {
  for (const name of ['a', 'b'] as const) {
    const host = await stack.host(name);
    metricsPorts[name] = host.MARKETOPS_METRICS_PORT;
    // No pace cap and GitHub's documented limits (the sandbox's are off): the drills test the topology, not pacing.
    workers[name] = superviseWorker(stack, null, { ...host, MARKETOPS_GITHUB_PACING: 'documented-limits' });
  }
  await Promise.all([workers.a.running(), workers.b.running()]);
}

async function submitAndSettle(batch: OperationRequest[], fault: () => Promise<void>): Promise<void> {
  const client = stack.client();
  const submissions = await Promise.all(
    batch.map(async (request) => client.submit({ receipt: await stack.issue(request), request })),
  );
  // The fault lands mid-run: once the first effect is on GitHub, while the rest are in flight.
  const done = async () => {
    const state = await stack.sandbox.admin.state();
    return batch.filter((request) => effectCount(state, request) > 0).length;
  };
  for (let i = 0; i < 600 && (await done()) === 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 50));
  const inFlight = batch.length - (await done());
  await fault();
  expect(inFlight, 'operations still in flight when the fault landed').toBeGreaterThan(0);
  settled.push(...(await settle(stack, submissions, batch)));
}

/** After every drill: no duplicate effect, no lost record, the log verifies (in-process and by the CLI). */
async function expectNothingLostOrDoubled(extraRecords = 0): Promise<void> {
  const audit = await readAuditEntries(stack.store, stack.files.auditKeys);
  const verdict = judgeDrill(settled, await stack.sandbox.admin.state(), audit);
  expect(verdict).toMatchObject({
    withoutOneOutcome: 0,
    outcomes: settled.length ? { succeeded: settled.length } : {},
    succeededWithoutOneEffect: 0,
    unsucceededWithEffect: 0,
    audit: { verified: true, size: settled.length + extraRecords },
    withoutOneRecord: 0,
    recordsContradictingOutcome: 0,
  });
  const cli = await marketops(['audit', 'verify', '--store', stack.store, '--keys', stack.files.auditKeys]);
  expect(cli.code, cli.stdout + cli.stderr).toBe(0);
}

/** The GitHub calls a worker process made since it started, from its metrics endpoint. */
async function githubCalls(name: 'a' | 'b'): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPorts[name]}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('marketops_github_calls'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/** Worker process starts during each drill: a restart the drill did not ask for is a crash it caused. */
const restarts: Record<string, number[]> = {};

const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  const starts = [workers.a?.starts ?? 0, workers.b?.starts ?? 0];
  try {
    return await work();
  } finally {
    timings[name] = Math.round(performance.now() - started);
    restarts[name] = [
      (workers.a?.starts ?? 0) - (starts[0] ?? 0),
      (workers.b?.starts ?? 0) - (starts[1] ?? 0),
    ];
  }
};

/** Steps of the publication run, authorized through the Update; its run record is one more audit record. */
let runRecords = 0;

describe('production topology: the real Temporal server on PostgreSQL, two worker hosts', () => {
  beforeAll(async () => {
    stack = await timed('cluster start', () => startClusterStack(benchSandboxConfig(OPS)));
    for (const [part, ms] of Object.entries(stack.timings))
      timings[`cluster start: ${part}`] = Math.round(ms);
  }, 240_000);

  afterAll(async () => {
    await Promise.allSettled([workers.a?.stop(), workers.b?.stop()]);
    await stack?.stop();
    console.log(`cluster test wall times (ms): ${JSON.stringify(timings)}`);
    console.log(`worker process starts per step [a, b]: ${JSON.stringify(restarts)}`);
  });

  it('starts two workers against an empty database at the same moment', async () => {
    await timed('two workers on an empty database', startWorkers);
    expect([workers.a.starts, workers.b.starts]).toEqual([1, 1]);
    await expectNothingLostOrDoubled();
    // The guide's setup is idempotent: a second run against the live cluster changes nothing and succeeds.
    expect(await stack.temporal.setupNamespace()).toMatch(/namespace default ready/);
  });

  it('runs a publication run end to end, its steps authorized through the Update', async () => {
    await timed('publication run', async () => {
      const batch = take(4);
      const runId = batch[0]?.run_id as string;
      const plan = chainedPlan(runId, batch);
      const runs = new RunClient(stack.env().client);
      await runs.start(plan);
      const answers = await authorizeEveryStep(runs, stack, plan);
      expect(answers.map((answer) => answer.status)).toEqual([
        'accepted',
        'accepted',
        'accepted',
        'accepted',
      ]);
      const timeline = await runs.result(runId);
      expect(timeline.steps.map((step) => step.status)).toEqual(['shipped', 'shipped', 'shipped', 'shipped']);
      settled.push(
        ...timeline.steps.map((step, n) => ({
          receiptId: step.receiptId as string,
          request: batch[n] as OperationRequest,
          outcomes: ['succeeded'],
        })),
      );
      runRecords += 1;
    });
    await expectNothingLostOrDoubled(runRecords);
  });

  it('spreads a release train across both workers', async () => {
    await timed('release train across both workers', () => submitAndSettle(take(12), async () => {}));
    expect(await githubCalls('a')).toBeGreaterThan(0);
    expect(await githubCalls('b')).toBeGreaterThan(0);
    await expectNothingLostOrDoubled(runRecords);
  });

  it('survives a worker SIGKILLed mid-run and restarted', async () => {
    await timed('worker SIGKILLed mid-run', () => submitAndSettle(take(8), () => workers.a.kill()));
    expect(workers.a.starts).toBeGreaterThanOrEqual(2);
    await expectNothingLostOrDoubled(runRecords);
  });

  it('survives the Temporal server process restarted mid-run', async () => {
    await timed('Temporal server restarted mid-run', () =>
      submitAndSettle(take(8), () => stack.restartTemporal()),
    );
    expect(restarts['Temporal server restarted mid-run']).toEqual([0, 0]);
    await expectNothingLostOrDoubled(runRecords);
  });

  it('survives PostgreSQL restarted mid-run', async () => {
    await timed('PostgreSQL restarted mid-run', () =>
      submitAndSettle(take(8), () => stack.postgres.restart()),
    );
    // A PostgreSQL restart closes the pools' idle connections; no worker process may die of it.
    expect(restarts['PostgreSQL restarted mid-run']).toEqual([0, 0]);
    await expectNothingLostOrDoubled(runRecords);
  });
});
