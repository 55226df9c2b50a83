import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the audit log or the ledger lives: a PostgreSQL database, or a directory on this host. */
export type StoreLocation = { kind: 'postgres'; url: string } | { kind: 'file'; dir: string };

/**
 * 'postgres://…' or 'postgresql://…' names a database; 'file:///abs/dir' (a file URL), 'file:DIR' or
 * a plain path names a directory, made absolute against the working directory.
 */
export function parseStoreLocation(location: string): StoreLocation {
  if (/^postgres(ql)?:\/\//.test(location)) return { kind: 'postgres', url: location };
  if (!location.startsWith('file://')) return { kind: 'file', dir: resolve(location.replace(/^file:/, '')) };
  try {
    return { kind: 'file', dir: fileURLToPath(location) };
  } catch (error) {
    throw new Error(
      `${location} is not a usable file URL (${(error as Error).message}); write file:///absolute/path or file:PATH.`,
    );
  }
}
