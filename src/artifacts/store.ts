import type { Readable } from 'node:stream';

/**
 * The content-addressed store that artifact bytes come from: a request names an artifact by its
 * sha256, never carries its bytes. Two kinds share this interface: a local folder (one host) and an
 * S3-compatible bucket (every worker's). Both keep an artifact at `sha256/<hex>` under their root.
 */
export interface ArtifactStore {
  /**
   * Streams `source` into the store, hashing as it writes; the bytes become visible under their
   * sha256 only once complete (a temporary file or object, then a rename or copy). Storing bytes
   * that are already there is harmless, concurrently too, and replaces a stored copy whose bytes
   * changed. With `expectedSha256`, bytes that hash
   * otherwise are refused and nothing is stored.
   */
  put(source: Readable, options?: { expectedSha256?: string }): Promise<StoredArtifact>;
  /** The artifact's size and a way to stream its bytes, or `{ found: false }`. */
  open(sha256: string): Promise<OpenedArtifact>;
  has(sha256: string): Promise<boolean>;
  /** Where the store is, for messages: a folder or an s3:// URL, never a credential. */
  readonly location: string;
}

export type StoredArtifact = { sha256: string; size: number };

/**
 * `stream()` yields the bytes as stored, unchecked: read through `readVerifiedArtifact` to trust them.
 * Each call starts a new read from the first byte.
 */
export type OpenedArtifact = { found: true; size: number; stream(): Readable } | { found: false };

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Names are lower-case hex, so a key can never climb out of `sha256/`. */
export function assertSha256(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) {
    throw new Error(`${JSON.stringify(sha256)} is not a sha256 digest; give 64 lower-case hex characters.`);
  }
}

/** Where an artifact lives under a store's root. */
export const artifactKey = (sha256: string): string => `sha256/${sha256}`;

/** `put`'s `expectedSha256`: bytes that hash otherwise are refused before they are stored. */
export function refuseUnexpected(stored: StoredArtifact, expectedSha256: string | undefined): void {
  if (expectedSha256 !== undefined && stored.sha256 !== expectedSha256) {
    throw new Error(
      `The bytes given hash to sha256 ${stored.sha256} (${stored.size} bytes), not the expected ${expectedSha256}; give the file that was authorized.`,
    );
  }
}
