/**
 * GitHub's limits, side by side in one run: the executor (per-identity budgets), plugin-throttling
 * with its documented defaults and the naive prototype, on fresh sandboxes enforcing GitHub's
 * documented limits with their clock K× faster; plus p50 light-load latency against the commit
 * before budgets. See docs/benchmarks.md. Run: npm run bench:rate-limits [-- --compression 4]
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import type { OperationRequest } from '../src/receipts/index.js';
import { type Limits, limitsSchema, type RequestLogEntry } from '../src/sandbox/index.js';
import { appWorkload } from './lib/app-workload.js';
import { type DirectClient, type DirectRun, runDirectLane } from './lib/direct-lane.js';
import { type LaneRun, runExecutorLane } from './lib/executor-lane.js';
import { measureWriteThroughput } from './lib/executor-throughput.js';
import { runKillLane } from './lib/kill-lane.js';
import { compareLightLatency } from './lib/light-latency.js';
import { analyseLog, earliestSchedule, minimumSeconds } from './lib/rate-limit-model.js';
import { type SummaryRow, saveChart, saveResult } from './lib/results.js';
import { lineChartSvg, type Series } from './lib/svg.js';
import { benchRequests, benchSandboxConfig, writesOf } from './lib/workload.js';

const { values } = parseArgs({
  options: { compression: { type: 'string' }, scale: { type: 'string' }, from: { type: 'string' } },
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dataDir = await mkdtemp(join(tmpdir(), 'marketops-rl-'));
const writesIn = (requests: OperationRequest[]) => requests.reduce((sum, r) => sum + writesOf(r), 0);
const PER_MINUTE = 80 / 60;
// `--scale 0.1` shrinks every workload (a smoke run of the whole script); the mix has 5 writes
// per 4 operations, so 80 operations are 100 writes.
const SCALE = Number(values.scale ?? 1);
const opsFor = (writes: number) => Math.max(4, 4 * Math.round((writes * 0.8 * SCALE) / 4));
const OPS_100 = opsFor(100);
const OPS_200 = opsFor(200);
const OPS_600 = opsFor(600);
const W100 = writesIn(benchRequests('n', OPS_100));
const W200 = writesIn(benchRequests('n', OPS_200));
const W600 = writesIn(benchRequests('n', OPS_600));

// Each lane's outcome is kept as it ends, so a run cut short still leaves its numbers; `--from
// lanes.json.gz` (gzip it first) renders the table and charts again without running anything.
const progressFile = join(dataDir, 'lanes.json');
const stored: Record<string, unknown> = values.from
  ? JSON.parse(gunzipSync(await readFile(values.from)).toString('utf8'))
  : {};
const progress: Record<string, unknown> = {};
async function finished<T>(lane: string, run: () => Promise<T>): Promise<T> {
  const value = lane in stored ? (stored[lane] as T) : await run();
  progress[lane] = value;
  await writeFile(progressFile, JSON.stringify(progress));
  console.log(`${new Date().toISOString()} ${lane} done (raw results so far: ${progressFile})`);
  return value;
}

// 1. p50 at light load, this code and the commit before budgets, on a quiet box.
const budgetCommit = execFileSync('git', [
  'log',
  '--format=%h',
  '-S',
  'github-budgets',
  '--',
  'src/workflows/github-steps.ts',
])
  .toString()
  .trim()
  .split('\n')
  .at(-1);
const previousCommit = `${budgetCommit}~1`;
console.log(`light load: this code vs ${previousCommit}`);
const light = await finished('light', () =>
  compareLightLatency({
    previousCommit,
    worktreeDir: join(dataDir, 'previous'),
    warmUp: 5,
    rounds: 5,
    perRound: 10,
  }),
);

// 2. Throughput on this box, then the compression: the fastest real write rate a workload's
// windows allow (80/min per identity) stays at or below a third of it.
const throughput = await finished('throughput', () => measureWriteThroughput(150, 50));
const ceiling = throughput / 3;
const K = Number(values.compression ?? Math.max(1, Math.floor(ceiling / PER_MINUTE)));
const K_APPS = Math.max(0.5, Math.floor((ceiling / (3 * PER_MINUTE)) * 2) / 2);
console.log(
  `throughput ${throughput.toFixed(1)} writes/s; compression ×${K} (×${K_APPS} for 3 installations)`,
);

const realLimits = (extra: Partial<Limits> = {}) => limitsSchema.parse({ ...extra });
const tokenConfig = (ops: number, k: number, limits: Limits = realLimits()) =>
  benchSandboxConfig(ops, limits, k);
const tokenOctokit = (url: string, token: string) => ({ baseUrl: url, auth: token });
const deadline = (writes: number, k: number) => (3 * minimumSeconds(writes) * 1000) / k + 30_000;
const direct = (client: DirectClient, requests: OperationRequest[], k: number) =>
  runDirectLane({
    client,
    config: tokenConfig(requests.length, k),
    dataDir,
    groups: [{ octokit: tokenOctokit, requests }],
    compression: k,
    deadlineMs: deadline(writesIn(requests), k),
  });
const appliedWrites = (log: RequestLogEntry[]) => log.filter((e) => e.contentCreating && e.applied).length;

// 3. The short workloads, one after another, on an otherwise quiet box. The train's minimum is a
// minute, so it runs in real time: compressed, the box's own latency (the burst of 80 takes
// seconds to send) would count K times over. The executor also runs it at ×K, to show that.
console.log(`release train: ${W100} writes, one identity, real time (and ×${K} for the executor)`);
const r100 = benchRequests(`train-${Date.now()}`, OPS_100);
const trainLane = (k: number) =>
  runExecutorLane({ config: tokenConfig(OPS_100, k), requests: r100, budgetLimits: { clockRate: k } });
const exec100 = await finished('train-executor', () => trainLane(1));
const exec100K = await finished('train-executor-compressed', () => trainLane(K));
const throttled100 = await finished('train-throttling', () => direct('plugin-throttling', r100, 1));
const naive100 = await finished('train-naive', () => direct('naive', r100, 1));

console.log(`3 App installations × ${W200} writes, ×${K_APPS}`);
const apps = appWorkload(3, OPS_200, K_APPS);
const execApps = await finished('apps-executor', () =>
  runExecutorLane({
    config: apps.config,
    requests: apps.inTurn,
    budgetLimits: { clockRate: K_APPS },
    auth: apps.executorAuth,
  }),
);

console.log(`worker SIGKILLed mid-train (real time: the CLI worker has no compression)`);
const rKill = benchRequests(`kill-${Date.now()}`, OPS_100);
const kill = await finished('kill', () =>
  runKillLane(tokenConfig(OPS_100, 1), rKill, Math.round(0.4 * W100)),
);

// 4. The long lanes (an hour of GitHub time each) overlap, but no burst coincides with the
// executor's: the others start once it has sent its first 500 writes and waits for the hour.
const r600 = benchRequests(`w600-${Date.now()}`, OPS_600);
let firstHourDone: () => void = () => {};
const burstsDone = new Promise<void>((resolve) => {
  firstHourDone = resolve;
});
console.log(`${W600} writes, one identity, ×${K}`);
const exec600 = finished('w600-executor', () =>
  runExecutorLane({
    config: tokenConfig(OPS_600, K),
    requests: r600,
    budgetLimits: { clockRate: K },
    during: async (stack) => {
      while (appliedWrites(await stack.sandbox.admin.requests()) < Math.min(500, W600)) await sleep(2000);
      firstHourDone();
    },
  }),
);
// A stored 600-write lane ends at once: nothing to wait for.
await Promise.race([burstsDone, exec600]);

// Another client spends 40 % of the token's primary limit (scaled to 300/h so the train needs
// more than what is left) while a 100-write train runs: the executor must wait for the reset.
const PRIMARY = 300;
const OTHER = 0.4 * PRIMARY;
console.log('another client spends 40 % of the primary limit meanwhile');
const rOther = benchRequests(`other-${Date.now()}`, OPS_100);
const execOther = finished('other-executor', () =>
  runExecutorLane({
    config: tokenConfig(OPS_100, K, realLimits({ primaryPerHour: PRIMARY })),
    requests: rOther,
    budgetLimits: { clockRate: K, primaryPerHour: PRIMARY },
    during: async (stack) => {
      for (let i = 0; i < OTHER; i++) {
        const response = await fetch(`${stack.sandbox.url}/repos/bench/site`, {
          headers: { authorization: `token ${stack.sandbox.token}` },
        });
        await response.arrayBuffer();
        await sleep(60_000 / OTHER / K);
      }
    },
  }),
);
const throttled600 = finished('w600-throttling', () => direct('plugin-throttling', r600, K));
const naive600 = finished('w600-naive', () => direct('naive', r600, K));
const appsLane = (client: DirectClient, firstInstallationId: number) => {
  const workload = appWorkload(3, OPS_200, K_APPS, firstInstallationId);
  return runDirectLane({
    client,
    config: workload.config,
    dataDir,
    groups: workload.requests.map((requests, i) => ({ octokit: workload.octokit(i), requests })),
    compression: K_APPS,
    deadlineMs: deadline(3 * W200, K_APPS),
  });
};
const throttledApps = finished('apps-throttling', () => appsLane('plugin-throttling', 2001));
const naiveApps = finished('apps-naive', () => appsLane('naive', 3001));

console.log('waiting for the long lanes');
const [e600, t600, n600, tApps, nApps, eOther] = await Promise.all([
  exec600,
  throttled600,
  naive600,
  throttledApps,
  naiveApps,
  execOther,
]);

// 5. The table.
const minutes = (s: number) => `${(s / 60).toFixed(2)} min`;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const refusals = (log: RequestLogEntry[]) => log.filter((e) => e.status === 403 || e.status === 429).length;
const verdict = (ok: boolean) => (ok ? 'met' : 'missed');

function rowOf(label: string, run: LaneRun | DirectRun, writes: number, identity?: string): SummaryRow {
  const analysis = analyseLog(run.log, identity);
  const efficiency = minimumSeconds(writes) / Math.max(analysis.spanSeconds, 1e-9);
  const extra = 'outcomes' in run ? JSON.stringify(run.outcomes) : `${run.lost} not done`;
  return [
    label,
    `${minutes(analysis.spanSeconds)} (${pct(efficiency)} of the minimum ${minutes(minimumSeconds(writes))}), ${analysis.refused} refusals, ${analysis.appliedWrites} writes, ${extra}, ${(run.wallMs / 1000).toFixed(0)} s real`,
  ];
}
const eff = (run: LaneRun | DirectRun, writes: number, identity?: string) =>
  minimumSeconds(writes) / Math.max(analyseLog(run.log, identity).spanSeconds, 1e-9);

const appEff = apps.identities.map((id) => eff(execApps, W200, id));
const appsSpan = analyseLog(execApps.log).spanSeconds;
const together = (3 * minimumSeconds(W200)) / appsSpan;
// When each installation sent its first request, from the first of all: the start's spread.
const firstRequests = (run: LaneRun | DirectRun, identities: string[]) => {
  const start = run.log[0]?.at ?? 0;
  return identities.map((id) => ((run.log.find((e) => e.identity === id)?.at ?? start) - start) / 1000);
};
const appsSkew = Math.max(...firstRequests(execApps, apps.identities));
/** A client on three installations at once: each installation's completion against its own minimum. */
function appsRow(label: string, run: LaneRun | DirectRun, firstInstallationId: number): SummaryRow {
  const identities = [0, 1, 2].map((i) => `installation:${firstInstallationId + i}`);
  const each = identities.map((id) => analyseLog(run.log, id));
  return [
    label,
    `${each.map((a) => `${minutes(a.spanSeconds)} (${pct(minimumSeconds(W200) / Math.max(a.spanSeconds, 1e-9))})`).join(', ')} against ${minutes(minimumSeconds(W200))} each; ${refusals(run.log)} refusals, ${each.reduce((sum, a) => sum + a.appliedWrites, 0)} writes for ${3 * W200}, ${(run.wallMs / 1000).toFixed(0)} s real`,
  ];
}
const killRefusalsAfter = kill.log.filter(
  (e) => e.at > kill.killedAt && (e.status === 403 || e.status === 429),
).length;
// The other client's requests are the only GET /repos/{owner}/{repo}: the executor never sends it.
const otherLog = eOther.log.filter((e) => e.route === 'GET /repos/{owner}/{repo}');
const other = { sent: otherLog.length, refused: refusals(otherLog) };
const otherRefusals = refusals(eOther.log) - other.refused;
const latencyGoal = light.current.latency.p50Ms <= 120;

