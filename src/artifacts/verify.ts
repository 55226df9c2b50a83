import { pipeline, type Readable, type TransformCallback } from 'node:stream';
import { DigestingStream } from './digest.js';
import { type ArtifactStore, assertSha256 } from './store.js';

/** What a request says an artifact is: the reader trusts the store for none of it. */
export type ExpectedArtifact = { name: string; sha256: string; size: number };

/** The store has no bytes under the artifact's sha256. */
export class ArtifactMissingError extends Error {
  override name = 'ArtifactMissingError';
  constructor(
    readonly artifact: ExpectedArtifact,
    location: string,
  ) {
    super(
      `Artifact ${artifact.name} (sha256 ${artifact.sha256}) is missing from the artifact store ${location}; store it with \`marketops artifact add\`.`,
    );
  }
}

/** The bytes read are not the ones authorized: another size, or another sha256. */
export class ArtifactMismatchError extends Error {
  override name = 'ArtifactMismatchError';
  constructor(
    readonly artifact: ExpectedArtifact,
    readonly actual: { size: number; sha256?: string },
  ) {
    const read =
      actual.sha256 === undefined
        ? `${actual.size > artifact.size ? 'more than ' : ''}${Math.min(actual.size, artifact.size)} bytes`
        : `${actual.size} bytes with sha256 ${actual.sha256}`;
    super(
      `The bytes of artifact ${artifact.name} do not match: expected ${artifact.size} bytes with sha256 ${artifact.sha256}, read ${read}; store the authorized file again with \`marketops artifact add\`.`,
    );
  }
}

/** Passes an artifact's bytes on, one chunk behind, and fails unless exactly the expected ones pass. */
class VerifyingStream extends DigestingStream {
  private held: Buffer | undefined;

  constructor(private readonly artifact: ExpectedArtifact) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.byteCount + chunk.length > this.artifact.size) {
      callback(new ArtifactMismatchError(this.artifact, { size: this.byteCount + chunk.length }));
      return;
    }
    this.update(chunk);
    const previous = this.held;
    this.held = chunk;
    callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    const sha256 = this.sha256();
    if (this.byteCount !== this.artifact.size || sha256 !== this.artifact.sha256) {
      callback(new ArtifactMismatchError(this.artifact, { size: this.byteCount, sha256 }));
      return;
    }
    callback(null, this.held);
  }
}

/**
 * Wraps a stream of an artifact's bytes so that it fails with `ArtifactMismatchError` unless
 * exactly the expected bytes pass. It holds back the last chunk until the size and sha256 are
 * checked, so a consumer that sends `artifact.size` bytes (an upload with that Content-Length)
 * never completes with wrong bytes: the stream errors first, and the request is cut short.
 */
export function verifiedArtifactStream(source: Readable, artifact: ExpectedArtifact): Readable {
  assertSha256(artifact.sha256);
  // The callback form returns the verifier; an error on either side, or a consumer that gives up
  // (destroying the verifier), closes both, so no file or connection is left open.
  return pipeline(source, new VerifyingStream(artifact), () => {});
}

/**
 * The one way to read an artifact for shipping: a missing artifact, or one stored with another
 * size, fails here, before the caller writes anything; the bytes are then checked as they stream.
 */
export async function readVerifiedArtifact(
  store: ArtifactStore,
  artifact: ExpectedArtifact,
): Promise<Readable> {
  const opened = await store.open(artifact.sha256);
  if (!opened.found) throw new ArtifactMissingError(artifact, store.location);
  if (opened.size !== artifact.size) throw new ArtifactMismatchError(artifact, { size: opened.size });
  return verifiedArtifactStream(opened.stream(), artifact);
}
