import { randomBytes } from 'node:crypto';

/** The PostgreSQL server the tests use: scripts/postgres.sh starts it; tests fail (never skip) without it. */
export const testPostgresUrl = (): string =>
  process.env.MARKETOPS_TEST_PG_URL || 'postgres://marketops@127.0.0.1:54329/marketops';

/** A location in a fresh schema, so each test gets an empty log in the shared database. */
export const freshPostgresLocation = (prefix: string): string =>
  `${testPostgresUrl()}?schema=${prefix}_${randomBytes(6).toString('hex')}`;
