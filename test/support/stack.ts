import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { JWK } from 'jose';
import { ExecutorClient } from '../../src/client/executor-client.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import { DEFAULT_AUDIENCE, issueReceipt, type KeyRing, readKeyRingFile } from '../../src/receipts/index.js';
import type { SandboxConfig } from '../../src/sandbox/index.js';
import { searchAttributes } from '../../src/shared.js';
import { type LocalStack, startLocalStack } from '../../src/stack/local-stack.js';
import { createLocalEnv } from '../../src/temporal/servers.js';
import { freePort } from './ports.js';
import { type SandboxProcess, startSandboxProcess } from './sandbox-process.js';

export interface BenchStack {
  dataDir: string;
  temporalAddress: string;
  sandbox: SandboxProcess;
  keys: KeyRing;
  /** Files a `marketops worker` process is pointed at. */
  files: {
    receiptKeys: string;
    auditKey: string;
    auditKeys: string;
    audit: string;
    ledger: string;
    /** The local artifact store release assets are read from. */
    artifacts: string;
  };
  /** The current server's environment; replaced by `restartTemporal`. */
  env(): TestWorkflowEnvironment;
  client(): ExecutorClient;
  issue(request: OperationRequest): Promise<string>;
  /** Stops the dev server and starts it again on the same port with the same SQLite file. */
  restartTemporal(): Promise<void>;
  stop(): Promise<void>;
}

const readJwk = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as JWK;

/** `marketops start`'s stack (dev server with SQLite and UI, keys, retention) plus a bench-seeded sandbox process. */
export async function startBenchStack(sandboxConfig: SandboxConfig): Promise<BenchStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'marketops-bench-'));
  const temporalPort = await freePort();
  const stack: LocalStack = await startLocalStack({ dataDir, temporalPort, uiPort: await freePort() });
  const sandbox = await startSandboxProcess(sandboxConfig, dataDir);
  const keys = await readKeyRingFile(stack.keys.receipt.publicKeysFile);
  const signingKey = await readJwk(stack.keys.receipt.privateKeyFile);
  let env = stack.env;
  let client = new ExecutorClient(env.client, { keys });
  return {
    dataDir,
    temporalAddress: stack.temporalAddress,
    sandbox,
    keys,
    files: {
      receiptKeys: stack.keys.receipt.publicKeysFile,
      auditKey: stack.keys.audit.privateKeyFile,
      auditKeys: stack.keys.audit.publicKeysFile,
      audit: join(dataDir, 'audit'),
      ledger: join(dataDir, 'ledger'),
      artifacts: join(dataDir, 'artifacts'),
    },
    env: () => env,
    client: () => client,
    issue: (request) => issueReceipt(signingKey, request, { ttlSeconds: 3600, audience: DEFAULT_AUDIENCE }),
    async restartTemporal() {
      await env.teardown();
      env = await createLocalEnv({
        dbFilename: join(dataDir, 'temporal.sqlite'),
        port: temporalPort,
        searchAttributes: Object.values(searchAttributes),
      });
      client = new ExecutorClient(env.client, { keys });
    },
    async stop() {
      await Promise.allSettled([sandbox.close(), env.teardown()]);
    },
  };
}
