import { readFile } from 'node:fs/promises';
import { bundleWorkflowCode, Runtime, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { checkpointSignerFromJwk, openAuditStore } from '../../src/audit/index.js';
import { DEFAULT_AUDIT_ORIGIN } from '../../src/audit/keys.js';
import type { BudgetLimits } from '../../src/budgets/limits.js';
import type { GitHubAuth } from '../../src/config/index.js';
import { createOctokit } from '../../src/github/octokit.js';
import { openLedger } from '../../src/ledger/index.js';
import { createExecutorMetrics } from '../../src/metrics/executor-metrics.js';
import { DEFAULT_AUDIENCE } from '../../src/receipts/index.js';
import { createExecutorWorkers, runWorkers, workflowsPath } from '../../src/worker/executor-workers.js';
import type { BenchStack } from '../../test/support/stack.js';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundled once per process: webpack takes seconds, and every worker set runs the same code. */
const workflowBundle = () => {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: undefined });
  return bundle;
};

export interface RunningWorkers {
  stop(): Promise<void>;
}

/**
 * One worker set inside this process, wired like
 * `marketops worker` but with its own stores, so several sets act as several workers.
 */
/**
 * For measuring the box, not pacing: GitHub's windows a million times shorter and the burst
 * pacing (best practices would send one write at a time), so the budget never holds a write
 * back (the sandbox's limits are off too).
 */
export const UNPACED = { budgetLimits: { clockRate: 1_000_000, pacing: 'documented-limits' as const } };

export async function startInProcessWorkers(
  stack: BenchStack,
  githubWritesPerSecond: number | undefined,
  github: { budgetLimits?: Partial<BudgetLimits>; auth?: GitHubAuth } = {},
): Promise<RunningWorkers> {
  const auditKey = JSON.parse(await readFile(stack.files.auditKey, 'utf8'));
  const store = await openAuditStore(
    `file:${stack.files.audit}`,
    await checkpointSignerFromJwk(auditKey, DEFAULT_AUDIT_ORIGIN),
  );
  const ledger = await openLedger(`file:${stack.files.ledger}`);
  const env = stack.env();
  const workers = await createExecutorWorkers({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    validation: {
      keys: stack.keys,
      mode: 'prod',
      audience: DEFAULT_AUDIENCE,
      clockSkewSeconds: 60,
      maxAgeSeconds: 86_400,
    },
    store,
    ledger,
    octokit: createOctokit(stack.sandbox.url, github.auth ?? { kind: 'token', token: stack.sandbox.token }),
    metrics: createExecutorMetrics(Runtime.instance().metricMeter),
    ...(githubWritesPerSecond ? { githubWritesPerSecond } : {}),
    ...(github.budgetLimits ? { budgetLimits: github.budgetLimits } : {}),
    workflowBundle: await workflowBundle(),
  });
  const running = runWorkers(workers);
  return {
    async stop() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await Promise.allSettled([store.close(), ledger.close()]);
    },
  };
}