const summary: SummaryRow[] = [
  ['Box throughput (executor, limits off, 150 ops at 50 in flight)', `${throughput.toFixed(1)} writes/s`],
  [
    'Compression',
    `×1 for the train and the SIGKILL drill; ×${K} one identity (80/min → ${(K * PER_MINUTE).toFixed(1)} writes/s real ≤ ${ceiling.toFixed(1)}); ×${K_APPS} three installations (${(3 * K_APPS * PER_MINUTE).toFixed(1)} writes/s)`,
  ],
  rowOf(`Train ${W100} writes — executor`, exec100, W100),
  [
    'Train: efficiency / refusals',
    `${pct(eff(exec100, W100))} / ${refusals(exec100.log)}`,
    `≥ 90 % / 0: ${verdict(eff(exec100, W100) >= 0.9 && refusals(exec100.log) === 0)}`,
  ],
  rowOf(`Train ${W100} writes — executor at ×${K}`, exec100K, W100),
  rowOf(`Train ${W100} writes — plugin-throttling`, throttled100, W100),
  rowOf(`Train ${W100} writes — naive`, naive100, W100),
  rowOf(`${W600} writes — executor`, e600, W600),
  [
    `${W600}: efficiency / refusals`,
    `${pct(eff(e600, W600))} / ${refusals(e600.log)}`,
    `≥ 95 % / 0: ${verdict(eff(e600, W600) >= 0.95 && refusals(e600.log) === 0)}`,
  ],
  rowOf(`${W600} writes — plugin-throttling`, t600, W600),
  rowOf(`${W600} writes — naive`, n600, W600),
  ...apps.identities.map((id) => rowOf(`3 installations — executor, ${id}`, execApps, W200, id)),
  [
    '3 installations: each / together',
    `${appEff.map(pct).join(', ')} / ${together.toFixed(2)}× one identity (first requests ${appsSkew.toFixed(1)} s apart at most)`,
    `each ≥ 90 %, ≥ 2.7×: ${verdict(appEff.every((e) => e >= 0.9) && together >= 2.7)}`,
  ],
  appsRow('3 installations — plugin-throttling', tApps, 2001),
  appsRow('3 installations — naive', nApps, 3001),
  [
    'Another client spends 40 % of the primary limit (300/h) — executor',
    `${otherRefusals} refusals; other client ${other.sent} requests, ${other.refused} refused; ${JSON.stringify(eOther.outcomes)}; last write ${minutes(analyseLog(eOther.log).spanSeconds)}`,
    `0 primary refusals: ${verdict(otherRefusals === 0)}`,
  ],
  [
    `Worker SIGKILLed after ${Math.round(0.4 * W100)} writes, restarted (×1)`,
    `${killRefusalsAfter} refusals after the kill, ${kill.duplicates} duplicates, ${JSON.stringify(kill.outcomes)}, ${appliedWrites(kill.log)} writes, ${kill.workerStarts} worker starts, ${minutes(analyseLog(kill.log).spanSeconds)}`,
    `0 / 0: ${verdict(killRefusalsAfter === 0 && kill.duplicates === 0)}`,
  ],
  [
    `p50 submit→result, light load: this code / ${light.previous.commit}`,
    `${light.current.latency.p50Ms} ms (p95 ${light.current.latency.p95Ms}) / ${light.previous.latency.p50Ms} ms (p95 ${light.previous.latency.p95Ms})`,
    `≤ 120 ms: ${verdict(latencyGoal)}`,
  ],
];

