import { NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type pino from 'pino';
import { openArtifactStore } from '../artifacts/index.js';
import { loadCheckpointSigner, openAuditStore, openDecisionVersions } from '../audit/index.js';
import { openBudgetStore } from '../budgets/store.js';
import { freePort } from '../common/free-port.js';
import { parseStoreLocation } from '../common/store-location.js';
import type { Config } from '../config/index.js';
import { createOctokit } from '../github/octokit.js';
import { openLedger } from '../ledger/index.js';
import { createLogger, registerSecret, temporalRuntimeLogger } from '../logging/logger.js';
import { createExecutorMetrics, prometheusOptions } from '../metrics/executor-metrics.js';
import { serveHealthAndMetrics } from '../metrics/health-endpoint.js';
import { policySource } from '../policy/index.js';
import { readKeyRingFile } from '../receipts/index.js';
import { PrerequisiteError } from '../temporal/prerequisites.js';
import { createExecutorWorkers, runWorkers } from './executor-workers.js';
import { restateOutcomes } from './outcome-logs.js';

/** Refuses to run a configuration that could write without authority or without credentials. */
function assertWritable(config: Config): void {
  if (config.mode === 'prod' && config.github.auth.kind === 'none') {
    throw new Error(
      'MARKETOPS_MODE is prod but no GitHub credentials are set; set GITHUB_TOKEN or the GITHUB_APP_* variables.',
    );
  }
}

function registerSecrets(config: Config): void {
  const { auth } = config.github;
  if (auth.kind === 'token') registerSecret(auth.token);
  if (auth.kind === 'app') registerSecret(auth.privateKey);
  const apiKey = (config.temporal.connectionOptions as { apiKey?: unknown }).apiKey;
  if (typeof apiKey === 'string') registerSecret(apiKey);
}

/** The SDK's logs through `logger`, with expected outcomes on one info line each (see `restateOutcomes`). */
export const runtimeLogger = (logger: pino.Logger) => temporalRuntimeLogger(logger, restateOutcomes);

export interface InstalledRuntime {
  logger: pino.Logger;
  /** The Runtime's own Prometheus endpoint, on loopback: the worker's public port serves it (see `serveHealthAndMetrics`). */
  metricsUrl: string;
}

/**
 * Logging (redacted, core logs forwarded) and the Prometheus endpoint. Must run before
 * anything touches Temporal's Runtime, so `start` calls it before the dev server starts.
 */
export async function installRuntime(config: Config): Promise<InstalledRuntime> {
  registerSecrets(config);
  const logger = createLogger({ level: config.logLevel });
  const port = await freePort();
  Runtime.install({
    logger: runtimeLogger(logger),
    telemetryOptions: {
      logging: { forward: {}, filter: 'WARN' },
      metrics: { prometheus: prometheusOptions(`127.0.0.1:${port}`) },
    },
  });
  return { logger, metricsUrl: `http://127.0.0.1:${port}/metrics` };
}

/** A part of the worker that could not be opened at start-up: not a usage mistake, and not worth a stack. */
export class WorkerStartError extends Error {
  override name = 'WorkerStartError';
}

/** Where a store lives, for its start-up error: the database's host (never its credentials), or the folder. */
function storeWhere(location: string): string {
  const parsed = parseStoreLocation(location);
  if (parsed.kind === 'file') return `in ${parsed.dir}`;
  const { host } = new URL(parsed.url);
  return `on PostgreSQL at ${host}`;
}

interface Closable {
  close(): Promise<void>;
}

/** How long `/healthz` waits for Temporal's answer: a health check's own timeout is a few seconds. */
const SERVER_CHECK_MS = 1_000;

/**
 * Whether every worker runs and polls its task queue, and Temporal answers now: what `/healthz`
 * says. Through a server outage the workers keep "polling" (their polls are retried), so only the
 * server's answer tells that they reach it.
 */
const allPolling = (workers: Worker[], connection: NativeConnection) => async () =>
  workers.every(
    (worker) => worker.getState() === 'RUNNING' && worker.getStatus().workflowPollerState === 'POLLING',
  ) &&
  (await connection
    .withDeadline(Date.now() + SERVER_CHECK_MS, () => connection.workflowService.getSystemInfo({}))
    .then(
      () => true,
      () => false,
    ));

/**
 * The worker process: wires the stores and runs until SIGINT/SIGTERM. `running` hears when its
 * workers start polling.
 */
export async function runWorkerProcess(
  config: Config,
  runtime?: InstalledRuntime,
  running: () => void = () => {},
): Promise<void> {
  const { logger, metricsUrl } = runtime ?? (await installRuntime(config));
  assertWritable(config);
  const keys = await readKeyRingFile(config.receipts.keysFile);
  const signer = await loadCheckpointSigner(config.audit.keyFile, config.audit.origin);
  const opened: Closable[] = [];
  // Each part named, with the variable that configures it: "connect ECONNREFUSED" alone names neither.
  const open = async <T extends Closable>(name: string, variable: string, opening: Promise<T>) => {
    const part = await opening.catch((error: unknown) => {
      const why = error instanceof Error ? error.message : String(error);
      throw new WorkerStartError(`The worker cannot start: its ${name} failed (${why}); check ${variable}.`);
    });
    opened.push(part);
    return part;
  };
  try {
    const endpoint = await open(
      'metrics and health endpoint',
      'MARKETOPS_METRICS_PORT',
      serveHealthAndMetrics(config.metricsPort, metricsUrl),
    );
    const store = await open(
      `audit store ${storeWhere(config.audit.store)}`,
      'MARKETOPS_AUDIT_STORE',
      openAuditStore(config.audit.store, signer, config.postgres),
    );
    // The policy versions decisions use, kept beside the log; written once per new version, so a small pool.
    const versions = await open(
      `audit store ${storeWhere(config.audit.store)}`,
      'MARKETOPS_AUDIT_STORE',
      openDecisionVersions(config.audit.store, { poolMax: 2 }),
    );
    const ledger = await open(
      `receipt ledger ${storeWhere(config.ledger)}`,
      'MARKETOPS_LEDGER',
      openLedger(config.ledger, config.postgres),
    );
    const budgets = await open(
      `budget store ${storeWhere(config.github.budgetStore)}`,
      'MARKETOPS_BUDGET_STORE',
      openBudgetStore(config.github.budgetStore, config.postgres),
    );
    const connection = await open(
      `connection to Temporal at ${config.temporal.connectionOptions.address ?? 'localhost:7233'}`,
      'TEMPORAL_ADDRESS',
      NativeConnection.connect(config.temporal.connectionOptions),
    );
    const workers = await createExecutorWorkers({
      connection,
      namespace: config.temporal.namespace,
      validation: {
        keys,
        policy: policySource(config.policy, versions.keep),
        mode: config.mode,
        ...config.receipts,
      },
      store,
      ledger,
      octokit: createOctokit(
        config.github.apiUrl,
        config.github.auth,
        logger.child({ component: 'octokit' }),
      ),
      githubInstallations: config.github.auth.kind === 'app' ? config.github.auth.installations : undefined,
      budgets,
      artifacts: await openArtifactStore(config.artifacts),
      metrics: createExecutorMetrics(Runtime.instance().metricMeter),
      githubWritesPerSecond: config.github.writesPerSecond,
      budgetLimits: { pacing: config.github.pacing },
    }).catch((error: unknown) => {
      if (error instanceof PrerequisiteError)
        throw new WorkerStartError(`The worker cannot start: ${error.message}`);
      throw error;
    });
    const runs = runWorkers(workers);
    endpoint.running(allPolling(workers, connection));
    running();
    logger.info(
      { mode: config.mode, namespace: config.temporal.namespace, github: config.github.apiUrl },
      'MarketOps worker running',
    );
    await runs;
  } finally {
    await Promise.allSettled(opened.map((part) => part.close()));
  }
}
