import { WorkflowFailedError } from '@temporalio/client';
import type { Submission } from '../../src/client/submit.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import {
  type AssetVerdict,
  assetReleaseRequest,
  judgeAssetReleases,
  storeRandomAssets,
} from './asset-workload.js';
import { superviseWorker } from './child-worker.js';
import { type DrillVerdict, judgeDrill, readAuditEntries, type Settled } from './drill-checks.js';
import { type BenchStack, startBenchStack } from './stack.js';
import { mapPool } from './stats.js';
import { benchRequests, benchSandboxConfig } from './workload.js';

export interface CrashDrillOptions {
  ops: number;
  /** SIGKILLs of the worker process, each at a random moment after it came up. */
  kills: number;
  /** The dev server restarts (same port, same SQLite file) right after this kill. */
  restartServerAfterKill: number;
  /** A kill lands uniformly within this many ms after the worker reports it runs. */
  maxKillDelayMs: number;
  /**
   * Instead of the mixed workload, `ops` releases each shipping `assets` random files of `bytes`
   * from the local artifact store; each kill then lands while an upload is in flight (a `starter`
   * asset in the sandbox) if one starts within `maxKillDelayMs`.
   */
  releasesWithAssets?: { assets: number; bytes: number };
  log?: (line: string) => void;
}

export interface CrashDrillReport {
  verdict: DrillVerdict;
  wallMs: number;
  workerStarts: number;
  kills: number;
  serverRestarts: number;
  workerPeakRssMiB: number[];
  /** Kills that landed while an asset upload was in flight. */
  killsMidUpload: number;
  /** With `releasesWithAssets`: what shipped, checked asset by asset. */
  assets?: AssetVerdict;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const POLL_MS = 10_000;

/**
 * Waits for the workflow's result through whatever server and client are current. A long poll
 * on a connection closed by a server restart may never settle, so each attempt is bounded.
 */
async function finalOutcome(stack: BenchStack, receiptId: string): Promise<string> {
  for (;;) {
    try {
      const attempt = stack.client().result(receiptId);
      const result = await Promise.race([attempt, sleep(POLL_MS).then(() => undefined)]);
      if (result) return result.status;
    } catch (error) {
      if (error instanceof WorkflowFailedError)
        return `workflow failed: ${error.cause?.message ?? error.message}`;
      await sleep(500);
    }
  }
}

/** Each submission with its final outcome, waited for through whatever server is current. */
export const settle = (
  stack: BenchStack,
  submissions: readonly Submission[],
  requests: readonly OperationRequest[],
): Promise<Settled[]> =>
  Promise.all(
    submissions.map(
      async (submission, i): Promise<Settled> => ({
        receiptId: String(submission.receiptId),
        request: requests[i] as OperationRequest,
        outcomes: [
          submission.status === 'started' ? await finalOutcome(stack, submission.receiptId) : 'rejected',
        ],
      }),
    ),
  );

const uploading = async (stack: BenchStack) =>
  (await stack.sandbox.admin.state()).repos.some((repo) => repo.assets.some((a) => a.state === 'starter'));

/** Waits up to `maxMs` for an upload in flight; whether one was seen. */
async function midUpload(stack: BenchStack, maxMs: number): Promise<boolean> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    if (await uploading(stack)) return true;
    await sleep(20);
  }
  return false;
}

async function drillRequests(stack: BenchStack, options: CrashDrillOptions): Promise<OperationRequest[]> {
  const runId = `crash-${Date.now()}`;
  const spec = options.releasesWithAssets;
  if (!spec) return benchRequests(runId, options.ops);
  const assets = await storeRandomAssets(stack.files.artifacts, spec.assets, spec.bytes, 'drill');
  return Array.from({ length: options.ops }, (_, i) => assetReleaseRequest(runId, `${runId}-${i}`, assets));
}

/**
 * The crash drill: every operation is submitted up front, then the `marketops worker` process
 * is SIGKILLed at random moments and restarted, and the dev server is restarted once on its
 * SQLite file, while the operations run. Returns the counts the drill's claims rest on.
 */
export async function runCrashDrill(options: CrashDrillOptions): Promise<CrashDrillReport> {
  const log = options.log ?? (() => {});
  const stack = await startBenchStack(benchSandboxConfig(options.ops));
  const requests = await drillRequests(stack, options).catch(async (error) => {
    await stack.stop();
    throw error;
  });
  const worker = superviseWorker(stack);
  const started = performance.now();
  try {
    const receipts = await Promise.all(requests.map((request) => stack.issue(request)));
    const submissions = await mapPool(requests, 20, (request, i) =>
      stack.client().submit({ receipt: receipts[i] as string, request }),
    );
    log(`submitted ${submissions.length}`);
    let kills = 0;
    let serverRestarts = 0;
    let killsMidUpload = 0;
    while (kills < options.kills) {
      await worker.running();
      if (options.releasesWithAssets) {
        if (await midUpload(stack, options.maxKillDelayMs)) killsMidUpload += 1;
      } else await sleep(Math.random() * options.maxKillDelayMs);
      await worker.kill();
      kills += 1;
      log(`kill ${kills} at ${Math.round(performance.now() - started)} ms (${killsMidUpload} mid-upload)`);
      if (kills === options.restartServerAfterKill) {
        await stack.restartTemporal();
        serverRestarts += 1;
        log('dev server restarted');
      }
    }
    const settled = await settle(stack, submissions, requests);
    await worker.stop();
    const state = await stack.sandbox.admin.state();
    const verdict = judgeDrill(
      settled,
      state,
      await readAuditEntries(`file:${stack.files.audit}`, stack.files.auditKeys),
    );
    return {
      verdict,
      wallMs: performance.now() - started,
      workerStarts: worker.starts,
      kills,
      serverRestarts,
      workerPeakRssMiB: worker.peakRss,
      killsMidUpload,
      ...(options.releasesWithAssets
        ? { assets: await judgeAssetReleases(state, requests, stack.sandbox) }
        : {}),
    };
  } finally {
    await worker.stop();
    await stack.stop();
  }
}