const bound = (writes: number) => earliestSchedule(writes).map((t, i): [number, number] => [t / 60, i + 1]);
const writesChart = (file: string, title: string, series: Series[], writes: number) =>
  saveChart(
    file,
    lineChartSvg({
      title,
      xLabel: 'GitHub (sandbox) minutes since the first request',
      yLabel: 'writes accepted',
      series: [...series, { name: 'fastest the limits allow', points: bound(writes), dashed: true }],
    }),
  );
/** The three clients' accepted writes over GitHub time, one series each. */
const sideBySide = (...runs: [LaneRun, DirectRun, DirectRun]): Series[] =>
  (['executor', 'plugin-throttling', 'naive'] as const).map((name, i) => ({
    name,
    points: analyseLog((runs[i] as LaneRun | DirectRun).log).writesOverTime,
  }));
const charts = [
  await writesChart(
    'rate-limits-train.svg',
    `Release train, ${W100} writes, one identity (real time)`,
    sideBySide(exec100, throttled100, naive100),
    W100,
  ),
  await writesChart(
    'rate-limits-writes.svg',
    `${W600} writes, one identity (×${K})`,
    sideBySide(e600, t600, n600),
    W600,
  ),
  await writesChart(
    'rate-limits-apps.svg',
    `3 App installations × ${W200} writes, executor (×${K_APPS})`,
    apps.identities.map((id) => ({ name: id, points: analyseLog(execApps.log, id).writesOverTime })),
    W200,
  ),
];

