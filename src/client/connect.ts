import { Client, Connection } from '@temporalio/client';
import { openAuditStore } from '../audit/index.js';
import type { Config } from '../config/index.js';
import { readKeyRingFile } from '../receipts/index.js';
import { ExecutorClient } from './executor-client.js';

/** Not a usage mistake: the service is down or elsewhere. */
export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
}

export interface ConnectedExecutor {
  executor: ExecutorClient;
  client: Client;
  close(): Promise<void>;
}

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
 * ms) bounds the attempt to reach Temporal, which otherwise waits for the SDK's 10 s.
 */
export async function connectExecutor(
  config: Config,
  keysFile: string | null = config.receipts.keysFile,
  deadline?: number,
): Promise<ConnectedExecutor> {
  const keys = keysFile === null ? undefined : await readKeys(keysFile);
  const connectionOptions =
    deadline === undefined
      ? config.temporal.connectionOptions
      : { ...config.temporal.connectionOptions, connectTimeout: Math.max(1, deadline - Date.now()) };
  const connection = await Connection.connect(connectionOptions).catch((error: Error) => {
    const address = config.temporal.connectionOptions.address ?? 'localhost:7233';
    throw new TemporalUnreachableError(
      `Cannot reach Temporal at ${address} (${error.message}); start it with \`npm start\` or set TEMPORAL_ADDRESS.`,
    );
  });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const auditStore = await openAuditStore(config.audit.store);
  return {
    executor: new ExecutorClient(client, { keys, auditStore, audience: config.receipts.audience }),
    client,
    async close() {
      await Promise.allSettled([auditStore.close(), connection.close()]);
    },
  };
}
