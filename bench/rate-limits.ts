/**
 * GitHub's limits, side by side in one run: the executor (per-identity budgets) with its default
 * pacing (GitHub's best practices) and with the documented-limits burst, plugin-throttling
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
import type { GitHubPacing } from '../src/config/github-pacing.js';
import type { OperationRequest } from '../src/operations/registry.js';
import { type Limits, limitsSchema, type RequestLogEntry } from '../src/sandbox/index.js';
import { analyseLog, earliestSchedule, minimumSeconds } from '../test/support/rate-limit-model.js';
import { benchRequests, benchSandboxConfig, writesOf } from '../test/support/workload.js';
import { appWorkload } from './lib/app-workload.js';
import { type DirectClient, type DirectRun, runDirectLane } from './lib/direct-lane.js';
import { type LaneRun, runExecutorLane } from './lib/executor-lane.js';
import { measureWriteThroughput } from './lib/executor-throughput.js';
import { runKillLane } from './lib/kill-lane.js';
import { compareLightLatency } from './lib/light-latency.js';
import { type SummaryRow, saveChart, saveResult } from './lib/results.js';
import { lineChartSvg, type Series } from './lib/svg.js';

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
// The direct clients' deadline: three times the slower minimum, best practices'.
const deadline = (writes: number, k: number) =>
  (3 * minimumSeconds(writes, 'best-practices') * 1000) / k + 30_000;
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

// 3. The short workloads, one after another, on an otherwise quiet box. The train's minimum is
// a minute or two, so it runs in real time: compressed, the box's own latency would count K times
// over. The executor's default pacing also runs it at ×K, to show that.
console.log(`release train: ${W100} writes, one identity, real time (and ×${K} for the executor)`);
const r100 = benchRequests(`train-${Date.now()}`, OPS_100);
const trainLane = (pacing: GitHubPacing, k: number) =>
  runExecutorLane({
    config: tokenConfig(OPS_100, k),
    requests: r100,
    budgetLimits: { clockRate: k, pacing },
  });
const exec100 = await finished('train-best-practices', () => trainLane('best-practices', 1));
const exec100K = await finished('train-best-practices-compressed', () => trainLane('best-practices', K));
const burst100 = await finished('train-documented-limits', () => trainLane('documented-limits', 1));
const throttled100 = await finished('train-throttling', () => direct('plugin-throttling', r100, 1));
const naive100 = await finished('train-naive', () => direct('naive', r100, 1));

console.log(`3 App installations × ${W200} writes, ×${K_APPS}`);
const apps = appWorkload(3, OPS_200, K_APPS);
const appsExecutorLane = (pacing: GitHubPacing) =>
  runExecutorLane({
    config: apps.config,
    requests: apps.inTurn,
    budgetLimits: { clockRate: K_APPS, pacing },
    auth: apps.executorAuth,
  });
const execApps = await finished('apps-best-practices', () => appsExecutorLane('best-practices'));
const burstApps = await finished('apps-documented-limits', () => appsExecutorLane('documented-limits'));

console.log(`worker SIGKILLed mid-train (real time: the CLI worker has no compression)`);
const rKill = benchRequests(`kill-${Date.now()}`, OPS_100);
const kill = await finished('kill', () =>
  runKillLane(tokenConfig(OPS_100, 1), rKill, Math.round(0.4 * W100)),
);

// 4. The long lanes (an hour of GitHub time each) overlap, but no burst coincides with the
// executor's first hour: the executor's default pacing starts alone; once it has sent its first
// 500 writes and waits for the hour, the documented-limits burst starts; once that has sent its
// 500, the others start.
const r600 = benchRequests(`w600-${Date.now()}`, OPS_600);
/** The executor on 600 writes; resolves `firstHour` once it has sent 500 (or ended). */
function executor600(pacing: GitHubPacing) {
  let firstHourDone: () => void = () => {};
  const firstHour = new Promise<void>((resolve) => {
    firstHourDone = resolve;
  });
  const run = finished(`w600-${pacing}`, () =>
    runExecutorLane({
      config: tokenConfig(OPS_600, K),
      requests: r600,
      budgetLimits: { clockRate: K, pacing },
      during: async (stack) => {
        while (appliedWrites(await stack.sandbox.admin.requests()) < Math.min(500, W600)) await sleep(2000);
        firstHourDone();
      },
    }),
  );
  // A stored 600-write lane ends at once: nothing to wait for.
  return { run, firstHour: Promise.race([firstHour, run]) };
}
console.log(`${W600} writes, one identity, ×${K}: best practices, then the documented-limits burst`);
const exec600 = executor600('best-practices');
await exec600.firstHour;
const burst600 = executor600('documented-limits');
await burst600.firstHour;

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
const [e600, b600, t600, n600, tApps, nApps, eOther] = await Promise.all([
  exec600.run,
  burst600.run,
  throttled600,
  naive600,
  throttledApps,
  naiveApps,
  execOther,
]);

