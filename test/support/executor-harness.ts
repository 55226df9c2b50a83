import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import {
  bundleWorkflowCode,
  Runtime,
  type Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { JWK } from 'jose';
import { afterAll, beforeAll } from 'vitest';
import type { ValidationSettings } from '../../src/activities/validation.js';
import { type ArtifactStore, openArtifactStore } from '../../src/artifacts/index.js';
import { type AuditStore, checkpointSignerFromJwk, openAuditStore } from '../../src/audit/index.js';
import { ExecutorClient } from '../../src/client/executor-client.js';
import { createOctokit } from '../../src/github/octokit.js';
import { openLedger, type ReceiptLedger } from '../../src/ledger/index.js';
import { createExecutorMetrics } from '../../src/metrics/executor-metrics.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import {
  DEFAULT_AUDIENCE,
  generateSigningKey,
  type IssueOptions,
  issueReceipt,
  type KeyRing,
  loadKeyRing,
} from '../../src/receipts/index.js';
import {
  DEFAULT_REPOSITORY,
  defaultSandboxConfig,
  type RepoState,
  type RequestLogEntry,
  type RunningSandbox,
  sandboxConfigSchema,
  startSandbox,
} from '../../src/sandbox/index.js';
import type { ExecutionResult } from '../../src/shared.js';
import { registerSearchAttributes } from '../../src/temporal/servers.js';
import { createExecutorWorkers, runWorkers, workflowsPath } from '../../src/worker/executor-workers.js';
import { tempDir } from './temp-dirs.js';
import { type TemporalServer, useTemporalServer } from './temporal-server.js';

let bundlePromise: Promise<WorkflowBundleWithSourceMap> | undefined;
/** Bundled once per test file (each file is its own process). */
export const executorBundle = () => {
  bundlePromise ??= bundleWorkflowCode({ workflowsPath, logger: undefined });
  return bundlePromise;
};

