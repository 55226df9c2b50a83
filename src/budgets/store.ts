import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { replaceSynced } from '../common/durable-files.js';
import type { PoolOptions } from '../common/postgres-pool-size.js';
import { inTransaction, openStorePool } from '../common/postgres-transaction.js';
import { parseStoreLocation } from '../common/store-location.js';
import { type BudgetState, emptyBudget } from './state.js';

/**
 * Where every worker of a deployment keeps each identity's budget: a reservation is written
 * here before its request is sent, so a worker killed mid-train leaves its reservations behind
 * and the next one cannot spend the same minute twice. One host: a directory (a lock file per
 * identity); several hosts: PostgreSQL (a row lock per identity).
 */
export interface BudgetStore {
  /** Reads `identity`'s state, applies `change` and stores the result, atomically across workers. */
  update<T>(identity: string, change: (state: BudgetState) => { state: BudgetState; result: T }): Promise<T>;
  close(): Promise<void>;
}

const grantSchema = z.strictObject({
  key: z.string().min(1),
  at: z.number(),
  leaseEnd: z.number(),
  writes: z.number().int().nonnegative(),
  reads: z.number().int().nonnegative(),
  // A grant stored before claims were recorded counts as sent at its slot: the cautious reading.
  sent: z.boolean().default(true),
});
const budgetStateSchema = z.strictObject({
  grants: z.array(grantSchema),
  blockedUntil: z.number(),
  tightening: z.strictObject({ factor: z.number().positive().max(1), until: z.number() }).nullable(),
  primary: z
    .strictObject({
      limit: z.number().int().positive(),
      remaining: z.number().int().nonnegative(),
      resetAt: z.number(),
      observedAt: z.number(),
    })
    .nullable(),
});

const parseState = (value: unknown): BudgetState => budgetStateSchema.parse(value);

/** Serialises one process's updates per identity, so they do not contend for the cross-process lock. */
function perIdentityQueue() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(identity: string, work: () => Promise<T>): Promise<T> => {
    const run = (tails.get(identity) ?? Promise.resolve()).then(work, work);
    const tail = run.catch(() => undefined);
    tails.set(identity, tail);
    void tail.then(() => {
      if (tails.get(identity) === tail) tails.delete(identity);
    });
    return run;
  };
}

/** For one process that needs no durability: tests and benchmarks that run workers in-process. */
export function memoryBudgetStore(): BudgetStore {
  const states = new Map<string, BudgetState>();
  const serial = perIdentityQueue();
  return {
    update: (identity, change) =>
      serial(identity, async () => {
        const { state, result } = change(states.get(identity) ?? emptyBudget());
        states.set(identity, state);
        return result;
      }),
    async close() {},
  };
}

const LOCK_OPTIONS = {
  realpath: false,
  stale: 10_000,
  retries: { retries: 400, factor: 1.3, minTimeout: 2, maxTimeout: 100, randomize: true },
};

/**
 * One JSON file per identity, replaced whole (written and synced under a temporary name, then
 * renamed) while its lock is held: a crash leaves the old state or the new, never half of one.
 */
async function openFileBudgetStore(dir: string): Promise<BudgetStore> {
  await mkdir(dir, { recursive: true });
  const serial = perIdentityQueue();
  const pathFor = (identity: string) =>
    join(dir, `${createHash('sha256').update(identity).digest('hex').slice(0, 32)}.json`);

  async function read(path: string): Promise<BudgetState> {
    try {
      return parseState((JSON.parse(await readFile(path, 'utf8')) as { state?: unknown }).state);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyBudget();
      throw error;
    }
  }

  return {
    update: (identity, change) =>
      serial(identity, async () => {
        const path = pathFor(identity);
        const release = await lockfile.lock(path, { ...LOCK_OPTIONS, lockfilePath: `${path}.lock` });
        try {
          const current = await read(path);
          const { state, result } = change(current);
          // A change that keeps the state (a look at an unknown window) costs no synced write.
          if (state === current) return result;
          await replaceSynced(path, JSON.stringify({ identity, state }));
          return result;
        } finally {
          await release();
        }
      }),
    async close() {},
  };
}

async function openPostgresBudgetStore(url: string, options: PoolOptions): Promise<BudgetStore> {
  const pool = await openStorePool(
    url,
    'marketops-github-budgets',
    [
      `CREATE TABLE IF NOT EXISTS marketops_github_budgets (
      identity text PRIMARY KEY,
      state jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`,
    ],
    options,
  );
  const serial = perIdentityQueue();
  return {
    update: (identity, change) =>
      serial(identity, () =>
        inTransaction(pool, async (client) => {
          await client.query(
            `INSERT INTO marketops_github_budgets (identity, state) VALUES ($1, $2)
             ON CONFLICT (identity) DO NOTHING`,
            [identity, emptyBudget()],
          );
          const { rows } = await client.query<{ state: unknown }>(
            'SELECT state FROM marketops_github_budgets WHERE identity = $1 FOR UPDATE',
            [identity],
          );
          const current = parseState(rows[0]?.state);
          const { state, result } = change(current);
          if (state === current) return result;
          await client.query(
            'UPDATE marketops_github_budgets SET state = $2, updated_at = now() WHERE identity = $1',
            [identity, state],
          );
          return result;
        }),
      ),
    close: () => pool.end(),
  };
}

/** `postgres://…` for several hosts; `file:DIR`, `file:///abs/dir` or a plain path for one. */
export function openBudgetStore(location: string, options: PoolOptions = {}): Promise<BudgetStore> {
  const where = parseStoreLocation(location);
  return where.kind === 'postgres'
    ? openPostgresBudgetStore(where.url, options)
    : openFileBudgetStore(where.dir);
}
