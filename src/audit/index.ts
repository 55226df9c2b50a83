import type { PoolOptions } from '../common/postgres-pool-size.js';
import { parseStoreLocation } from '../common/store-location.js';
import type { CheckpointSigner } from './checkpoint.js';
import { openFileAuditStore } from './file-store.js';
import { openPostgresAuditStore } from './postgres-store.js';
import type { AuditStore } from './store.js';

export { type AuditBundle, exportBundle, verifyBundle } from './bundle.js';
export { type Checkpoint, type CheckpointSigner, checkpointSignerFromJwk } from './checkpoint.js';
export { type DecisionVersions, openDecisionVersions } from './decision-versions.js';
export {
  DEFAULT_AUDIT_ORIGIN,
  generateAuditKeys,
  loadCheckpointSigner,
  readPublicJwks,
} from './keys.js';
export { type AuditRecord, leafHash } from './record.js';
export {
  AuditConflictError,
  AuditCorruptError,
  type AuditEntry,
  type AuditStore,
} from './store.js';
export { type KeptAnchor, verifyAuditLog } from './verify.js';

/**
 * 'postgres://…' (or 'postgresql://…') opens the PostgreSQL store; 'file:DIR', 'file:///abs/dir' or a
 * plain path opens the embedded file store. Without a signer the store is read-only.
 */
export async function openAuditStore(
  location: string,
  signer?: CheckpointSigner,
  options: PoolOptions = {},
): Promise<AuditStore> {
  const where = parseStoreLocation(location);
  return where.kind === 'postgres'
    ? openPostgresAuditStore(where.url, signer, options)
    : openFileAuditStore(where.dir, signer);
}