const brief = (run: LaneRun | DirectRun, identity?: string) => {
  const { writesOverTime, refusalsOverTime, ...rest } = analyseLog(run.log, identity);
  return {
    ...rest,
    wallMs: run.wallMs,
    ...('outcomes' in run
      ? { outcomes: run.outcomes, duplicates: run.duplicates }
      : { lost: run.lost, throttle: run.throttle }),
  };
};
await saveResult({
  name: 'rate-limits',
  title: `GitHub's limits side by side (clock ×${K}, ×${K_APPS} for three installations)`,
  summary,
  charts,
  notes: [
    ...(values.from
      ? [`Rendered again from the raw lanes of an earlier run (${basename(values.from)}), not measured anew.`]
      : []),
    "Completion is GitHub (sandbox) time from an identity's first request to its last accepted write; the minimum is the earliest schedule the documented windows allow from an idle start: t(1) = 0, t(n) = max(t(n−1), t(n−80) + 60 s, t(n−500) + 3600 s) (docs/benchmarks.md).",
    "Sandbox limits are GitHub's documented ones (5000/h primary, installations by GitHub's rule, 80/min and 500/h content-creating, 900 points/min, 100 concurrent) except the other-client workload's primary limit, 300/h.",
    "The executor's budget runs on the sandbox clock (budgetLimits.clockRate = K); its refusal waits (retry-after, reset) are durable timers in real time, not divided by K: each refusal costs K× its wait in GitHub time.",
    'plugin-throttling 11.0.5 with its defaults (one write at a time, minTime 1000 ms; releases and pull requests also through its notification group, minTime 3000 ms; one group of each per process; retry-after × retryAfterBaseValue), all divided by K; both handlers retry. Its primary-limit wait compares x-ratelimit-reset with the real clock, so it would over-wait under compression (no primary refusals occur here).',
    'The short workloads run first, one after another, on an otherwise quiet box. The long lanes overlap: the other client, plugin-throttling and the naive client on 600 writes and on 3 installations start once the executor has sent its first 500 of 600 writes and waits for the hour.',
  ],
  data: {
    throughputWritesPerSecond: throughput,
    compression: K,
    compressionApps: K_APPS,
    light,
    train: {
      executor: brief(exec100),
      executorCompressed: brief(exec100K),
      throttling: brief(throttled100),
      naive: brief(naive100),
    },
    w600: { executor: brief(e600), throttling: brief(t600), naive: brief(n600) },
    apps: {
      executor: Object.fromEntries(apps.identities.map((id) => [id, brief(execApps, id)])),
      together,
      throttling: brief(tApps),
      naive: brief(nApps),
    },
    otherClient: { executor: brief(eOther), other, executorRefusals: otherRefusals },
    kill: {
      ...brief(kill),
      killedAt: kill.killedAt,
      refusalsAfterKill: killRefusalsAfter,
      workerStarts: kill.workerStarts,
    },
  },
});
console.log(summary.map((row) => row.join(' | ')).join('\n'));
process.exit(0);
