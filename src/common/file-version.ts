import { stat } from 'node:fs/promises';

/**
 * What identifies one version of a file on disk, cheaply (one stat); null when it does not exist.
 * ctime and inode beside mtime and size: a key swapped in place keeps the size, and `cp -p` or
 * `rsync -t` keep the mtime, but neither survives a write or a rename.
 */
export async function fileVersion(path: string): Promise<string | null> {
  try {
    const { mtimeMs, ctimeMs, size, ino } = await stat(path);
    return `${mtimeMs}:${ctimeMs}:${size}:${ino}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
