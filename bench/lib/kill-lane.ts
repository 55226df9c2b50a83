import type { OperationRequest } from '../../src/operations/registry.js';
import type { SandboxConfig } from '../../src/sandbox/index.js';
import { superviseWorker } from '../../test/support/child-worker.js';
import { startBenchStack } from '../../test/support/stack.js';
import { mapPool, tally } from '../../test/support/stats.js';
import { effectCount } from '../../test/support/workload.js';
import type { LaneRun } from './executor-lane.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A train through one `marketops worker` process (file budget store, no pace cap, GitHub's real
 * clock: the CLI has no compression), SIGKILLed once `killAfterWrites` writes are applied; the
 * supervisor starts a new one at once. Returns the run and the sandbox time of the kill.
 */
export async function runKillLane(
  config: SandboxConfig,
  requests: OperationRequest[],
  killAfterWrites: number,
): Promise<LaneRun & { killedAt: number; workerStarts: number }> {
  const stack = await startBenchStack(config);
  const worker = superviseWorker(stack, null);
  try {
    await worker.running();
    const receipts = await Promise.all(requests.map((request) => stack.issue(request)));
    const started = performance.now();
    const results = mapPool(requests, requests.length, async (request, i) => {
      const submission = await stack.client().submit({ receipt: receipts[i] as string, request });
      return submission.status === 'started'
        ? (await stack.client().result(submission.receiptId)).status
        : submission.status;
    });
    const applied = async () =>
      (await stack.sandbox.admin.requests()).filter((entry) => entry.contentCreating && entry.applied).length;
    while ((await applied()) < killAfterWrites) await sleep(100);
    await worker.kill();
    const killedAt = await stack.sandbox.admin.now();
    const statuses = await results;
    const wallMs = performance.now() - started;
    const state = await stack.sandbox.admin.state();
    return {
      log: await stack.sandbox.admin.requests(),
      outcomes: tally(statuses),
      duplicates: requests.filter((request) => effectCount(state, request) > 1).length,
      wallMs,
      killedAt,
      workerStarts: worker.starts,
    };
  } finally {
    await worker.stop();
    await stack.stop();
  }
}
