/**
 * Where a log lives in PostgreSQL: `?schema=NAME` of the location (default "public") lets several logs
 * share a database; it is ours, not libpq's, and is removed before connecting.
 */
export function splitSchema(location: string): { connectionString: string; schema: string } {
  const url = new URL(location);
  const schema = url.searchParams.get('schema') ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(
      `Audit store schema "${schema}" must be a lowercase SQL identifier (letters, digits, _).`,
    );
  }
  url.searchParams.delete('schema');
  return { connectionString: url.toString(), schema };
}

/** The log's tables in schema `s`, each created if missing. */
export function schemaSql(s: string): string {
  return `
    CREATE SCHEMA IF NOT EXISTS ${s};
    CREATE TABLE IF NOT EXISTS ${s}.audit_head (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      size bigint NOT NULL,
      frontier text[] NOT NULL
    );
    INSERT INTO ${s}.audit_head (singleton, size, frontier) VALUES (true, 0, '{}') ON CONFLICT DO NOTHING;
    CREATE TABLE IF NOT EXISTS ${s}.audit_entries (
      idx bigint PRIMARY KEY,
      identity text NOT NULL UNIQUE,
      run_id text,
      record text NOT NULL,
      leaf_hash text NOT NULL
    );
    CREATE INDEX IF NOT EXISTS audit_entries_run_id ON ${s}.audit_entries (run_id);
    CREATE TABLE IF NOT EXISTS ${s}.audit_checkpoints (size bigint PRIMARY KEY, checkpoint text NOT NULL);`;
}
