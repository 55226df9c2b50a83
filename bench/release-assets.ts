/**
 * One release of many large assets, two ways, on one box in one run, lanes interleaved:
 * - `octokit-loop`: what release tools do today (bench/lib/upload-loop-child.ts, its own process);
 * - `executor`: `marketops worker` as its own process (draft → one upload step per asset → verify →
 *   publish), bytes streamed from the local artifact store, under each pacing the CLI offers.
 * Both against the same `marketops sandbox` process. Reports wall time, MB/s, the peak RSS of the
 * uploading process (VmHWM) and the GitHub writes the sandbox received.
 * Run: npm run bench:assets [-- --assets 20 --mb 50 --rounds 2]
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Asset } from '../src/operations/publish-release/assets.js';
import {
  assetReleaseRequest,
  judgeAssetReleases,
  storeRandomAssets,
} from '../test/support/asset-workload.js';
import { superviseWorker } from '../test/support/child-worker.js';
import { peakRssMiB } from '../test/support/cli-process.js';
import { type BenchStack, startBenchStack } from '../test/support/stack.js';
import { BENCH_REPO, benchSandboxConfig } from '../test/support/workload.js';
import { type SummaryRow, saveResult } from './lib/results.js';
import type { LoopJob, LoopResult } from './lib/upload-loop-child.js';

const { values } = parseArgs({
  options: {
    assets: { type: 'string', default: '20' },
    mb: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '2' },
  },
});
const ASSETS = Number(values.assets);
const BYTES = Number(values.mb) * 1e6;
const ROUNDS = Number(values.rounds);
const LANES = ['octokit-loop', 'executor best-practices', 'executor documented-limits'] as const;
type Lane = (typeof LANES)[number];

interface LaneRun {
  lane: Lane;
  round: number;
  tag: string;
  outcome: string;
  wallMs: number;
  mbPerSecond: number;
  /** VmHWM of the uploading process once it was up, before the release: its own start-up. */
  baselineRssMiB: number;
  peakRssMiB: number;
  writes: number;
  reads: number;
  /** The box's 1-minute load average when the lane ended: other work shares the CPUs. */
  loadAverage1m: number;
}

const CHILD = new URL('lib/upload-loop-child.ts', import.meta.url);
const WRITE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

