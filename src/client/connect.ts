import { Client, Connection } from '@temporalio/client';
import { openAuditStore } from '../audit/index.js';
import type { Config } from '../config/index.js';
import { readKeyRingFile } from '../receipts/index.js';
import { ExecutorClient } from './executor-client.js';

export interface ConnectedExecutor {
  executor: ExecutorClient;
  client: Client;
  close(): Promise<void>;
}

/** Connects as Federation Core would: Temporal per its env conventions, receipts checked against the key ring. */
export async function connectExecutor(
  config: Config,
  keysFile = config.receipts.keysFile,
): Promise<ConnectedExecutor> {
  const keys = await readKeyRingFile(keysFile);
  const connection = await Connection.connect(config.temporal.connectionOptions).catch((error: Error) => {
    const address = config.temporal.connectionOptions.address ?? 'localhost:7233';
    throw new Error(
      `Cannot reach Temporal at ${address} (${error.message}); start it with \`npm start\` or set TEMPORAL_ADDRESS.`,
    );
  });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const auditStore = await openAuditStore(config.audit.store);
  return {
    executor: new ExecutorClient(client, keys, auditStore),
    client,
    async close() {
      await Promise.allSettled([auditStore.close(), connection.close()]);
    },
  };
}
