import { randomUUID } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';

/**
 * Writes that must survive a crash or a power loss: the audit log and the consumed-receipts ledger
 * rely on them before any GitHub write does.
 */

/** Writes `content` ('a' appends, 'wx' creates a file that must not exist) and syncs it to disk. */
export async function writeSynced(path: string, content: string, flag: 'a' | 'wx'): Promise<void> {
  const file = await open(path, flag);
  try {
    await file.writeFile(content);
    await file.sync();
  } finally {
    await file.close();
  }
}

/**
 * Flushes `path` to disk: a file's bytes, or a directory's names (a new name in a directory
 * survives a power loss only once the directory itself is synced).
 */
export async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` whole: written and synced under a temporary name, then renamed over it, so a
 * reader or a crash sees the old content or the new, never half of one. Writers hold a lock.
 */
export async function replaceSynced(path: string, content: string): Promise<void> {
  const pending = `${path}.${randomUUID()}.tmp`;
  try {
    await writeSynced(pending, content, 'wx');
    await rename(pending, path);
  } finally {
    await rm(pending, { force: true });
  }
}