async function octokitLoop(stack: BenchStack, tag: string, assets: Asset[]) {
  const job: LoopJob = {
    url: stack.sandbox.url,
    token: stack.sandbox.token,
    owner: BENCH_REPO.owner,
    repo: BENCH_REPO.name,
    tag,
    files: assets.map((a) => ({
      name: a.name,
      path: join(stack.files.artifacts, 'sha256', a.sha256),
      contentType: a.content_type,
    })),
  };
  const child = fork(CHILD, [JSON.stringify(job)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the upload loop exited with ${code}`);
  const result = JSON.parse(out.trim().split('\n').at(-1) as string) as LoopResult;
  return { outcome: 'published', ...result };
}

async function executor(stack: BenchStack, tag: string, assets: Asset[], pacing: string) {
  const worker = superviseWorker(stack, null, { MARKETOPS_GITHUB_PACING: pacing });
  try {
    await worker.running();
    const baselineRssMiB = await peakRssMiB(worker.pid() as number);
    const request = assetReleaseRequest(`bench-${tag}`, tag, assets);
    const receipt = await stack.issue(request);
    const started = performance.now();
    const submission = await stack.client().submit({ receipt, request });
    if (submission.status !== 'started') throw new Error(`not started: ${submission.status}`);
    const { status } = await stack.client().result(submission.receiptId);
    const wallMs = performance.now() - started;
    await worker.stop();
    return { outcome: status, wallMs, baselineRssMiB, peakRssMiB: worker.peakRss.at(-1) as number };
  } finally {
    await worker.stop();
  }
}

async function runLane(stack: BenchStack, lane: Lane, round: number, assets: Asset[]): Promise<LaneRun> {
  const tag = `v${round}.${LANES.indexOf(lane)}.0-${lane.replaceAll(' ', '-')}`;
  const before = (await stack.sandbox.admin.requests()).length;
  const run =
    lane === 'octokit-loop'
      ? await octokitLoop(stack, tag, assets)
      : await executor(stack, tag, assets, lane.replace('executor ', ''));
  const log = (await stack.sandbox.admin.requests()).slice(before);
  const writes = log.filter((entry) => WRITE.has(entry.method)).length;
  const bytes = assets.reduce((sum, a) => sum + a.size, 0);
  const result = {
    lane,
    round,
    tag,
    ...run,
    mbPerSecond: Math.round((bytes / 1e6 / (run.wallMs / 1000)) * 10) / 10,
    writes,
    reads: log.length - writes,
  };
  console.log(JSON.stringify(result));
  return { ...result, loadAverage1m: loadavg()[0] as number };
}

/** One row per lane and measure, every round's value in round order: two rounds have no median. */
function summaryOf(runs: readonly LaneRun[]): SummaryRow[] {
  const each = (lane: Lane, pick: (run: LaneRun) => string) =>
    runs
      .filter((run) => run.lane === lane)
      .sort((a, b) => a.round - b.round)
      .map(pick)
      .join(', ');
  return LANES.flatMap((lane): SummaryRow[] => [
    [`${lane}: wall time (s), each round`, each(lane, (r) => (r.wallMs / 1000).toFixed(1))],
    [`${lane}: MB/s, each round`, each(lane, (r) => String(r.mbPerSecond))],
    [
      `${lane}: uploading process peak RSS, MiB (its start-up peak before the release)`,
      each(lane, (r) => `${r.peakRssMiB} (${r.baselineRssMiB})`),
    ],
    [`${lane}: GitHub writes / reads sent`, each(lane, (r) => `${r.writes} / ${r.reads}`)],
  ]);
}

const stack = await startBenchStack(benchSandboxConfig(0));
const runs: LaneRun[] = [];
let assets: Asset[] = [];
try {
  assets = await storeRandomAssets(stack.files.artifacts, ASSETS, BYTES, 'asset');
  for (let round = 1; round <= ROUNDS; round++) {
    // Each round starts with another lane, so no lane always runs first (cold) or last.
    for (let i = 0; i < LANES.length; i++) {
      const lane = LANES[(i + round - 1) % LANES.length] as Lane;
      runs.push(await runLane(stack, lane, round, assets));
    }
  }
  const check = await judgeAssetReleases(
    await stack.sandbox.admin.state(),
    runs.map((run) => assetReleaseRequest('check', run.tag, assets)),
    stack.sandbox,
  );
  const total = `${ASSETS} × ${values.mb} MB`;
  await saveResult({
    name: 'release-assets',
    title: `A release with ${total} of assets: executor vs an Octokit upload loop (${ROUNDS} rounds, interleaved)`,
    summary: summaryOf(runs),
    charts: [],
    notes: [
      `Every release checked after the run: ${check.published} of ${check.releases} published, ${check.publishedWithMissingOrWrongAsset} with a missing or wrong asset, ${check.downloadsNotMatching} downloads not hashing to the stored file (${(check.downloadedBytes / 1e9).toFixed(1)} GB downloaded).`,
      'The executor lanes run `marketops worker` (MARKETOPS_MODE=prod, no MARKETOPS_GITHUB_WRITES_PER_SECOND cap) from a fresh process each; the loop lane is a fresh Node process each. Both load their TypeScript through tsx.',
      'best-practices paces writes at least a second apart, so 22 writes cost at least 21 s by design; documented-limits lets them go as soon as the previous one is done.',
    ],
    data: { assets: ASSETS, bytesPerAsset: BYTES, rounds: ROUNDS, runs, check },
  });
} finally {
  await stack.stop();
}
process.exit(0);
