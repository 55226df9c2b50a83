import type { NativeConnection } from '@temporalio/worker';

/** The closed workflow must outlive every receipt that could still be presented. */
export const RETENTION_MARGIN_SECONDS = 3600;

export async function namespaceRetentionSeconds(
  connection: NativeConnection,
  namespace: string,
): Promise<number> {
  const description = await connection.workflowService.describeNamespace({ namespace });
  return Number(description.config?.workflowExecutionRetentionTtl?.seconds ?? 0);
}

/**
 * Workflow-id uniqueness only guards one-time use while Temporal retains the closed
 * workflow, so a namespace that forgets sooner than a receipt can live is refused.
 */
export async function assertRetentionCovers(
  connection: NativeConnection,
  namespace: string,
  maxReceiptAgeSeconds: number,
): Promise<void> {
  const required = maxReceiptAgeSeconds + RETENTION_MARGIN_SECONDS;
  const actual = await namespaceRetentionSeconds(connection, namespace);
  if (actual < required) {
    throw new Error(
      `Namespace ${namespace} retains closed workflows for ${actual / 3600} h, but receipts live up to ${maxReceiptAgeSeconds / 3600} h; ` +
        `raise its retention to at least ${Math.ceil(required / 3600)} h (temporal operator namespace update --retention ${Math.ceil(required / 3600)}h ${namespace}).`,
    );
  }
}
