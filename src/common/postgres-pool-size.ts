/**
 * Connections one PostgreSQL store of a process holds at most (MARKETOPS_PG_POOL_MAX): a worker
 * has three stores; docs/configuration.md adds them up against PostgreSQL's max_connections.
 * Apart from the stores, so the configuration reads it without loading pg.
 */
export const DEFAULT_POOL_MAX = 4;

export interface PoolOptions {
  poolMax?: number;
}
