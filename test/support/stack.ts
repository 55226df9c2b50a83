import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { JWK } from 'jose';
import { ExecutorClient } from '../../src/client/executor-client.js';
import type { KeyFiles } from '../../src/keys/key-files.js';
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

/** What a bench stack is made of: some Temporal server, the keys, and a sandbox process. */
export interface StackParts {
  dataDir: string;
  temporalAddress: string;
  keys: { receipt: KeyFiles; audit: KeyFiles };
  env: TestWorkflowEnvironment;
  sandbox: SandboxProcess;
  /** Restarts the server after `current` was torn down; the environment on the restarted server. */
  restartServer(): Promise<TestWorkflowEnvironment>;
}

/** A bench stack on any server: the client, receipt issuing and files `marketops worker` needs. */
export async function benchStackOn(parts: StackParts): Promise<BenchStack> {
  const { dataDir, sandbox } = parts;
  const keys = await readKeyRingFile(parts.keys.receipt.publicKeysFile);
  const signingKey = await readJwk(parts.keys.receipt.privateKeyFile);
  let env = parts.env;
  let client = new ExecutorClient(env.client, { keys });
  return {
    dataDir,
    temporalAddress: parts.temporalAddress,
    sandbox,
    keys,
    files: {
      receiptKeys: parts.keys.receipt.publicKeysFile,
      auditKey: parts.keys.audit.privateKeyFile,
      auditKeys: parts.keys.audit.publicKeysFile,
      audit: join(dataDir, 'audit'),
      ledger: join(dataDir, 'ledger'),
      artifacts: join(dataDir, 'artifacts'),
    },
    env: () => env,
    client: () => client,
    issue: (request) => issueReceipt(signingKey, request, { ttlSeconds: 3600, audience: DEFAULT_AUDIENCE }),
    async restartTemporal() {
      await env.teardown();
      env = await parts.restartServer();
      client = new ExecutorClient(env.client, { keys });
    },
    async stop() {
      await Promise.allSettled([sandbox.close(), env.teardown()]);
    },
  };
}

/** `marketops start`'s stack (dev server with SQLite and UI, keys, retention) plus a bench-seeded sandbox process. */
export async function startBenchStack(sandboxConfig: SandboxConfig): Promise<BenchStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'marketops-bench-'));
  const temporalPort = await freePort();
  const stack: LocalStack = await startLocalStack({ dataDir, temporalPort, uiPort: await freePort() });
  return benchStackOn({
    dataDir,
    temporalAddress: stack.temporalAddress,
    keys: stack.keys,
    env: stack.env,
    sandbox: await startSandboxProcess(sandboxConfig, dataDir),
    restartServer: () =>
      createLocalEnv({
        dbFilename: join(dataDir, 'temporal.sqlite'),
        port: temporalPort,
        searchAttributes: Object.values(searchAttributes),
      }),
  });
}
