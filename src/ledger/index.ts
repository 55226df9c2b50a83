import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { syncPath, writeSynced } from '../common/durable-files.js';
import type { PoolOptions } from '../common/postgres-pool-size.js';
import { openStorePool } from '../common/postgres-transaction.js';
import { parseStoreLocation } from '../common/store-location.js';

/**
 * The durable consumed-receipts ledger: what makes a receipt one-time. Temporal's id
 * policies let a receipt's workflow id run again after a run that ended failed (a forged
 * start must not burn a genuine receipt), and a closed workflow outlives no retention,
 * so the ledger, written before any GitHub write, is the authority: a receipt id can be
 * consumed by one workflow *run* only.
 */
export type Consumption = { consumed: true } | { consumed: false; consumedBy: string };

/** One run of one workflow: a second run under the same workflow id is another consumer. */
export interface Consumer {
  workflowId: string;
  runId: string;
}

export interface ReceiptLedger {
  /** Idempotent for the same run, so an activity retry is not a second use. */
  consume(receiptId: string, consumer: Consumer): Promise<Consumption>;
  close(): Promise<void>;
}

/** Older entries name no run (null): no run matches them, so they stay consumed for good. */
const verdict = (owner: { workflowId: string; runId: string | null }, consumer: Consumer): Consumption =>
  owner.workflowId === consumer.workflowId && owner.runId === consumer.runId
    ? { consumed: true }
    : { consumed: false, consumedBy: `${owner.workflowId} (run ${owner.runId ?? 'unknown'})` };

/**
 * One file per receipt. The content is written and synced under a temporary name, then
 * hard-linked into place: link() fails when the name exists, so it is the unique
 * constraint, and a crash can never leave a claimed name without its owner.
 */
async function openFileLedger(dir: string): Promise<ReceiptLedger> {
  await mkdir(dir, { recursive: true });
  const pathFor = (receiptId: string) =>
    join(dir, `${createHash('sha256').update(receiptId).digest('hex')}.json`);
  return {
    async consume(receiptId, consumer) {
      const path = pathFor(receiptId);
      const pending = `${path}.${randomUUID()}.tmp`;
      await writeSynced(
        pending,
        JSON.stringify({ receiptId, ...consumer, consumedAt: new Date().toISOString() }),
        'wx',
      );
      try {
        await link(pending, path);
        // The new name must survive a power loss too, before any GitHub write relies on it.
        await syncPath(dir);
        return { consumed: true };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = JSON.parse(await readFile(path, 'utf8')) as { workflowId: string; runId?: string };
        return verdict({ workflowId: owner.workflowId, runId: owner.runId ?? null }, consumer);
      } finally {
        await rm(pending, { force: true });
      }
    },
    async close() {},
  };
}

async function openPostgresLedger(url: string, options: PoolOptions): Promise<ReceiptLedger> {
  const pool = await openStorePool(
    url,
    'marketops-consumed-receipts',
    [
      `CREATE TABLE IF NOT EXISTS marketops_consumed_receipts (
      receipt_id text PRIMARY KEY,
      workflow_id text NOT NULL,
      consumed_at timestamptz NOT NULL DEFAULT now())`,
      // Ledgers created before runs were recorded gain the column; their rows keep NULL.
      'ALTER TABLE marketops_consumed_receipts ADD COLUMN IF NOT EXISTS run_id text',
    ],
    options,
  );
  return {
    async consume(receiptId, consumer) {
      const inserted = await pool.query(
        `INSERT INTO marketops_consumed_receipts (receipt_id, workflow_id, run_id) VALUES ($1, $2, $3)
         ON CONFLICT (receipt_id) DO NOTHING`,
        [receiptId, consumer.workflowId, consumer.runId],
      );
      if (inserted.rowCount === 1) return { consumed: true };
      // A separate statement: its snapshot sees the row a concurrent insert just committed.
      const { rows } = await pool.query<{ workflow_id: string; run_id: string | null }>(
        'SELECT workflow_id, run_id FROM marketops_consumed_receipts WHERE receipt_id = $1',
        [receiptId],
      );
      const owner = rows[0];
      return verdict({ workflowId: String(owner?.workflow_id), runId: owner?.run_id ?? null }, consumer);
    },
    close: () => pool.end(),
  };
}

/** `postgres://…` for shared deployments; `file:DIR`, `file:///abs/dir` or a plain path for one host. */
export function openLedger(location: string, options: PoolOptions = {}): Promise<ReceiptLedger> {
  const where = parseStoreLocation(location);
  return where.kind === 'postgres' ? openPostgresLedger(where.url, options) : openFileLedger(where.dir);
}
