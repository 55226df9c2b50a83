import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openAuditStore } from '../../src/audit/index.js';
import { openBudgetStore } from '../../src/budgets/store.js';
import { openLedger } from '../../src/ledger/index.js';
import { testPostgresUrl } from '../support/postgres.js';

/**
 * Issue 23, point 4: replicas starting together on an empty database. Without a schema lock, two
 * concurrent first opens of the ledger failed 10 times out of 10 (duplicate key in
 * pg_type_typname_nsp_index). Every PostgreSQL store is opened OPENS times at once on an empty
 * database (a fresh schema each round, ROUNDS rounds) and must come up each time with its tables.
 */
const OPENS = 6;
const ROUNDS = 4;

interface Closable {
  close(): Promise<void>;
}

interface Store {
  /** Opens the store on the empty database `schema`. */
  open(schema: string): Promise<Closable>;
  /** The audit log creates its schema itself; the others are given one, as an operator would. */
  createsSchema: boolean;
  tables: string[];
}

const stores: [string, Store][] = [
  [
    'the audit log',
    {
      open: (schema) => openAuditStore(withSchema(schema)),
      createsSchema: true,
      tables: ['audit_checkpoints', 'audit_entries', 'audit_head'],
    },
  ],
  [
    'the receipt ledger',
    {
      open: (schema) => openLedger(onSearchPath(schema)),
      createsSchema: false,
      tables: ['marketops_consumed_receipts'],
    },
  ],
  [
    'the budget store',
    {
      open: (schema) => openBudgetStore(onSearchPath(schema)),
      createsSchema: false,
      tables: ['marketops_github_budgets'],
    },
  ],
];

function withSchema(schema: string): string {
  const url = new URL(testPostgresUrl());
  url.searchParams.set('schema', schema);
  return url.href;
}

/** The ledger and the budget store create their tables on the connection's search_path. */
function onSearchPath(schema: string): string {
  const url = new URL(testPostgresUrl());
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.href;
}

const admin = new pg.Client({ connectionString: testPostgresUrl() });
const schemas: string[] = [];
beforeAll(() => admin.connect());
afterAll(async () => {
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

it.each(stores)(
  '%s creates its tables once when several workers open an empty database at once',
  async (_, { open, createsSchema, tables }) => {
    for (let round = 0; round < ROUNDS; round++) {
      const schema = `first_open_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      if (!createsSchema) await admin.query(`CREATE SCHEMA ${schema}`);
      const opened = await Promise.allSettled(Array.from({ length: OPENS }, () => open(schema)));
      await Promise.all(
        opened.map((store) => (store.status === 'fulfilled' ? store.value.close() : undefined)),
      );
      expect(opened.filter((store) => store.status === 'rejected')).toEqual([]);
      const { rows } = await admin.query<{ table_name: string }>(
        'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
        [schema],
      );
      expect(rows.map((row) => row.table_name).sort()).toEqual(tables);
    }
  },
  60_000,
);
