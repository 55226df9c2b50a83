import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { sha256Hex } from '../common/hex.js';
import type { Checkpoint, CheckpointSigner } from './checkpoint.js';
import { appendToFrontier, frontierRoot } from './merkle/compact-range.js';
import { MerkleTree } from './merkle/tree.js';
import { type AuditRecord, auditRecordSchema, canonicalRecord, leafHash } from './record.js';
import {
  type AppendResult,
  AuditConflictError,
  AuditCorruptError,
  type AuditEntry,
  type AuditStore,
} from './store.js';

/**
 * What the file and the PostgreSQL store share around their own storage: the read-only check, proofs
 * built from the stored leaf hashes, reading stored entries back, and preparing an append.
 */
export abstract class AuditStoreBase implements Pick<AuditStore, 'inclusionProof' | 'consistencyProof'> {
  constructor(private readonly signer: CheckpointSigner | undefined) {}

  abstract entries(from?: number, to?: number): Promise<AuditEntry[]>;

  /** Called first by append, so a read-only store refuses before it locks anything. */
  protected writer(): CheckpointSigner {
    if (!this.signer)
      throw new Error('This audit store was opened read-only; pass a checkpoint signer to append.');
    return this.signer;
  }

  async inclusionProof(index: number, treeSize: number): Promise<string[]> {
    return hex((await this.treeOf(treeSize)).inclusionPath(index, treeSize));
  }

  async consistencyProof(fromSize: number, toSize: number): Promise<string[]> {
    return hex((await this.treeOf(toSize)).consistencyPath(fromSize, toSize));
  }

  private async treeOf(size: number): Promise<MerkleTree> {
    const entries = await this.entries(0, size);
    return new MerkleTree(entries.map((entry) => Buffer.from(entry.leafHash, 'hex')));
  }
}

const hex = (nodes: Buffer[]): string[] => nodes.map((node) => node.toString('hex'));

/** Stored text as JSON, or undefined when it is not JSON: the caller names the damage. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const storedEntrySchema = z.strictObject({
  index: z.number().int().nonnegative(),
  identity: z.string().min(1),
  leafHash: sha256Hex,
  record: auditRecordSchema,
});

/** Parses one stored entry; anything unexpected is corruption at `expectedIndex`. */
export function parseStoredEntry(raw: unknown, expectedIndex: number): AuditEntry {
  const parsed = storedEntrySchema.safeParse(raw);
  if (!parsed.success) {
    throw new AuditCorruptError(
      expectedIndex,
      `record ${expectedIndex} is unreadable: ${parsed.error.message}`,
    );
  }
  if (parsed.data.index !== expectedIndex) {
    throw new AuditCorruptError(expectedIndex, `record ${expectedIndex} claims index ${parsed.data.index}`);
  }
  return parsed.data;
}

/** The answer to an append whose identity is already on record. */
export function resultForExisting(
  existing: AuditEntry,
  record: AuditRecord,
  checkpoint: Checkpoint,
): AppendResult {
  if (!canonicalRecord(existing.record).equals(canonicalRecord(record))) {
    throw new AuditConflictError(existing.identity, existing.index);
  }
  return { index: existing.index, leafHash: existing.leafHash, checkpoint, duplicate: true };
}

interface PreparedAppend {
  entry: AuditEntry;
  frontier: Buffer[];
  checkpoint: Checkpoint;
}

/** A log's name must tell it apart from every other MarketOps log, so a fresh one gets a random name. */
const generatedOrigin = (): string => `marketops.local/${randomBytes(12).toString('hex')}`;

/**
 * The origin the next checkpoint names. A log keeps the origin of its first checkpoint for life (changing
 * it would start another log); an empty log takes the configured one, else a generated one, which its
 * first checkpoint then persists.
 */
function originForAppend(logOrigin: string | undefined, configured: string | undefined): string {
  if (logOrigin === undefined) return configured ?? generatedOrigin();
  if (configured !== undefined && configured !== logOrigin) {
    throw new Error(
      `The audit log's origin is "${logOrigin}" but MARKETOPS_AUDIT_ORIGIN is "${configured}"; a log keeps its origin, so unset the variable or set it to "${logOrigin}".`,
    );
  }
  return logOrigin;
}

/**
 * Hashes the record, extends the compact range and signs the checkpoint of the grown tree.
 * `latest` is the log's newest checkpoint (undefined while empty): it fixes the log's origin.
 */
export function prepareAppend(
  signer: CheckpointSigner,
  identity: string,
  record: AuditRecord,
  size: number,
  frontier: readonly Buffer[],
  latest: Checkpoint | undefined,
): PreparedAppend {
  const parsed = auditRecordSchema.parse(record);
  const leaf = leafHash(parsed);
  const next = appendToFrontier(frontier, size, Buffer.from(leaf, 'hex'));
  return {
    entry: { index: size, identity, record: parsed, leafHash: leaf },
    frontier: next,
    checkpoint: signer.sign(originForAppend(latest?.origin, signer.origin), size + 1, frontierRoot(next)),
  };
}

export function checkRange(from: number, to: number, size: number): void {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || from > to || to > size) {
    throw new RangeError(`Entry range ${from}..${to} is outside the log of size ${size}.`);
  }
}