// 5. The table. Each executor lane is measured against its pacing's minimum; plugin-throttling
// and the naive client against best practices', the default's.
const minutes = (s: number) => `${(s / 60).toFixed(2)} min`;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const refusals = (log: RequestLogEntry[]) => log.filter((e) => e.status === 403 || e.status === 429).length;
const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
type Run = LaneRun | DirectRun;

const eff = (run: Run, writes: number, pacing: GitHubPacing, identity?: string) =>
  minimumSeconds(writes, pacing) / Math.max(analyseLog(run.log, identity).spanSeconds, 1e-9);
const closest = (run: Run, identity?: string) =>
  analyseLog(run.log, identity).closestWritesSeconds ?? Infinity;
function rowOf(label: string, run: Run, writes: number, pacing: GitHubPacing, identity?: string): SummaryRow {
  const analysis = analyseLog(run.log, identity);
  const extra = 'outcomes' in run ? JSON.stringify(run.outcomes) : `${run.lost} not done`;
  return [
    label,
    `${minutes(analysis.spanSeconds)} (${pct(eff(run, writes, pacing, identity))} of the ${pacing} minimum ${minutes(minimumSeconds(writes, pacing))}), ${analysis.refused} refusals, ${analysis.appliedWrites} writes, closest two writes ${closest(run, identity).toFixed(2)} s, ${extra}, ${(run.wallMs / 1000).toFixed(0)} s real`,
  ];
}
/** The default pacing's goal row: efficiency, refusals and the closest two writes of one identity. */
function goalRow(label: string, run: Run, writes: number, goal: number): SummaryRow {
  const efficiency = eff(run, writes, 'best-practices');
  const gap = closest(run);
  return [
    `${label}: efficiency / refusals / closest two writes`,
    `${pct(efficiency)} / ${refusals(run.log)} / ${gap.toFixed(2)} s`,
    `≥ ${pct(goal)} / 0 / ≥ 1 s: ${verdict(efficiency >= goal && refusals(run.log) === 0 && gap >= 1)}`,
  ];
}

const appsSpan = (run: Run) => analyseLog(run.log).spanSeconds;
const together = (run: Run, pacing: GitHubPacing) => (3 * minimumSeconds(W200, pacing)) / appsSpan(run);
const appEff = apps.identities.map((id) => eff(execApps, W200, 'best-practices', id));
// When each installation sent its first request, from the first of all: the start's spread.
const firstRequests = (run: Run, identities: string[]) => {
  const start = run.log[0]?.at ?? 0;
  return identities.map((id) => ((run.log.find((e) => e.identity === id)?.at ?? start) - start) / 1000);
};
const appsSkew = Math.max(...firstRequests(execApps, apps.identities));
/** A client on three installations at once: each installation's completion against its own minimum. */
function appsRow(label: string, run: Run, identities: string[], pacing: GitHubPacing): SummaryRow {
  const minimum = minimumSeconds(W200, pacing);
  const each = identities.map((id) => analyseLog(run.log, id));
  return [
    label,
    `${each.map((a) => `${minutes(a.spanSeconds)} (${pct(minimum / Math.max(a.spanSeconds, 1e-9))})`).join(', ')} against the ${pacing} minimum ${minutes(minimum)} each; ${refusals(run.log)} refusals, ${each.reduce((sum, a) => sum + a.appliedWrites, 0)} writes for ${3 * W200}, closest two writes of one installation ${closest(run).toFixed(2)} s, together ${together(run, pacing).toFixed(2)}× one identity, ${(run.wallMs / 1000).toFixed(0)} s real`,
  ];
}
const directApps = (first: number) => [0, 1, 2].map((i) => `installation:${first + i}`);
const killRefusalsAfter = kill.log.filter(
  (e) => e.at > kill.killedAt && (e.status === 403 || e.status === 429),
).length;
// The other client's requests are the only GET /repos/{owner}/{repo}: the executor never sends it.
const otherLog = eOther.log.filter((e) => e.route === 'GET /repos/{owner}/{repo}');
const other = { sent: otherLog.length, refused: refusals(otherLog) };
const otherRefusals = refusals(eOther.log) - other.refused;
const latencyGoal = light.current.latency.p50Ms <= 120;
const appsGap = closest(execApps);

