import type { ArtifactStoreLocation } from '../config/artifact-store.js';
import { LocalArtifactStore } from './local-store.js';
import type { ArtifactStore } from './store.js';

export { contentTypeOf } from './content-type.js';
export { type ArtifactStore, assertSha256 } from './store.js';
export {
  ArtifactMismatchError,
  ArtifactMissingError,
  readVerifiedArtifact,
  verifiedArtifactStream,
} from './verify.js';

/** The store a location names; the S3 client is loaded only for an s3:// location. */
export async function openArtifactStore(location: ArtifactStoreLocation): Promise<ArtifactStore> {
  if (location.kind === 'local') return new LocalArtifactStore(location.dir);
  const { S3ArtifactStore } = await import('./s3-store.js');
  return new S3ArtifactStore(location);
}