export interface ExecutorHarness {
  env: TestWorkflowEnvironment;
  sandbox: RunningSandbox;
  client: ExecutorClient;
  keys: KeyRing;
  signingKey: JWK;
  store: AuditStore;
  /** Where the audit log lives: `audit export` finds the decisions' policy versions beside it. */
  auditLocation: string;
  /** The audit log's public key ring, as `audit export` puts it in a bundle. */
  auditKeys: { keys: JWK[] };
  ledger: ReceiptLedger;
  /** The workers' artifact store: a folder of this harness's own. */
  artifacts: ArtifactStore;
  /**
   * The Temporal server's clock. A time-skipping server runs ahead of the wall clock,
   * so receipts are issued at its time, as Federation Core would issue them at the cluster's.
   */
  now(): Promise<Date>;
  issue(request: OperationRequest, options?: Partial<IssueOptions>): Promise<string>;
  /** Issues a receipt for `request` and executes the two together: the authorized path. */
  issueAndExecute(request: OperationRequest, options?: Partial<IssueOptions>): Promise<ExecutionResult>;
  /** The writes (POST requests) the sandbox has served since its last reset. */
  writes(): Promise<RequestLogEntry[]>;
  /** The demo repository as the sandbox holds it. */
  demoRepository(): Promise<RepoState>;
  /** Runs the executor's workers in `mode` for the duration of `body`. */
  withWorkers<T>(mode: 'prod' | 'dry-run', body: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The repository owner's token, an admin's: it turns immutable releases on and off. */
export const OWNER_TOKEN = 'owner-token';
const harnessSandboxConfig = sandboxConfigSchema.parse({
  ...defaultSandboxConfig,
  tokens: [...defaultSandboxConfig.tokens, { id: 'owner', token: OWNER_TOKEN, repoAdmin: true }],
});

/** What a test may set in the workers' validation: an approval policy, a key ring of several approvers. */
export type HarnessOptions = Partial<Pick<ValidationSettings, 'policy' | 'keys'>>;

/** The executor against a real Temporal server and the sandbox over real HTTP: no mocks. */
export async function startExecutorHarness(
  env: TestWorkflowEnvironment,
  options: HarnessOptions = {},
): Promise<ExecutorHarness> {
  const sandbox = await startSandbox({ port: 0, config: harnessSandboxConfig });
  const { privateJwk, publicJwks } = await generateSigningKey('federation-test');
  const audit = await generateSigningKey('audit-test');
  const dir = await tempDir('executor');
  const auditLocation = `file:${join(dir, 'audit')}`;
  const store = await openAuditStore(
    auditLocation,
    await checkpointSignerFromJwk(audit.privateJwk, 'test/audit'),
  );
  const ledger = await openLedger(`file:${join(dir, 'ledger')}`);
  const artifacts = await openArtifactStore({ kind: 'local', dir: join(dir, 'artifacts') });
  const keys = options.keys ?? loadKeyRing(publicJwks);
  const octokit = createOctokit(sandbox.url, { kind: 'token', token: sandbox.token });
  const workflowBundle = await executorBundle();

  async function workersFor(mode: 'prod' | 'dry-run'): Promise<Worker[]> {
    return createExecutorWorkers({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      validation: {
        keys,
        ...(options.policy ? { policy: options.policy } : {}),
        mode,
        audience: DEFAULT_AUDIENCE,
        clockSkewSeconds: 60,
        maxAgeSeconds: 86_400,
      },
      store,
      ledger,
      octokit,
      metrics: createExecutorMetrics(Runtime.instance().metricMeter),
      artifacts,
      // Tests of everything but pacing: writes go as fast as GitHub's documented limits allow.
      // Best practices, the default, are tested in test/budgets.
      budgetLimits: { pacing: 'documented-limits' },
      githubWritesPerSecond: 1000,
      workflowBundle,
      checkPrerequisites: false,
    });
  }

  const now = async () => new Date(await env.currentTimeMs());
  const client = new ExecutorClient(env.client, { keys, auditStore: store, now });
  const issue = async (request: OperationRequest, options: Partial<IssueOptions> = {}) =>
    issueReceipt(privateJwk, request, {
      ttlSeconds: 3600,
      audience: DEFAULT_AUDIENCE,
      now: await now(),
      ...options,
    });

  return {
    env,
    sandbox,
    client,
    keys,
    signingKey: privateJwk,
    store,
    auditLocation,
    auditKeys: audit.publicJwks,
    ledger,
    artifacts,
    now,
    issue,
    issueAndExecute: async (request, options) =>
      client.execute({ receipt: await issue(request, options), request }),
    writes: async () => (await sandbox.admin.requests()).filter((entry) => entry.method === 'POST'),
    async demoRepository() {
      const { repos } = await sandbox.admin.state();
      const found = repos.find((repo) => `${repo.owner}/${repo.name}` === DEFAULT_REPOSITORY);
      if (!found) throw new Error(`${DEFAULT_REPOSITORY} is not in the sandbox`);
      return found;
    },
    async withWorkers(mode, body) {
      const workers = await workersFor(mode);
      const running = runWorkers(workers);
      try {
        return await body();
      } finally {
        for (const worker of workers) worker.shutdown();
        await running;
      }
    },
    async close() {
      await Promise.allSettled([sandbox.close(), store.close(), ledger.close()]);
    },
  };
}

/**
 * One Temporal server and one harness per test file: the time-skipping server where
 * time must pass quickly (time skipping is global to a server), the dev server where
 * many workflows run at once and nothing needs to skip.
 * Read `suite.harness` inside tests: it exists once `beforeAll` has run.
 */
export function useExecutorHarness(
  server: TemporalServer,
  options: () => Promise<HarnessOptions> = async () => ({}),
): { harness: ExecutorHarness } {
  const temporal = useTemporalServer(server);
  const suite = {} as { harness: ExecutorHarness };
  beforeAll(async () => {
    const { env } = temporal;
    if (server === 'dev-server') await registerSearchAttributes(env.connection, env.namespace ?? 'default');
    suite.harness = await startExecutorHarness(env, await options());
  });
  // Vitest runs after-hooks in reverse: the harness closes before its server goes.
  afterAll(() => suite.harness?.close());
  return suite;
}

/** Unique run ids per file, readable in the Web UI. */
export function runIds(prefix: string): () => string {
  let seq = 0;
  return () => `${prefix}-${Date.now()}-${++seq}`;
}