const summary: SummaryRow[] = [
  ['Box throughput (executor, limits off, 150 ops at 50 in flight)', `${throughput.toFixed(1)} writes/s`],
  [
    'Compression',
    `×1 for the train and the SIGKILL drill; ×${K} one identity (80/min → ${(K * PER_MINUTE).toFixed(1)} writes/s real ≤ ${ceiling.toFixed(1)}); ×${K_APPS} three installations (${(3 * K_APPS * PER_MINUTE).toFixed(1)} writes/s)`,
  ],
  rowOf(`Train ${W100} writes — executor, best practices (default)`, exec100, W100, 'best-practices'),
  goalRow('Train, best practices', exec100, W100, 0.95),
  rowOf(`Train ${W100} writes — executor, best practices at ×${K}`, exec100K, W100, 'best-practices'),
  rowOf(`Train ${W100} writes — executor, documented limits (opt-in)`, burst100, W100, 'documented-limits'),
  rowOf(`Train ${W100} writes — plugin-throttling`, throttled100, W100, 'best-practices'),
  rowOf(`Train ${W100} writes — naive`, naive100, W100, 'best-practices'),
  rowOf(`${W600} writes — executor, best practices (default)`, e600, W600, 'best-practices'),
  goalRow(`${W600} writes, best practices`, e600, W600, 0.97),
  rowOf(`${W600} writes — executor, documented limits (opt-in)`, b600, W600, 'documented-limits'),
  rowOf(`${W600} writes — plugin-throttling`, t600, W600, 'best-practices'),
  rowOf(`${W600} writes — naive`, n600, W600, 'best-practices'),
  appsRow(
    '3 installations — executor, best practices (default)',
    execApps,
    apps.identities,
    'best-practices',
  ),
  [
    '3 installations, best practices: each / refusals / closest two writes of one installation',
    `${appEff.map(pct).join(', ')} / ${refusals(execApps.log)} / ${appsGap.toFixed(2)} s (first requests ${appsSkew.toFixed(1)} s apart at most)`,
    `each ≥ 95 % / 0 / ≥ 1 s: ${verdict(appEff.every((e) => e >= 0.95) && refusals(execApps.log) === 0 && appsGap >= 1)}`,
  ],
  appsRow(
    '3 installations — executor, documented limits (opt-in)',
    burstApps,
    apps.identities,
    'documented-limits',
  ),
  appsRow('3 installations — plugin-throttling', tApps, directApps(2001), 'best-practices'),
  appsRow('3 installations — naive', nApps, directApps(3001), 'best-practices'),
  [
    'Another client spends 40 % of the primary limit (300/h) — executor, best practices',
    `${otherRefusals} refusals; other client ${other.sent} requests, ${other.refused} refused; ${JSON.stringify(eOther.outcomes)}; last write ${minutes(analyseLog(eOther.log).spanSeconds)}`,
    `0 primary refusals: ${verdict(otherRefusals === 0)}`,
  ],
  [
    `Worker SIGKILLed after ${Math.round(0.4 * W100)} writes, restarted (×1, best practices)`,
    `${killRefusalsAfter} refusals after the kill, ${kill.duplicates} duplicates, ${JSON.stringify(kill.outcomes)}, ${appliedWrites(kill.log)} writes, ${kill.workerStarts} worker starts, closest two writes ${closest(kill).toFixed(2)} s, ${minutes(analyseLog(kill.log).spanSeconds)}`,
    `0 / 0: ${verdict(killRefusalsAfter === 0 && kill.duplicates === 0)}`,
  ],
  [
    `p50 submit→result, light load: this code / ${light.previous.commit}`,
    `${light.current.latency.p50Ms} ms (p95 ${light.current.latency.p95Ms}) / ${light.previous.latency.p50Ms} ms (p95 ${light.previous.latency.p95Ms})`,
    `≤ 120 ms: ${verdict(latencyGoal)}`,
  ],
];

