import { Client, Connection } from '@temporalio/client';
import { openAuditStore } from '../audit/index.js';
import type { Config } from '../config/index.js';
import { readKeyRingFile } from '../receipts/index.js';
import { ExecutorClient } from './executor-client.js';
import { OutageRetries } from './outage-retries.js';

/** Not a usage mistake: the service is down or elsewhere. */
export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
}

export interface ConnectedExecutor {
  executor: ExecutorClient;
  client: Client;
  /**
   * A sentence when Temporal stopped answering during this connection and still does not
   * answer now; undefined when it never stopped, or answers again.
   */
  unreachable(): Promise<string | undefined>;
  close(): Promise<void>;
}

/** How long a check whether Temporal answers again may take, once a command's time is up. */
const PROBE_MS = 1_000;

async function readKeys(path: string) {
  return readKeyRingFile(path).catch((error: Error) => {
    throw new Error(
      `${error.message.replace(/\.$/, '')}, or set MARKETOPS_RECEIPT_KEYS to the executor's receipt key ring.`,
    );
  });
}

/**
 * Connects as Federation Core would: Temporal per its env conventions, receipts checked
 * against the key ring (pass `null` for a client that only inspects runs). A `deadline` (epoch
 * ms) bounds the attempt to reach Temporal, which otherwise waits for the SDK's 10 s. Once
 * connected, calls ride out an outage (`OutageRetries`); `say` hears when one begins.
 */
export async function connectExecutor(
  config: Config,
  keysFile: string | null = config.receipts.keysFile,
  deadline?: number,
  say: (line: string) => void = () => {},
): Promise<ConnectedExecutor> {
  const keys = keysFile === null ? undefined : await readKeys(keysFile);
  const address = config.temporal.connectionOptions.address ?? 'localhost:7233';
  let connected = false;
  let lostAt: Date | undefined;
  const lost = () => {
    if (!connected || lostAt) return;
    lostAt = new Date();
    say(
      `Temporal at ${address} stopped answering; retrying${deadline === undefined ? '' : ' until --timeout'}; what was started goes on on the server`,
    );
  };
  const retries = new OutageRetries(lost);
  const connectionOptions = {
    ...config.temporal.connectionOptions,
    interceptors: [retries.interceptor()],
    ...(deadline === undefined ? {} : { connectTimeout: Math.max(1, deadline - Date.now()) }),
  };
  const connection = await Connection.connect(connectionOptions).catch((error: Error) => {
    throw new TemporalUnreachableError(
      `Cannot reach Temporal at ${address} (${error.message}); start it with \`npm start\` or set TEMPORAL_ADDRESS.`,
    );
  });
  connected = true;
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const auditStore = await openAuditStore(config.audit.store);
  return {
    executor: new ExecutorClient(client, { keys, auditStore, audience: config.receipts.audience }),
    client,
    async unreachable() {
      if (!lostAt) return undefined;
      const answers = await connection
        .withDeadline(Date.now() + PROBE_MS, () => connection.workflowService.getSystemInfo({}))
        .then(
          () => true,
          () => false,
        );
      return answers
        ? undefined
        : `Temporal at ${address} stopped answering at ${lostAt.toISOString()} and still does not answer`;
    },
    async close() {
      await retries.settle();
      await Promise.allSettled([auditStore.close(), connection.close()]);
    },
  };
}
