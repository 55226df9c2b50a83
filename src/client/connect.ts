import { Client, Connection } from '@temporalio/client';
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
  return { executor: new ExecutorClient(client, keys), client, close: () => connection.close() };
}
