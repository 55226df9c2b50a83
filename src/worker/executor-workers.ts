import { createRequire } from 'node:module';
import type { Octokit } from '@octokit/rest';
import { type NativeConnection, Worker, type WorkflowBundleOption } from '@temporalio/worker';
import { createCoreActivities, createGitHubWriteActivities } from '../activities/index.js';
import type { ValidationSettings } from '../activities/validation.js';
import type { AuditStore } from '../audit/index.js';
import type { ReceiptLedger } from '../ledger/index.js';
import type { ExecutorMetrics } from '../metrics/executor-metrics.js';
import { GITHUB_WRITES_TASK_QUEUE, TASK_QUEUE } from '../shared.js';
import { assertRetentionCovers } from './retention.js';

export const executorVersion: string = createRequire(import.meta.url)('../../package.json').version;

export interface ExecutorWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  validation: ValidationSettings;
  store: AuditStore;
  ledger: ReceiptLedger;
  octokit: Octokit;
  metrics: ExecutorMetrics;
  /** Server-side pace of GitHub writes, shared by every worker of the namespace. */
  githubWritesPerSecond: number;
  /** Pre-built bundle (tests build it once per file); otherwise bundled from src/workflows. */
  workflowBundle?: WorkflowBundleOption;
  /** Only tests against the time-skipping server, which has no namespace retention, turn this off. */
  checkRetention?: boolean;
}

export const workflowsPath = new URL('../workflows/index.ts', import.meta.url).pathname;

/** Two workers: workflows with validation and records, and the paced GitHub writes. */
export async function createExecutorWorkers(options: ExecutorWorkerOptions): Promise<Worker[]> {
  const { connection, namespace } = options;
  if (options.checkRetention !== false) {
    await assertRetentionCovers(connection, namespace, options.validation.maxAgeSeconds);
  }
  const deps = {
    validation: options.validation,
    ledger: options.ledger,
    records: { store: options.store, executorVersion },
    octokit: options.octokit,
    metrics: options.metrics,
  };
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath };
  return Promise.all([
    Worker.create({
      connection,
      namespace,
      taskQueue: TASK_QUEUE,
      ...workflowSource,
      activities: createCoreActivities(deps),
    }),
    Worker.create({
      connection,
      namespace,
      taskQueue: GITHUB_WRITES_TASK_QUEUE,
      activities: createGitHubWriteActivities(deps),
      maxTaskQueueActivitiesPerSecond: options.githubWritesPerSecond,
    }),
  ]);
}

/** Runs every worker until one stops (a shutdown signal stops them all), then lets the others drain. */
export async function runWorkers(workers: Worker[]): Promise<void> {
  const runs = workers.map((worker) => worker.run());
  try {
    await Promise.race(runs);
  } finally {
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await Promise.allSettled(runs);
  }
}
