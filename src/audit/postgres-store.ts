import type pg from 'pg';
import type { PoolOptions } from '../common/postgres-pool-size.js';
import { inTransaction, openStorePool } from '../common/postgres-transaction.js';
import { type Checkpoint, type CheckpointSigner, checkpointSchema } from './checkpoint.js';
import { schemaSql, splitSchema } from './postgres-schema.js';
import { type AuditRecord, canonicalRecord } from './record.js';
import { type AppendResult, AuditCorruptError, type AuditEntry, type AuditStore } from './store.js';
import {
  AuditStoreBase,
  checkRange,
  parseJson,
  parseStoredEntry,
  prepareAppend,
  resultForExisting,
} from './store-base.js';

/**
 * The PostgreSQL store, for several workers. One head row holds the tree size and its compact range;
 * every append locks it (SELECT ... FOR UPDATE), so concurrent writers form one dense sequence, and the
 * entry, its checkpoint and the new head commit in the same transaction.
 *
 * Location: postgres://user@host:port/db[?schema=NAME] (see postgres-schema.ts).
 */

interface EntryRow {
  idx: string;
  identity: string;
  record: string;
  leaf_hash: string;
}

function entryFromRow(row: EntryRow): AuditEntry {
  const index = Number(row.idx);
  const record = parseJson(row.record);
  if (record === undefined) throw new AuditCorruptError(index, `record ${index} is not JSON`);
  return parseStoredEntry({ index, identity: row.identity, leafHash: row.leaf_hash, record }, index);
}

function checkpointFromRow(row: { size: string; checkpoint: string }): Checkpoint {
  const size = Number(row.size);
  const parsed = checkpointSchema.safeParse(parseJson(row.checkpoint));
  if (!parsed.success || parsed.data.size !== size) {
    throw new AuditCorruptError(Math.max(size - 1, 0), `checkpoint of size ${size} is unreadable`);
  }
  return parsed.data;
}

class PostgresAuditStore extends AuditStoreBase implements AuditStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly s: string,
    signer: CheckpointSigner | undefined,
  ) {
    super(signer);
  }

  append(identity: string, record: AuditRecord): Promise<AppendResult> {
    const signer = this.writer();
    return inTransaction(this.pool, async (client) => {
      const head = await client.query<{ size: string; frontier: string[] }>(
        `SELECT size, frontier FROM ${this.s}.audit_head FOR UPDATE`,
      );
      const size = Number(head.rows[0]?.size);
      const existing = await client.query<EntryRow>(
        `SELECT idx, identity, record, leaf_hash FROM ${this.s}.audit_entries WHERE identity = $1`,
        [identity],
      );
      if (existing.rows[0]) {
        const entry = entryFromRow(existing.rows[0]);
        return resultForExisting(entry, record, await this.checkpointOfSize(client, entry.index + 1));
      }
      const frontier = (head.rows[0]?.frontier ?? []).map((hex) => Buffer.from(hex, 'hex'));
      const latest = size > 0 ? await this.checkpointOfSize(client, size) : undefined;
      const prepared = prepareAppend(signer, identity, record, size, frontier, latest);
      const { entry, checkpoint } = prepared;
      await client.query(
        `INSERT INTO ${this.s}.audit_entries (idx, identity, run_id, record, leaf_hash) VALUES ($1, $2, $3, $4, $5)`,
        [size, identity, entry.record.run_id, canonicalRecord(entry.record).toString('utf8'), entry.leafHash],
      );
      await client.query(`INSERT INTO ${this.s}.audit_checkpoints (size, checkpoint) VALUES ($1, $2)`, [
        checkpoint.size,
        JSON.stringify(checkpoint),
      ]);
      await client.query(`UPDATE ${this.s}.audit_head SET size = $1, frontier = $2`, [
        size + 1,
        prepared.frontier.map((node) => node.toString('hex')),
      ]);
      return { index: size, leafHash: entry.leafHash, checkpoint, duplicate: false };
    });
  }

  private async checkpointOfSize(client: pg.PoolClient, size: number): Promise<Checkpoint> {
    const { rows } = await client.query<{ size: string; checkpoint: string }>(
      `SELECT size, checkpoint FROM ${this.s}.audit_checkpoints WHERE size = $1`,
      [size],
    );
    if (!rows[0]) throw new AuditCorruptError(size - 1, `the checkpoint of size ${size} is missing`);
    return checkpointFromRow(rows[0]);
  }

  async size(): Promise<number> {
    const { rows } = await this.pool.query<{ size: string }>(`SELECT size FROM ${this.s}.audit_head`);
    return Number(rows[0]?.size ?? 0);
  }

  async entries(from = 0, to?: number): Promise<AuditEntry[]> {
    const size = await this.size();
    const end = to ?? size;
    checkRange(from, end, size);
    const { rows } = await this.pool.query<EntryRow>(
      `SELECT idx, identity, record, leaf_hash FROM ${this.s}.audit_entries
       WHERE idx >= $1 AND idx < $2 ORDER BY idx`,
      [from, end],
    );
    const entries: AuditEntry[] = [];
    for (let index = from; index < end; index++) {
      const row = rows[index - from];
      if (!row || Number(row.idx) !== index) throw new AuditCorruptError(index, `record ${index} is missing`);
      entries.push(entryFromRow(row));
    }
    return entries;
  }

  async byRunId(runId: string): Promise<AuditEntry[]> {
    const { rows } = await this.pool.query<EntryRow>(
      `SELECT e.idx, e.identity, e.record, e.leaf_hash FROM ${this.s}.audit_entries e, ${this.s}.audit_head h
       WHERE e.run_id = $1 AND e.idx < h.size ORDER BY e.idx`,
      [runId],
    );
    return rows.map(entryFromRow);
  }

  async checkpoints(): Promise<Checkpoint[]> {
    const { rows } = await this.pool.query<{ size: string; checkpoint: string }>(
      `SELECT size, checkpoint FROM ${this.s}.audit_checkpoints ORDER BY size`,
    );
    return rows.map(checkpointFromRow);
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Connects, creates the tables if needed, and returns the store; without a signer it is read-only. */
export async function openPostgresAuditStore(
  location: string,
  signer?: CheckpointSigner,
  options: PoolOptions = {},
): Promise<AuditStore> {
  const { connectionString, schema } = splitSchema(location);
  const pool = await openStorePool(connectionString, 'marketops-audit-schema', [schemaSql(schema)], options);
  return new PostgresAuditStore(pool, schema, signer);
}
