import type { JWK } from 'jose';
import { type Checkpoint, checkpointProblem } from './checkpoint.js';
import { MerkleTree } from './merkle/tree.js';
import { verifyConsistency } from './merkle/verify.js';
import { leafHash } from './record.js';
import { AuditCorruptError, type AuditEntry, type AuditStore } from './store.js';

export type AuditVerification =
  | { ok: true; size: number }
  | { ok: false; firstBadIndex: number; message: string };

/** A checkpoint kept outside the store, and where it was kept. */
export interface KeptAnchor {
  /** Named in any failure: "workflow receipt-…", "kept.txt line 4". */
  source: string;
  checkpoint: Checkpoint;
  /** The record the keeper vouches for, when it names one (a workflow's result names its own record). */
  record?: { index: number; leafHash: string };
}

export interface AuditVerifyOptions {
  /**
   * Checkpoints known from elsewhere (a workflow result in Temporal's history, a witness, a file the
   * auditor kept). A store rewritten or cut back wholesale is consistent with itself; it cannot be
   * consistent with a checkpoint signed before the rewrite.
   */
  anchors?: KeptAnchor[];
}

interface AuditFault {
  index: number;
  message: string;
}

/** Reads what the store can give, turning a corrupt read into a fault at its index. */
async function readOrFault<T>(
  faults: AuditFault[],
  read: () => Promise<T>,
  fallback: (index: number) => Promise<T>,
) {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof AuditCorruptError)) throw error;
    faults.push({ index: error.index, message: error.message });
    return fallback(error.index);
  }
}

function entryFaults(entries: readonly AuditEntry[], faults: AuditFault[]): Buffer[] {
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const recomputed = leafHash(entry.record);
    if (entry.index !== i)
      faults.push({ index: i, message: `record ${i} is stored as index ${entry.index}` });
    if (recomputed !== entry.leafHash) {
      faults.push({ index: i, message: `record ${i} does not hash to its stored leaf hash` });
    }
    if (seen.has(entry.identity))
      faults.push({ index: i, message: `record ${i} repeats identity ${entry.identity}` });
    seen.add(entry.identity);
    return Buffer.from(recomputed, 'hex');
  });
}

/**
 * Checks one signed checkpoint against the recomputed tree. A bad one is blamed on `blame`, the first
 * record it adds over its predecessor: never on its own size field, which may be the tampered part.
 */
function checkpointFaults(
  checkpoint: Checkpoint,
  blame: number,
  tree: MerkleTree,
  keys: readonly JWK[],
  faults: AuditFault[],
): void {
  const problem = checkpointProblem(checkpoint, keys);
  if (problem) faults.push({ index: blame, message: problem });
  if (checkpoint.size > tree.size) {
    faults.push({
      index: Math.min(tree.size, blame),
      message: `a checkpoint covers ${checkpoint.size} records but only ${tree.size} are readable`,
    });
  } else if (tree.root(checkpoint.size).toString('base64') !== checkpoint.rootHash) {
    faults.push({
      index: blame,
      message: `the root of the first ${checkpoint.size} records differs from its checkpoint`,
    });
  }
}

/**
 * Checks a kept checkpoint against the recomputed tree, naming where it was kept. A kept checkpoint larger
 * than the log is the one thing the log's own checkpoints cannot show: records cut from its end.
 */
function anchorFaults(
  { source, checkpoint, record }: KeptAnchor,
  tree: MerkleTree,
  keys: readonly JWK[],
  logOrigin: string | undefined,
  faults: AuditFault[],
): void {
  const blame = Math.max(checkpoint.size - 1, 0);
  const problem = checkpointProblem(checkpoint, keys);
  if (problem) faults.push({ index: blame, message: `${source} keeps a bad ${problem}` });
  else if (logOrigin !== undefined && checkpoint.origin !== logOrigin) {
    faults.push({
      index: blame,
      message: `${source} keeps a checkpoint of the log "${checkpoint.origin}", not of this log "${logOrigin}"`,
    });
  } else if (checkpoint.size > tree.size) {
    faults.push({
      index: tree.size,
      message: `${source} keeps a checkpoint of size ${checkpoint.size} but the log holds only ${tree.size} records: its end was cut off`,
    });
  } else if (tree.root(checkpoint.size).toString('base64') !== checkpoint.rootHash) {
    faults.push({
      index: blame,
      message: `the first ${checkpoint.size} records differ from the checkpoint ${source} keeps`,
    });
  }
  if (record && record.index < tree.size && tree.leaf(record.index).toString('hex') !== record.leafHash) {
    faults.push({ index: record.index, message: `record ${record.index} is not the one ${source} names` });
  }
}

