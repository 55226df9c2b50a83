import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { sha256Hex } from '../common/hex.js';
import type { Checkpoint, CheckpointSigner } from './checkpoint.js';
import { appendToFrontier, frontierRoot } from './merkle/compact-range.js';
import { MerkleTree } from './merkle/tree.js';
import { type AuditRecord, auditRecordSchema, canonicalRecord, leafHash } from './record.js';

export interface AuditEntry {
  index: number;
  /** The idempotency key (workflow id + step); not part of the hashed record. */
  identity: string;
  record: AuditRecord;
  /** Lowercase hex RFC 6962 leaf hash, as stored. */
  leafHash: string;
}

export interface AppendResult {
  index: number;
  /** Lowercase hex RFC 6962 leaf hash of the canonical record. */
  leafHash: string;
  /** The checkpoint signed when this record was appended (its size is index + 1). */
  checkpoint: Checkpoint;
  duplicate: boolean;
}

export interface AuditStore {
  /** Idempotent per identity: the same record again returns the original result; a different one throws. */
  append(identity: string, record: AuditRecord): Promise<AppendResult>;
  /** The number of records covered by the latest signed checkpoint. */
  size(): Promise<number>;
  /** Records [from, to); throws AuditCorruptError at the first one missing or unreadable. */
  entries(from?: number, to?: number): Promise<AuditEntry[]>;
  byRunId(runId: string): Promise<AuditEntry[]>;
  checkpoints(): Promise<Checkpoint[]>;
  /** Hex sibling hashes proving entry `index` is in the tree of `treeSize`. */
  inclusionProof(index: number, treeSize: number): Promise<string[]>;
  /** Hex hashes proving the tree of `fromSize` is a prefix of the tree of `toSize`. */
  consistencyProof(fromSize: number, toSize: number): Promise<string[]>;
  close(): Promise<void>;
}

/** A different record was offered under an identity that already has one. */
export class AuditConflictError extends Error {
  constructor(identity: string, index: number) {
    super(
      `Audit identity "${identity}" already holds a different record (index ${index}); records are immutable.`,
    );
    this.name = 'AuditConflictError';
  }
}

/** The stored log is damaged at `index`: a record is missing, unreadable or out of place. */
export class AuditCorruptError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'AuditCorruptError';
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

export function requireSigner(signer: CheckpointSigner | undefined): CheckpointSigner {
  if (!signer) throw new Error('This audit store was opened read-only; pass a checkpoint signer to append.');
  return signer;
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

export interface PreparedAppend {
  entry: AuditEntry;
  frontier: Buffer[];
  checkpoint: Checkpoint;
}

/** A log's name must tell it apart from every other MarketOps log, so a fresh one gets a random name. */
export const generatedOrigin = (): string => `marketops.local/${randomBytes(12).toString('hex')}`;

/**
 * The origin the next checkpoint names. A log keeps the origin of its first checkpoint for life (changing
 * it would start another log); an empty log takes the configured one, else a generated one, which its
 * first checkpoint then persists.
 */
export function originForAppend(logOrigin: string | undefined, configured: string | undefined): string {
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

/** Builds proofs from the stored leaf hashes of the first `count` records. */
export function proofMethods(
  leafHashes: (count: number) => Promise<string[]>,
): Pick<AuditStore, 'inclusionProof' | 'consistencyProof'> {
  const treeOf = async (size: number) =>
    new MerkleTree((await leafHashes(size)).map((hex) => Buffer.from(hex, 'hex')));
  const hex = (nodes: Buffer[]) => nodes.map((node) => node.toString('hex'));
  return {
    inclusionProof: async (index, treeSize) => hex((await treeOf(treeSize)).inclusionPath(index, treeSize)),
    consistencyProof: async (fromSize, toSize) =>
      hex((await treeOf(toSize)).consistencyPath(fromSize, toSize)),
  };
}
