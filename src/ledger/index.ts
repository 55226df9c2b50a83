import { createHash, randomUUID } from 'node:crypto';
import { link, mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

/**
 * The durable consumed-receipts ledger: the second defence of one-time use, for
 * when Temporal no longer retains the closed workflow that holds the receipt's id.
 * Written before any GitHub write; a receipt id can be consumed by one workflow only.
 */
export type Consumption = { consumed: true } | { consumed: false; consumedBy: string };

export interface ReceiptLedger {
  /** Idempotent for the same workflow, so an activity retry is not a second use. */
  consume(receiptId: string, workflowId: string): Promise<Consumption>;
  close(): Promise<void>;
}

const verdict = (owner: string, workflowId: string): Consumption =>
  owner === workflowId ? { consumed: true } : { consumed: false, consumedBy: owner };

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
    async consume(receiptId, workflowId) {
      const path = pathFor(receiptId);
      const pending = `${path}.${randomUUID()}.tmp`;
      await writeSynced(
        pending,
        JSON.stringify({ receiptId, workflowId, consumedAt: new Date().toISOString() }),
      );
      try {
        await link(pending, path);
        await syncDirectory(dir);
        return { consumed: true };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = JSON.parse(await readFile(path, 'utf8')) as { workflowId: string };
        return verdict(owner.workflowId, workflowId);
      } finally {
        await rm(pending, { force: true });
      }
    },
    async close() {},
  };
}

/** The new name must survive a power loss too, before any GitHub write relies on it. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeSynced(path: string, content: string): Promise<void> {
  const file = await open(path, 'wx');
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
}

async function openPostgresLedger(url: string): Promise<ReceiptLedger> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query(`CREATE TABLE IF NOT EXISTS marketops_consumed_receipts (
    receipt_id text PRIMARY KEY,
    workflow_id text NOT NULL,
    consumed_at timestamptz NOT NULL DEFAULT now())`);
  return {
    async consume(receiptId, workflowId) {
      const inserted = await pool.query(
        `INSERT INTO marketops_consumed_receipts (receipt_id, workflow_id) VALUES ($1, $2)
         ON CONFLICT (receipt_id) DO NOTHING`,
        [receiptId, workflowId],
      );
      if (inserted.rowCount === 1) return { consumed: true };
      // A separate statement: its snapshot sees the row a concurrent insert just committed.
      const { rows } = await pool.query<{ workflow_id: string }>(
        'SELECT workflow_id FROM marketops_consumed_receipts WHERE receipt_id = $1',
        [receiptId],
      );
      return verdict(String(rows[0]?.workflow_id), workflowId);
    },
    close: () => pool.end(),
  };
}

/** `postgres://…` for shared deployments; `file:DIR` (or a plain path) for one host. */
export function openLedger(location: string): Promise<ReceiptLedger> {
  if (/^postgres(ql)?:\/\//.test(location)) return openPostgresLedger(location);
  return openFileLedger(location.replace(/^file:/, ''));
}
