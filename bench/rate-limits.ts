/**
 * Rate-limit efficiency: more writes than GitHub's secondary limits allow (80/min, 500/h),
 * on a sandbox whose clock runs `--compression` times faster than wall time. The executor
 * (task-queue pacing plus durable rate-limit waits) and the naive prototype approach run
 * side by side on fresh sandboxes.
 * Run: npx tsx bench/rate-limits.ts [--ops 480] [--compression 120] [--rate 0.13]
 */
import { parseArgs } from 'node:util';
import { Octokit } from '@octokit/rest';
import { limitsSchema } from '../src/sandbox/index.js';
import { startInProcessWorkers } from './lib/in-process-workers.js';
import { naiveDeadline, runNaive } from './lib/naive-executor.js';
import { analyseLog, earliestSchedule, type LogAnalysis, SECONDARY } from './lib/rate-limit-model.js';
import { saveChart, saveResult } from './lib/results.js';
import { startSandboxProcess } from './lib/sandbox-process.js';
import { startBenchStack } from './lib/stack.js';
import { mapPool, tally } from './lib/stats.js';
import { lineChartSvg } from './lib/svg.js';
import { installMetricsRuntime } from './lib/temporal-metrics.js';
import { benchRequests, benchSandboxConfig, writesOf } from './lib/workload.js';

const { values } = parseArgs({
  options: {
    ops: { type: 'string', default: '480' },
    compression: { type: 'string', default: '120' },
    rate: { type: 'string', default: '0.13' },
  },
});
const OPS = Number(values.ops);
const K = Number(values.compression);
/** Writes per second in GitHub time: the executor's MARKETOPS_GITHUB_WRITES_PER_SECOND. */
const RATE = Number(values.rate);

const requests = benchRequests(`rl-${Date.now()}`, OPS);
const writes = requests.reduce((sum, request) => sum + writesOf(request), 0);
const config = benchSandboxConfig(OPS, limitsSchema.parse({}), K);
const minimumSeconds = earliestSchedule(writes).at(-1) as number;
const sustainedSeconds = ((writes - 1) * 3600) / SECONDARY.perHour;
console.log(`${OPS} ops = ${writes} writes; minimum ${minimumSeconds} s GitHub time; compression ${K}`);

await installMetricsRuntime();
const stack = await startBenchStack(config);
const workers = await startInProcessWorkers(stack, RATE * K);
const receipts = await Promise.all(requests.map((request) => stack.issue(request)));
const started = performance.now();
const submissions = await mapPool(requests, 50, (request, i) =>
  stack.client().submit({ receipt: receipts[i] as string, request }),
);
const outcomes = await mapPool(submissions, OPS, async (submission) =>
  submission.status === 'started'
    ? (await stack.client().result(submission.receiptId)).status
    : submission.status,
);
const executorWallMs = performance.now() - started;
const executorLog = analyseLog(await stack.sandbox.admin.requests());
await workers.stop();
await stack.stop();

console.log('naive: in-process exponential backoff, no pacing, fresh sandbox');
const sandbox = await startSandboxProcess(config, stack.dataDir);
const octokit = new Octokit({ baseUrl: sandbox.url, auth: sandbox.token });
const naiveStarted = performance.now();
const options = { timeCompression: K, deadlineMs: naiveDeadline(minimumSeconds, K) };
const naive = await mapPool(requests, OPS, (request) => runNaive(octokit, request, options, naiveStarted));
const naiveWallMs = performance.now() - naiveStarted;
const naiveLog = analyseLog(await sandbox.admin.requests());
await sandbox.close();

const executorOutcomes = tally(outcomes);
const naiveLost = naive.filter((result) => !result.done).length;
const efficiency = (log: LogAnalysis) => minimumSeconds / Math.max(log.spanSeconds, 1e-9);
const pct = (value: number) => `${(value * 100).toFixed(1)} %`;
const githubMinutes = (seconds: number) => `${(seconds / 60).toFixed(1)} min`;

