import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { msToTs } from '@temporalio/common/lib/time.js';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type pino from 'pino';
import { generateAuditKeys } from '../audit/index.js';
import { auditKeyFileNames, receiptKeyFileNames } from '../config/key-file-names.js';
import { ensureKeyPair, type KeyFiles, keyFilesIn } from '../keys/key-files.js';
import { generateSigningKey } from '../receipts/index.js';
import { type RunningSandbox, startSandbox } from '../sandbox/index.js';
import { searchAttributes } from '../shared.js';
import { createLocalEnv } from '../temporal/servers.js';
import { watchPort } from './port-watch.js';
import type { Supervisor } from './supervisor.js';

/** Closed workflows are kept three days: well past a receipt's 24 h plus the worker's margin. */
export const LOCAL_RETENTION_SECONDS = 72 * 3600;

export interface LocalStackOptions {
  dataDir: string;
  temporalPort: number;
  uiPort: number;
  /** Absent: a real GitHub is configured and no sandbox runs. */
  sandboxPort?: number;
  /** Where the sandbox logs its own failures. */
  logger?: pino.Logger;
  /** Present (in `start`): the sandbox runs as its part, and a dead Temporal server is reported. */
  supervisor?: Supervisor;
}

export interface LocalStack {
  temporalAddress: string;
  uiUrl: string;
  sandbox?: RunningSandbox;
  keys: { receipt: KeyFiles; audit: KeyFiles };
  env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

async function setRetention(env: TestWorkflowEnvironment, namespace: string): Promise<void> {
  await env.connection.workflowService.updateNamespace({
    namespace,
    config: { workflowExecutionRetentionTtl: msToTs(LOCAL_RETENTION_SECONDS * 1000) },
  });
}

/**
 * The dev server (SQLite in the data folder, Web UI on), the namespace with enough
 * retention and the search attributes, the keys, and the sandbox. A second start
 * resumes with the same database and keys.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const keysDir = join(dataDir, 'keys');
  const keys = {
    receipt: await ensureKeyPair(keyFilesIn(keysDir, receiptKeyFileNames), () => generateSigningKey()),
    audit: await ensureKeyPair(keyFilesIn(keysDir, auditKeyFileNames), generateAuditKeys),
  };
  const env = await createLocalEnv({
    dbFilename: join(dataDir, 'temporal.sqlite'),
    port: options.temporalPort,
    uiPort: options.uiPort,
    searchAttributes: Object.values(searchAttributes),
    // Ctrl-C reaches the dev server directly; its dial errors while stopping would bury the one closing line.
    log: { format: 'pretty', level: options.logger?.isLevelEnabled('debug') ? 'warn' : 'error' },
  });
  try {
    await setRetention(env, env.namespace ?? 'default');
    const { sandboxPort, supervisor, logger } = options;
    const sandboxPart = () =>
      sandboxPort === undefined ? undefined : startSandbox({ port: sandboxPort, logger });
    const sandbox = await (supervisor ? supervisor.run('the GitHub sandbox', sandboxPart) : sandboxPart());
    const address = `127.0.0.1:${options.temporalPort}`;
    const unwatch = supervisor
      ? watchPort('127.0.0.1', options.temporalPort, (error) =>
          supervisor.fail(
            'the Temporal dev server',
            `stopped: nothing accepts connections on ${address} (${error.code ?? error.message})`,
          ),
        )
      : () => {};
    return {
      temporalAddress: address,
      uiUrl: `http://localhost:${options.uiPort}`,
      sandbox,
      keys,
      env,
      async stop() {
        unwatch();
        await sandbox?.close();
        await env.teardown();
      },
    };
  } catch (error) {
    await env.teardown();
    throw error;
  }
}
