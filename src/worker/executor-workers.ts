import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Octokit } from '@octokit/rest';
import {
  type InjectedSinks,
  type NativeConnection,
  Worker,
  type WorkflowBundleOption,
} from '@temporalio/worker';
import {
  createCoreActivities,
  createGitHubWriteActivities,
  createRefusalSink,
  type RunSinks,
} from '../activities/index.js';
import type { ValidationSettings } from '../activities/validation.js';
import { type ArtifactStore, openArtifactStore } from '../artifacts/index.js';
import type { AuditStore } from '../audit/index.js';
import { type BudgetLimits, budgetLimitsSchema, githubLimits } from '../budgets/limits.js';
import { type BudgetStore, memoryBudgetStore } from '../budgets/store.js';
import { githubIdentities } from '../github/identities.js';
import type { ReceiptLedger } from '../ledger/index.js';
import type { ExecutorMetrics } from '../metrics/executor-metrics.js';
import { TASK_QUEUE } from '../shared.js';
import { assertPrerequisites } from '../temporal/prerequisites.js';

export const executorVersion: string = createRequire(import.meta.url)('../../package.json').version;

export interface ExecutorWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  validation: ValidationSettings;
  store: AuditStore;
  ledger: ReceiptLedger;
  /** The executor's GitHub client: a token's, or a GitHub App's without an installation (src/github/identities.ts). */
  octokit: Octokit;
  /** GitHub App installations by owner, instead of looking them up (GITHUB_APP_INSTALLATIONS). */
  githubInstallations?: Record<string, number>;
  metrics: ExecutorMetrics;
  /** Where release assets' bytes come from (MARKETOPS_ARTIFACT_STORE); the default folder `.data/artifacts` otherwise. */
  artifacts?: ArtifactStore;
  /** Each identity's budget, shared by every worker of the deployment; in memory only for a single test process. */
  budgets?: BudgetStore;
  /** GitHub's documented limits, unless changed (benchmarks against a sandbox whose clock runs faster). */
  budgetLimits?: Partial<BudgetLimits>;
  /** An operator's cap on each identity's writes per second, under GitHub's limits; none by default. */
  githubWritesPerSecond?: number;
  /** Pre-built bundle (tests build it once per file); otherwise bundled from src/workflows. */
  workflowBundle?: WorkflowBundleOption;
  /**
   * The namespace's prerequisites (src/temporal/prerequisites.ts); only tests against the
   * time-skipping server, which has no namespace retention, turn this off.
   */
  checkPrerequisites?: boolean;
}

export const workflowsPath = new URL('../workflows/index.ts', import.meta.url).pathname;
/** Where scripts/build.sh writes the bundled workflow code: beside the compiled worker in dist/, none beside the sources. */
const builtBundle = fileURLToPath(new URL('../workflow-bundle.js', import.meta.url));

/**
 * The workflow code: a bundle given (tests make one per file), else the build's, else bundled from
 * src/workflows at start (tsx, in development). Bundling runs webpack in the worker's own process,
 * which then stays ~110 MiB larger for its whole life (docs/benchmarks.md).
 */
function workflowSource(given: WorkflowBundleOption | undefined) {
  if (given) return { workflowBundle: given };
  if (existsSync(builtBundle)) return { workflowBundle: { codePath: builtBundle } };
  return { workflowsPath };
}

async function githubAccess(options: ExecutorWorkerOptions) {
  const rate = options.githubWritesPerSecond;
  const limits = budgetLimitsSchema.parse({
    ...githubLimits,
    ...options.budgetLimits,
    ...(rate ? { writeSpacingMs: 1000 / rate } : {}),
  });
  return {
    identities: githubIdentities(options.octokit, options.githubInstallations),
    budgets: { store: options.budgets ?? memoryBudgetStore(), limits },
    artifacts:
      options.artifacts ?? (await openArtifactStore({ kind: 'local', dir: resolve('.data/artifacts') })),
  };
}

/**
 * Workflows with authorization and records; in prod, the GitHub writes too, on the same task
 * queue, so each is dispatched with the workflow task that schedules it. Their pace is each
 * identity's budget, not the queue. A dry-run worker has no GitHub activities: a write a prod
 * worker scheduled fails there as unregistered and is retried, never sent.
 */
export async function createExecutorWorkers(options: ExecutorWorkerOptions): Promise<Worker[]> {
  const { connection, namespace } = options;
  if (options.checkPrerequisites !== false) {
    await assertPrerequisites(connection, namespace, options.validation.maxAgeSeconds);
  }
  const deps = {
    validation: options.validation,
    ledger: options.ledger,
    records: { store: options.store, executorVersion, metrics: options.metrics },
    github: await githubAccess(options),
    metrics: options.metrics,
  };
  const prod = options.validation.mode === 'prod';
  // Refusals a run decides without reading the receipt never enter its history: the worker records them.
  const recordUnreadRefusal = createRefusalSink(deps.records);
  const sinks: InjectedSinks<RunSinks> = {
    audit: {
      recordUnreadRefusal: {
        fn: (info, refusal) => recordUnreadRefusal(info, refusal),
        callDuringReplay: false,
      },
    },
  };
  const core = await Worker.create({
    connection,
    namespace,
    taskQueue: TASK_QUEUE,
    ...workflowSource(options.workflowBundle),
    sinks,
    activities: {
      ...createCoreActivities(deps),
      ...(prod ? createGitHubWriteActivities(deps) : {}),
    },
  });
  return [core];
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
