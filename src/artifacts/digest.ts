import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Counts and hashes (sha256) the bytes that pass, passing them on unchanged; a subclass that
 * calls `update` itself may hold bytes back (the verifying reader does).
 */
export class DigestingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  byteCount = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.update(chunk);
    callback(null, chunk);
  }

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.byteCount += chunk.length;
  }

  /** The hex digest of everything counted; call once, after the last byte. */
  sha256(): string {
    return this.hash.digest('hex');
  }
}