/** Proves each checkpoint extends the previous one (RFC 9162 consistency), from the recomputed leaves. */
function chainFaults(
  checkpoints: readonly Checkpoint[],
  blames: readonly number[],
  tree: MerkleTree,
  faults: AuditFault[],
): void {
  checkpoints.forEach((current, i) => {
    const previous = checkpoints[i - 1];
    if (!previous) return;
    const blame = blames[i] as number;
    if (current.origin !== previous.origin) {
      faults.push({ index: blame, message: `checkpoint of size ${current.size} names another log origin` });
    }
    const consistent =
      current.size >= previous.size &&
      current.size <= tree.size &&
      verifyConsistency(
        previous.size,
        current.size,
        Buffer.from(previous.rootHash, 'base64'),
        Buffer.from(current.rootHash, 'base64'),
        tree.consistencyPath(previous.size, current.size),
      );
    if (!consistent) {
      faults.push({
        index: blame,
        message: `checkpoint of size ${current.size} is not consistent with its predecessor`,
      });
    }
  });
}

/**
 * Recomputes every leaf and the tree, and checks every checkpoint's signature, root and consistency with
 * the one before it. Reports the lowest index at which anything is wrong.
 */
export async function verifyAuditLog(
  store: AuditStore,
  publicJwks: { keys: JWK[] },
  options: AuditVerifyOptions = {},
): Promise<AuditVerification> {
  const faults: AuditFault[] = [];
  const checkpoints = await readOrFault(
    faults,
    () => store.checkpoints(),
    async () => undefined,
  );
  const size = await store.size();
  const entries = await readOrFault(
    faults,
    () => store.entries(0, size),
    (index) => store.entries(0, index),
  );
  const tree = new MerkleTree(entryFaults(entries, faults));
  if (checkpoints) checkCheckpoints(checkpoints, size, tree, publicJwks.keys, faults);
  const logOrigin = checkpoints?.at(-1)?.origin;
  for (const anchor of options.anchors ?? []) anchorFaults(anchor, tree, publicJwks.keys, logOrigin, faults);
  const first = faults.reduce<AuditFault | undefined>(
    (min, f) => (min && min.index <= f.index ? min : f),
    undefined,
  );
  return first ? { ok: false, firstBadIndex: first.index, message: first.message } : { ok: true, size };
}

function checkCheckpoints(
  checkpoints: readonly Checkpoint[],
  size: number,
  tree: MerkleTree,
  keys: readonly JWK[],
  faults: AuditFault[],
): void {
  const blames = blameIndexes(checkpoints);
  if (size > 0 && checkpoints.at(-1)?.size !== size) {
    faults.push({
      index: Math.min(size, blames.at(-1) ?? 0),
      message: `no signed checkpoint covers exactly the ${size} records`,
    });
  }
  checkpoints.forEach((checkpoint, i) => {
    checkpointFaults(checkpoint, blames[i] as number, tree, keys, faults);
  });
  chainFaults(checkpoints, blames, tree, faults);
}

/**
 * Where to blame a bad checkpoint: the first record it adds, i.e. the largest size signed before it.
 * Never its own size field, nor a single predecessor's, since either may be the tampered part.
 */
function blameIndexes(checkpoints: readonly Checkpoint[]): number[] {
  let largest = 0;
  return checkpoints.map((checkpoint) => {
    const blame = largest;
    largest = Math.max(largest, checkpoint.size);
    return blame;
  });
}
