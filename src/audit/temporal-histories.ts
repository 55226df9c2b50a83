import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { AuditEntry } from './store.js';

export interface TemporalTarget {
  connectionOptions: ConnectionOptions;
  namespace: string;
}

/** The Temporal histories (as JSON) of the workflows that wrote these records, keyed by workflow id. */
export async function fetchHistories(
  entries: readonly AuditEntry[],
  target: TemporalTarget,
): Promise<Record<string, unknown>> {
  // The exact run that wrote the record, not whatever run holds the workflow id today.
  const runs = new Map(
    entries.flatMap((e) =>
      e.record.temporal ? [[e.record.temporal.workflow_id, e.record.temporal.run_id]] : [],
    ),
  );
  if (runs.size === 0) return {};
  const connection = await Connection.connect(target.connectionOptions);
  try {
    const client = new Client({ connection, namespace: target.namespace });
    const histories: Record<string, unknown> = {};
    for (const [id, runId] of runs) {
      // protobufjs's toJSON: camelCase fields, bytes as base64, enums by name, as Temporal's own JSON.
      histories[id] = JSON.parse(JSON.stringify(await client.workflow.getHandle(id, runId).fetchHistory()));
    }
    return histories;
  } finally {
    await connection.close();
  }
}
