import pg from 'pg';
import { DEFAULT_POOL_MAX, type PoolOptions } from './postgres-pool-size.js';

/** Runs `work` in one transaction on one pooled connection: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // A checked-out client has no listener of the pool's: a connection PostgreSQL closes between two
  // queries (a restart) would end the process. Its next query fails instead, and the client is discarded.
  let lost: Error | undefined;
  const onLost = (error: Error) => {
    lost = error;
  };
  client.on('error', onLost);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // The original error matters; a failed rollback (the connection is gone) adds nothing to it.
    await client.query('ROLLBACK').catch((rollback: Error) => {
      lost ??= rollback;
    });
    throw error;
  } finally {
    client.removeListener('error', onLost);
    client.release(lost);
  }
}

/**
 * A store's pool, with its tables created: `statements` run in one transaction under the advisory
 * lock named `lock`, because workers opening an empty database together would race CREATE … IF
 * NOT EXISTS into a duplicate catalog entry (pg_type_typname_nsp_index); with the lock they take
 * turns. A pool whose tables could not be created is ended, not left connected.
 */
export async function openStorePool(
  connectionString: string,
  lock: string,
  statements: readonly string[],
  { poolMax = DEFAULT_POOL_MAX }: PoolOptions = {},
): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString, max: poolMax });
  // PostgreSQL closing an idle pooled connection (a restart, a failover) is emitted here, and an
  // unhandled 'error' event ends the process. The pool has already dropped that connection; the
  // next query opens a fresh one, and a query in flight fails on its own (its activity retries).
  pool.on('error', () => undefined);
  try {
    await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lock]);
      for (const statement of statements) await client.query(statement);
    });
    return pool;
  } catch (error) {
    await pool.end();
    throw error;
  }
}
