import type { Octokit } from '@octokit/rest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Runtime } from '@temporalio/worker';
import type { BudgetLimits } from '../../src/budgets/limits.js';
import type { BudgetStore } from '../../src/budgets/store.js';
import { createOctokit } from '../../src/github/octokit.js';
import { createExecutorMetrics } from '../../src/metrics/executor-metrics.js';
import { DEFAULT_AUDIENCE } from '../../src/receipts/index.js';
import type { RequestLogEntry } from '../../src/sandbox/index.js';
import { createExecutorWorkers, runWorkers } from '../../src/worker/executor-workers.js';
import { type ExecutorHarness, executorBundle } from '../support/executor-harness.js';

export interface BudgetWorkerOptions {
  /** The GitHub (sandbox) URL and token the workers write to, or the Octokit they act with. */
  github: { url: string; token: string } | { octokit: Octokit };
  budgets: BudgetStore;
  budgetLimits?: Partial<BudgetLimits>;
  /** A connection of its own, as a second worker process has (one connection takes one worker per queue). */
  ownConnection?: boolean;
}

/** Prod workers like a worker process's: the harness's stores and keys, this budget store and these limits. */
export async function startBudgetWorkers(harness: ExecutorHarness, options: BudgetWorkerOptions) {
  const env: TestWorkflowEnvironment = harness.env;
  const connection = options.ownConnection
    ? await NativeConnection.connect({ address: env.address })
    : env.nativeConnection;
  const workers = await createExecutorWorkers({
    connection,
    namespace: env.namespace ?? 'default',
    validation: {
      keys: harness.keys,
      mode: 'prod',
      audience: DEFAULT_AUDIENCE,
      clockSkewSeconds: 60,
      maxAgeSeconds: 86_400,
    },
    store: harness.store,
    ledger: harness.ledger,
    octokit:
      'octokit' in options.github
        ? options.github.octokit
        : createOctokit(options.github.url, { kind: 'token', token: options.github.token }),
    metrics: createExecutorMetrics(Runtime.instance().metricMeter),
    budgets: options.budgets,
    budgetLimits: options.budgetLimits,
    artifacts: harness.artifacts,
    workflowBundle: await executorBundle(),
    checkPrerequisites: false,
  });
  const running = runWorkers(workers);
  return {
    async stop() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      if (options.ownConnection) await connection.close();
    },
  };
}

/** GitHub's rate-limit refusals, as the sandbox logged them. */
export const refusals = (log: readonly RequestLogEntry[]) =>
  log.filter((entry) => entry.status === 403 || entry.status === 429);

export const appliedWrites = (log: readonly RequestLogEntry[]) =>
  log.filter((entry) => entry.contentCreating && entry.applied);
