import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { replaceSynced, syncPath } from '../common/durable-files.js';
import type { PoolOptions } from '../common/postgres-pool-size.js';
import { openStorePool } from '../common/postgres-transaction.js';
import { parseStoreLocation } from '../common/store-location.js';
import { splitSchema } from './postgres-schema.js';

/** The two files a decision's record names by digest (`policy_digest`, `revocations_digest`). */
export type VersionKind = 'policy' | 'revocations';

/**
 * Every version of the policy and of the revocation list a decision used, kept by digest where the audit
 * log lives: the one place every worker writes and `audit export` reads, whether that is a folder or a
 * PostgreSQL database shared by several hosts. A version is the canonical JSON of the parsed file, so a
 * bundle can carry it and an auditor recompute its digest.
 */
export interface DecisionVersions {
  /** Idempotent: a digest names one content. */
  keep(kind: VersionKind, digest: string, content: object): Promise<void>;
  /** The parsed content kept under `digest`, or undefined when none is. */
  read(kind: VersionKind, digest: string): Promise<unknown>;
  close(): Promise<void>;
}

const canonical = (content: object): string => {
  const text = canonicalize(content);
  if (text === undefined) throw new TypeError('A decision version is a JSON object.');
  return text;
};

/** `sha256:<hex>` as a file name. */
const fileName = (digest: string) => `${digest.replace(/[^A-Za-z0-9]/g, '-')}.json`;
const folders: Record<VersionKind, string> = { policy: 'policies', revocations: 'revocation-lists' };

function fileVersions(dir: string): DecisionVersions {
  const path = (kind: VersionKind, digest: string) => join(dir, folders[kind], fileName(digest));
  const read = async (kind: VersionKind, digest: string): Promise<unknown> => {
    try {
      return JSON.parse(await readFile(path(kind, digest), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };
  return {
    read,
    async keep(kind, digest, content) {
      if ((await read(kind, digest)) !== undefined) return;
      await mkdir(join(dir, folders[kind]), { recursive: true });
      await replaceSynced(path(kind, digest), canonical(content));
      // A decision's record will name this version: its name must survive a power loss too.
      await syncPath(join(dir, folders[kind]));
    },
    close: async () => undefined,
  };
}

async function postgresVersions(location: string, options: PoolOptions): Promise<DecisionVersions> {
  const { connectionString, schema: s } = splitSchema(location);
  const table = `${s}.audit_decision_versions`;
  const pool = await openStorePool(
    connectionString,
    'marketops-audit-schema',
    [
      `CREATE SCHEMA IF NOT EXISTS ${s}`,
      `CREATE TABLE IF NOT EXISTS ${table} (kind text NOT NULL, digest text NOT NULL, content text NOT NULL, PRIMARY KEY (kind, digest))`,
    ],
    options,
  );
  return {
    async keep(kind, digest, content) {
      await pool.query(
        `INSERT INTO ${table} (kind, digest, content) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [kind, digest, canonical(content)],
      );
    },
    async read(kind, digest) {
      const { rows } = await pool.query<{ content: string }>(
        `SELECT content FROM ${table} WHERE kind = $1 AND digest = $2`,
        [kind, digest],
      );
      return rows[0] === undefined ? undefined : JSON.parse(rows[0].content);
    },
    close: () => pool.end(),
  };
}

/** The versions kept beside the audit log at `location` (an audit store location: file:DIR or postgres://…). */
export async function openDecisionVersions(
  location: string,
  options: PoolOptions = {},
): Promise<DecisionVersions> {
  const where = parseStoreLocation(location);
  return where.kind === 'postgres' ? postgresVersions(where.url, options) : fileVersions(where.dir);
}
