import type { Checkpoint } from './checkpoint.js';
import type { AuditRecord } from './record.js';

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
