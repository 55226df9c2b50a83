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

/**
 * Workflows with authorization and records; and, in prod only, the paced GitHub writes.
 * A dry-run worker never polls the write queue, so it cannot perform a write that a prod
 * worker of the same namespace scheduled.
 */
export async function createExecutorWorkers(options: ExecutorWorkerOptions): Promise<Worker[]> {
  const { connection, namespace } = options;
  if (options.checkRetention !== false) {
    await assertRetentionCovers(connection, namespace, options.validation.maxAgeSeconds);
  }
  const deps = {
    validation: options.validation,
    ledger: options.ledger,
    records: { store: options.store, executorVersion, metrics: options.metrics },
    octokit: options.octokit,
    metrics: options.metrics,
  };
  const workflowSource = options.workflowBundle
    ? { workflowBundle: options.workflowBundle }
    : { workflowsPath };
  const core = Worker.create({
    connection,
    namespace,
    taskQueue: TASK_QUEUE,
    ...workflowSource,
    activities: createCoreActivities(deps),
  });
  if (options.validation.mode !== 'prod') return [await core];
  const writes = Worker.create({
    connection,
    namespace,
    taskQueue: GITHUB_WRITES_TASK_QUEUE,
    activities: createGitHubWriteActivities(deps),
    maxTaskQueueActivitiesPerSecond: options.githubWritesPerSecond,
  });
  return Promise.all([core, writes]);
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
