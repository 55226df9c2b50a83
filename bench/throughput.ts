/**
 * Throughput and latency: N mixed operations through the dev server, in-process executor
 * workers and a sandbox process with every limit off, then the same GitHub calls from a bare
 * Octokit loop against a fresh sandbox. Run: npx tsx bench/throughput.ts [--n 1000] [--concurrency 100]
 */
import { parseArgs } from 'node:util';
import { Octokit } from '@octokit/rest';
import type { OperationRequest } from '../src/operations/registry.js';
import { peakRssMiB } from '../test/support/cli-process.js';
import { startSandboxProcess } from '../test/support/sandbox-process.js';
import { type BenchStack, startBenchStack } from '../test/support/stack.js';
import { mapPool, summarize } from '../test/support/stats.js';
import { benchRequests, benchSandboxConfig, effectCount } from '../test/support/workload.js';
import { performDirect } from './lib/direct-github.js';
import { startInProcessWorkers, UNPACED } from './lib/in-process-workers.js';
import { saveChart, saveResult } from './lib/results.js';
import { histogramSvg } from './lib/svg.js';
import { installMetricsRuntime, meanLatencies } from './lib/temporal-metrics.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '100' },
    light: { type: 'string', default: '50' },
  },
});
const N = Number(values.n);
const CONCURRENCY = Number(values.concurrency);
const LIGHT = Number(values.light);
const WARM_UP = 10;

interface Timed {
  latencyMs: number;
  doneAtMs: number;
}

/** Runs `op` over the requests `concurrency` at a time; latency per request, and the wall time. */
async function timed(
  requests: OperationRequest[],
  concurrency: number,
  op: (r: OperationRequest, i: number) => Promise<void>,
) {
  const started = performance.now();
  const samples = await mapPool(requests, concurrency, async (request, i): Promise<Timed> => {
    const t0 = performance.now();
    await op(request, i);
    const t1 = performance.now();
    return { latencyMs: t1 - t0, doneAtMs: t1 - started };
  });
  const wallMs = performance.now() - started;
  return { samples, wallMs, opsPerSecond: (requests.length / wallMs) * 1000 };
}

async function executeAll(stack: BenchStack, requests: OperationRequest[], concurrency: number) {
  const receipts = await Promise.all(requests.map((request) => stack.issue(request)));
  const statuses: Record<string, number> = {};
  const run = await timed(requests, concurrency, async (request, i) => {
    const result = await stack.client().execute({ receipt: receipts[i] as string, request });
    statuses[result.status] = (statuses[result.status] ?? 0) + 1;
  });
  return { ...run, statuses };
}

const total = WARM_UP + LIGHT + N;
const all = benchRequests(`tp-${Date.now()}`, total);
const warmUp = all.slice(0, WARM_UP);
const light = all.slice(WARM_UP, WARM_UP + LIGHT);
const load = all.slice(WARM_UP + LIGHT);
const config = benchSandboxConfig(total);

const metrics = await installMetricsRuntime();
const stack = await startBenchStack(config);
const workers = await startInProcessWorkers(stack, undefined, UNPACED);
let rssSampled = 0;
const sampler = setInterval(() => {
  rssSampled = Math.max(rssSampled, process.memoryUsage().rss);
}, 100);
console.log(
  `executor: warm-up ${WARM_UP}, light load ${LIGHT} sequential, load ${N} at ${CONCURRENCY} in flight`,
);
await executeAll(stack, warmUp, 1);
const beforeLight = await metrics.scrape();
const lightRun = await executeAll(stack, light, 1);
const beforeLoad = await metrics.scrape();
const loadRun = await executeAll(stack, load, CONCURRENCY);
clearInterval(sampler);
const state = await stack.sandbox.admin.state();
const effects = all.map((request) => effectCount(state, request));
const afterLoad = await metrics.scrape();
const temporalLatencies = {
  light: meanLatencies(beforeLoad, beforeLight),
  load: meanLatencies(afterLoad, beforeLoad),
};
const peakRss = await peakRssMiB('self');
await workers.stop();
await stack.stop();

console.log('baseline: the same GitHub calls from a bare Octokit loop, fresh sandbox');
const baselineSandbox = await startSandboxProcess(config, stack.dataDir);
const octokit = new Octokit({ baseUrl: baselineSandbox.url, auth: baselineSandbox.token });
const baselineLight = await timed(light, 1, (request) => performDirect(octokit, request));
const baselineLoad = await timed(load, CONCURRENCY, (request) => performDirect(octokit, request));
await baselineSandbox.close();