/** The fastest schedules the windows allow, under each pacing, as dashed lines. */
const bounds = (writes: number): Series[] =>
  (['best-practices', 'documented-limits'] as const).map((pacing) => ({
    name: `fastest ${pacing} allows`,
    points: earliestSchedule(writes, pacing).map((t, i): [number, number] => [t / 60, i + 1]),
    dashed: true,
  }));
const writesChart = (file: string, title: string, series: Series[], writes: number) =>
  saveChart(
    file,
    lineChartSvg({
      title,
      xLabel: 'GitHub (sandbox) minutes since the first request',
      yLabel: 'writes accepted',
      series: [...series, ...bounds(writes)],
    }),
  );
/** The four clients' accepted writes over GitHub time, one series each. */
const sideBySide = (...runs: [LaneRun, LaneRun, DirectRun, DirectRun]): Series[] =>
  (['executor, best practices', 'executor, documented limits', 'plugin-throttling', 'naive'] as const).map(
    (name, i) => ({ name, points: analyseLog((runs[i] as Run).log).writesOverTime }),
  );
const charts = [
  await writesChart(
    'rate-limits-train.svg',
    `Release train, ${W100} writes, one identity (real time)`,
    sideBySide(exec100, burst100, throttled100, naive100),
    W100,
  ),
  await writesChart(
    'rate-limits-writes.svg',
    `${W600} writes, one identity (×${K})`,
    sideBySide(e600, b600, t600, n600),
    W600,
  ),
  await writesChart(
    'rate-limits-apps.svg',
    `3 App installations × ${W200} writes, executor with best practices (×${K_APPS})`,
    apps.identities.map((id) => ({ name: id, points: analyseLog(execApps.log, id).writesOverTime })),
    W200,
  ),
];

const brief = (run: Run, identity?: string) => {
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
    "Completion is GitHub (sandbox) time from an identity's first request to its last accepted write; the minimum is the earliest schedule from an idle start: under best practices (the default) t(1) = 0, t(n) = max(t(n−1) + 1 s, t(n−80) + 60 s, t(n−500) + 3600 s); under the documented-limits burst the same without the second between two writes (docs/benchmarks.md). The closest two writes are the shortest time between two consecutive POST, PATCH, PUT or DELETE requests of one identity as the sandbox received them.",
    "Sandbox limits are GitHub's documented ones (5000/h primary, installations by GitHub's rule, 80/min and 500/h content-creating, 900 points/min, 100 concurrent) except the other-client workload's primary limit, 300/h.",
    "The executor's budget runs on the sandbox clock (budgetLimits.clockRate = K); its refusal waits (retry-after, reset) are durable timers in real time, not divided by K: each refusal costs K× its wait in GitHub time.",
    'plugin-throttling 11.0.5 with its defaults (one write at a time, minTime 1000 ms; releases and pull requests also through its notification group, minTime 3000 ms; one group of each per process; retry-after × retryAfterBaseValue), all divided by K; both handlers retry. Its primary-limit wait compares x-ratelimit-reset with the real clock, so it would over-wait under compression (no primary refusals occur here).',
    'The short workloads run first, one after another, on an otherwise quiet box. The long lanes overlap: the executor with best practices starts alone; once it has sent its first 500 of 600 writes and waits for the hour, the executor with the documented-limits burst starts; once that has sent its 500, the other client, plugin-throttling and the naive client on 600 writes and on 3 installations start.',
  ],
  data: {
    throughputWritesPerSecond: throughput,
    compression: K,
    compressionApps: K_APPS,
    light,
    train: {
      bestPractices: brief(exec100),
      bestPracticesCompressed: brief(exec100K),
      documentedLimits: brief(burst100),
      throttling: brief(throttled100),
      naive: brief(naive100),
    },
    w600: {
      bestPractices: brief(e600),
      documentedLimits: brief(b600),
      throttling: brief(t600),
      naive: brief(n600),
    },
    apps: {
      bestPractices: Object.fromEntries(apps.identities.map((id) => [id, brief(execApps, id)])),
      bestPracticesTogether: together(execApps, 'best-practices'),
      documentedLimits: Object.fromEntries(apps.identities.map((id) => [id, brief(burstApps, id)])),
      documentedLimitsTogether: together(burstApps, 'documented-limits'),
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
