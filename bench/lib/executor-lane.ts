import type { BudgetLimits } from '../../src/budgets/limits.js';
import type { GitHubAuth } from '../../src/config/index.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import type { RequestLogEntry, SandboxConfig } from '../../src/sandbox/index.js';
import { type BenchStack, startBenchStack } from '../../test/support/stack.js';
import { mapPool, tally } from '../../test/support/stats.js';
import { effectCount } from '../../test/support/workload.js';
import { startInProcessWorkers } from './in-process-workers.js';

export interface LaneRun {
  log: RequestLogEntry[];
  outcomes: Record<string, number>;
  /** Operations whose effect exists more than once. */
  duplicates: number;
  wallMs: number;
}

/**
 * The executor on its own stack (dev server, sandbox process, one in-process worker set whose
 * budget runs on the sandbox's clock): every request submitted at once, each result awaited.
 * `during` runs alongside (another client of the same token), from the moment of submission.
 */
export async function runExecutorLane(options: {
  config: SandboxConfig;
  requests: OperationRequest[];
  budgetLimits: Partial<BudgetLimits>;
  auth?: (stack: BenchStack) => GitHubAuth;
  during?: (stack: BenchStack) => Promise<void>;
}): Promise<LaneRun> {
  const stack = await startBenchStack(options.config);
  try {
    const workers = await startInProcessWorkers(stack, undefined, {
      budgetLimits: options.budgetLimits,
      ...(options.auth ? { auth: options.auth(stack) } : {}),
    });
    const { requests } = options;
    const receipts = await Promise.all(requests.map((request) => stack.issue(request)));
    const started = performance.now();
    const [statuses] = await Promise.all([
      mapPool(requests, requests.length, async (request, i) => {
        const submission = await stack.client().submit({ receipt: receipts[i] as string, request });
        return submission.status === 'started'
          ? (await stack.client().result(submission.receiptId)).status
          : submission.status;
      }),
      options.during?.(stack),
    ]);
    const wallMs = performance.now() - started;
    const state = await stack.sandbox.admin.state();
    const log = await stack.sandbox.admin.requests();
    await workers.stop();
    return {
      log,
      outcomes: tally(statuses),
      duplicates: requests.filter((request) => effectCount(state, request) > 1).length,
      wallMs,
    };
  } finally {
    await stack.stop();
  }
}
