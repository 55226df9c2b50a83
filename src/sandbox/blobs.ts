import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What arrived of an upload: its length and `sha256:<hex>`, counted and hashed as it streamed. */
export interface Received {
  size: number;
  digest: string;
}

/**
 * The bytes of uploaded assets, one temporary file each, so that an upload of any size streams
 * through with bounded memory: it is hashed and counted on its way to disk, never held whole.
 */
export class Blobs {
  private readonly dir = mkdtempSync(join(tmpdir(), 'marketops-sandbox-assets-'));

  /** Streams `bytes` into the blob `id`; rejects (and keeps nothing) when the stream fails midway. */
  async receive(id: number, bytes: Readable): Promise<Received> {
    const hash = createHash('sha256');
    let size = 0;
    const counting = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(bytes, counting, createWriteStream(this.path(id)));
    } catch (error) {
      await this.remove(id);
      throw error;
    }
    return { size, digest: `sha256:${hash.digest('hex')}` };
  }

  open(id: number): Readable {
    return createReadStream(this.path(id));
  }

  async remove(id: number): Promise<void> {
    await unlink(this.path(id)).catch(() => undefined);
  }

  /** Forgets every blob (a sandbox reset). */
  clear(): void {
    this.dispose();
    mkdirSync(this.dir, { recursive: true });
  }

  /** Deletes the directory for good (the sandbox closes). */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private path(id: number): string {
    return join(this.dir, String(id));
  }
}