const bound = earliestSchedule(writes).map((t, i): [number, number] => [t / 60, i + 1]);
const charts = [
  await saveChart(
    'rate-limits-writes.svg',
    lineChartSvg({
      title: `Accepted writes over GitHub time (${writes} writes, limits 80/min + 500/h)`,
      xLabel: 'GitHub (sandbox) minutes since the first request',
      yLabel: 'writes accepted',
      series: [
        { name: 'executor (paced, durable waits)', points: executorLog.writesOverTime },
        { name: 'naive (backoff, no pacing)', points: naiveLog.writesOverTime },
        { name: 'fastest the limits allow', points: bound, dashed: true },
      ],
    }),
  ),
  await saveChart(
    'rate-limits-refusals.svg',
    lineChartSvg({
      title: 'Rate-limit refusals (403/429) over GitHub time',
      xLabel: 'GitHub (sandbox) minutes since the first request',
      yLabel: 'refusals so far',
      series: [
        { name: 'executor', points: executorLog.refusalsOverTime },
        { name: 'naive', points: naiveLog.refusalsOverTime },
      ],
    }),
  ),
];

await saveResult({
  name: 'rate-limits',
  title: `Rate limits (${writes} writes, secondary limits 80/min and 500/h, clock ×${K})`,
  summary: [
    ['Theoretical minimum (burst at 80/min, then the hour window)', githubMinutes(minimumSeconds)],
    ['Sustained 500/h bound', githubMinutes(sustainedSeconds)],
    [
      'Executor completion (first request → last write)',
      `${githubMinutes(executorLog.spanSeconds)} (${(executorWallMs / 1000).toFixed(1)} s real)`,
    ],
    [
      'Executor vs minimum / vs sustained bound',
      `${pct(efficiency(executorLog))} / ${pct(sustainedSeconds / executorLog.spanSeconds)}`,
      '≥ 95 %',
    ],
    [
      'Executor refusals (after the first)',
      `${executorLog.refused} (${executorLog.refusedAfterFirst})`,
      '(0)',
    ],
    ['Executor outcomes', JSON.stringify(executorOutcomes)],
    [
      'Naive completion',
      `${githubMinutes(naiveLog.spanSeconds)} (${(naiveWallMs / 1000).toFixed(1)} s real)`,
    ],
    ['Naive vs minimum', pct(efficiency(naiveLog))],
    ['Naive refusals', String(naiveLog.refused)],
    ['Naive operations lost (not done by the deadline)', String(naiveLost)],
    [
      'Writes applied: executor / naive',
      `${executorLog.appliedWrites} / ${naiveLog.appliedWrites}`,
      String(writes),
    ],
  ],
  charts,
  notes: [
    `Executor pacing: githubWritesPerSecond = ${RATE}/s GitHub time × ${K} (the task-queue rate limit); on a refusal it waits retry-after on a durable timer.`,
    'Times are GitHub (sandbox) time; real time is that divided by the compression factor.',
    'The minimum assumes a sender that bursts 80 writes a minute until the hour window is full, then waits for it to slide; a uniform pace can at best match the sustained 500/h bound.',
  ],
  data: {
    ops: OPS,
    writes,
    compression: K,
    rate: RATE,
    minimumSeconds,
    sustainedSeconds,
    executor: { wallMs: executorWallMs, outcomes: executorOutcomes, ...executorLog },
    naive: { wallMs: naiveWallMs, lost: naiveLost, attempts: naive.map((r) => r.attempts), ...naiveLog },
  },
});
console.log(
  JSON.stringify({
    minimumSeconds,
    executor: { span: executorLog.spanSeconds, refused: executorLog.refused, executorOutcomes },
    naive: { span: naiveLog.spanSeconds, refused: naiveLog.refused, naiveLost },
  }),
);
process.exit(0);