const latencies = (run: { samples: Timed[] }) => run.samples.map((s) => s.latencyMs);
const loadSummary = summarize(latencies(loadRun));
const lightSummary = summarize(latencies(lightRun));
const baselineLoadSummary = summarize(latencies(baselineLoad));
const baselineLightSummary = summarize(latencies(baselineLight));
const overhead = baselineLoad.opsPerSecond / loadRun.opsPerSecond;
const duplicates = effects.filter((count) => count > 1).length;
const missing = effects.filter((count) => count === 0).length;
const fixed = (value: number, digits = 1) => value.toFixed(digits);

const charts = [
  await saveChart(
    'latency-load.svg',
    histogramSvg({
      title: `Submit→result latency, ${N} mixed ops at ${CONCURRENCY} in flight`,
      xLabel: 'milliseconds',
      samples: latencies(loadRun),
      markers: [
        { label: 'p50', value: loadSummary.p50Ms },
        { label: 'p95', value: loadSummary.p95Ms },
        { label: 'p99', value: loadSummary.p99Ms },
      ],
    }),
  ),
  await saveChart(
    'latency-light.svg',
    histogramSvg({
      title: `Submit→result latency, light load (${LIGHT} sequential ops)`,
      xLabel: 'milliseconds',
      samples: latencies(lightRun),
      markers: [
        { label: 'p50', value: lightSummary.p50Ms },
        { label: 'p95', value: lightSummary.p95Ms },
      ],
    }),
  ),
];

await saveResult({
  name: 'throughput',
  title: `Throughput and latency (${N} mixed operations, rate limits off)`,
  summary: [
    [
      'Executor throughput',
      `${fixed(loadRun.opsPerSecond)} ops/s (${N} ops in ${fixed(loadRun.wallMs / 1000)} s)`,
      '≥ 100 ops/s',
    ],
    [
      'Executor p50 / p95 / p99 under load',
      `${loadSummary.p50Ms} / ${loadSummary.p95Ms} / ${loadSummary.p99Ms} ms`,
    ],
    ['Executor p50 under light load', `${lightSummary.p50Ms} ms (p95 ${lightSummary.p95Ms} ms)`, '≤ 50 ms'],
    ['Bare Octokit throughput', `${fixed(baselineLoad.opsPerSecond)} ops/s`],
    [
      'Bare Octokit p50 sequential / under load',
      `${baselineLightSummary.p50Ms} / ${baselineLoadSummary.p50Ms} ms`,
    ],
    ['Overhead ratio (bare ops/s ÷ executor ops/s)', `${fixed(overhead, 2)}×`],
    ['Bench process peak RSS (workers + client, VmHWM)', `${peakRss} MiB`],
    ['Outcomes', JSON.stringify({ ...loadRun.statuses })],
    ['Duplicate / missing effects', `${duplicates} / ${missing}`, '0 / 0'],
  ],
  charts,
  notes: [
    'Workers run in the benchmark process (createExecutorWorkers, githubWritesPerSecond 1000); the sandbox and the Temporal dev server (SQLite file, UI on) are separate processes.',
    'Each operation is its existing-check GET plus one write (two for an annotated tag): the bare Octokit loop sends exactly those calls, with the same concurrency.',
  ],
  data: {
    n: N,
    concurrency: CONCURRENCY,
    executor: {
      load: {
        wallMs: loadRun.wallMs,
        opsPerSecond: loadRun.opsPerSecond,
        latency: loadSummary,
        statuses: loadRun.statuses,
      },
      light: { latency: lightSummary },
      peakRssMiB: peakRss,
      sampledPeakRssMiB: Math.round(rssSampled / 2 ** 20),
      temporalLatencies,
    },
    baseline: {
      load: {
        wallMs: baselineLoad.wallMs,
        opsPerSecond: baselineLoad.opsPerSecond,
        latency: baselineLoadSummary,
      },
      light: { latency: baselineLightSummary },
    },
    overheadRatio: overhead,
    effects: { duplicates, missing },
    loadLatenciesMs: latencies(loadRun).map((ms) => Math.round(ms)),
  },
});
console.log(
  JSON.stringify(
    {
      executor: { opsPerSecond: loadRun.opsPerSecond, load: loadSummary, light: lightSummary, peakRss },
      baseline: baselineLoad.opsPerSecond,
      overhead,
      duplicates,
      missing,
      temporalLatencies,
    },
    null,
    1,
  ),
);
process.exit(0);
