import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { generateAuditKeys } from '../../src/audit/index.js';
import { auditKeyFileNames, receiptKeyFileNames } from '../../src/config/key-file-names.js';
import { ensureKeyPair, keyFilesIn } from '../../src/keys/key-files.js';
import { generateSigningKey } from '../../src/receipts/index.js';
import type { SandboxConfig } from '../../src/sandbox/index.js';
import { freePortBlock } from './ports.js';
import { startSandboxProcess } from './sandbox-process.js';
import { type BenchStack, benchStackOn } from './stack.js';
import {
  type ClusterTimings,
  type PrivatePostgres,
  startPrivatePostgres,
  startTemporalCluster,
  type TemporalCluster,
} from './temporal-cluster.js';

/** A bench stack on the production topology: the real Temporal server and the stores on PostgreSQL. */
export interface ClusterStack extends BenchStack {
  postgres: PrivatePostgres;
  temporal: TemporalCluster;
  /** Where every worker keeps its audit log, ledger and budgets: one PostgreSQL database for all. */
  store: string;
  /** The environment of a worker on host `name`: its own data folder and metrics port, the shared stores. */
  host(name: string): Promise<NodeJS.ProcessEnv & { MARKETOPS_METRICS_PORT: string }>;
  timings: ClusterTimings & { postgresMs: number };
}

export async function startClusterStack(sandboxConfig: SandboxConfig): Promise<ClusterStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'marketops-cluster-'));
  const timings = { postgresMs: 0, schemaMs: 0, serverMs: 0, namespaceMs: 0 };
  const started = performance.now();
  const postgres = await startPrivatePostgres();
  timings.postgresMs = performance.now() - started;
  const temporal = await startTemporalCluster(postgres.port, timings).catch(async (error) => {
    await postgres.stop();
    throw error;
  });
  const connect = () =>
    TestWorkflowEnvironment.createFromExistingServer({
      address: temporal.address,
      namespace: temporal.namespace,
    });
  const keysDir = join(dataDir, 'keys');
  const stack = await benchStackOn({
    dataDir,
    temporalAddress: temporal.address,
    keys: {
      receipt: await ensureKeyPair(keyFilesIn(keysDir, receiptKeyFileNames), () => generateSigningKey()),
      audit: await ensureKeyPair(keyFilesIn(keysDir, auditKeyFileNames), generateAuditKeys),
    },
    env: await connect(),
    sandbox: await startSandboxProcess(sandboxConfig, dataDir),
    async restartServer() {
      await temporal.restart();
      return connect();
    },
  });
  return {
    ...stack,
    postgres,
    temporal,
    store: postgres.url,
    timings,
    async host(name) {
      const hostDir = join(dataDir, name);
      await mkdir(hostDir, { recursive: true });
      return {
        MARKETOPS_DATA_DIR: hostDir,
        MARKETOPS_METRICS_PORT: String(await freePortBlock(1)),
        MARKETOPS_AUDIT_STORE: postgres.url,
        MARKETOPS_LEDGER: postgres.url,
        MARKETOPS_BUDGET_STORE: postgres.url,
      };
    },
    async stop() {
      await stack.stop();
      await temporal.stop();
      await postgres.stop();
    },
  };
}
