import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { syncPath } from '../common/durable-files.js';
import { DigestingStream } from './digest.js';
import {
  type ArtifactStore,
  artifactKey,
  assertSha256,
  type OpenedArtifact,
  refuseUnexpected,
  type StoredArtifact,
} from './store.js';

/**
 * The embedded store: `<root>/sha256/<hex>`, written through `<root>/tmp/` on the same file system
 * so the rename that publishes an artifact is atomic. Stored files are read-only.
 */
export class LocalArtifactStore implements ArtifactStore {
  constructor(readonly location: string) {}

  async put(source: Readable, options: { expectedSha256?: string } = {}): Promise<StoredArtifact> {
    const tmpDir = join(this.location, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const temp = join(tmpDir, randomUUID());
    try {
      const digest = new DigestingStream();
      await pipeline(source, digest, createWriteStream(temp, { flags: 'wx' }));
      const stored = { sha256: digest.sha256(), size: digest.byteCount };
      refuseUnexpected(stored, options.expectedSha256);
      await this.publish(temp, stored.sha256);
      return stored;
    } finally {
      await rm(temp, { force: true });
    }
  }

  async open(sha256: string): Promise<OpenedArtifact> {
    const path = this.pathOf(sha256);
    const size = await stat(path).then(
      (stats) => stats.size,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      },
    );
    return size === undefined
      ? { found: false }
      : { found: true, size, stream: () => createReadStream(path) };
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.open(sha256)).found;
  }

  private pathOf(sha256: string): string {
    assertSha256(sha256);
    return join(this.location, artifactKey(sha256));
  }

  /** Synced before the rename, so a crash leaves either no artifact or a whole one. */
  private async publish(temp: string, sha256: string): Promise<void> {
    await syncPath(temp);
    await chmod(temp, 0o444);
    const dir = join(this.location, 'sha256');
    await mkdir(dir, { recursive: true });
    // Renaming over an existing artifact replaces it with the same bytes: concurrent puts agree,
    // and putting the authorized bytes again repairs a changed file.
    await rename(temp, this.pathOf(sha256));
    await syncPath(dir);
  }
}
