import type { JWK } from 'jose';
import { z } from 'zod';
import { sha256Hex } from '../common/hex.js';
import { firstIssueSentence } from '../common/zod-sentence.js';
import { type Checkpoint, checkpointProblem, checkpointSchema } from './checkpoint.js';
import { decisionProblem, versionProblem } from './decision-recheck.js';
import type { DecisionVersions, VersionKind } from './decision-versions.js';
import { checkpointsIn, stringsIn, workflowResults } from './history-anchors.js';
import { verifyConsistency, verifyInclusion } from './merkle/verify.js';
import { auditRecordSchema, leafHash } from './record.js';
import type { AuditEntry, AuditStore } from './store.js';

export const AUDIT_BUNDLE_FORMAT = 'marketops-audit-bundle/1';

/** A published key: Ed25519, public half only. */
const publicJwkSchema = z.looseObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().min(1),
  kid: z.string().min(1),
  d: z.never().optional(),
});

export const auditBundleSchema = z.strictObject({
  format: z.literal(AUDIT_BUNDLE_FORMAT),
  runId: z.string().min(1),
  /** The latest checkpoint when the bundle was made; every record is proven against it. */
  checkpoint: checkpointSchema,
  publicKeys: z.strictObject({ keys: z.array(publicJwkSchema).min(1) }),
  entries: z
    .array(
      z.strictObject({
        index: z.number().int().nonnegative(),
        identity: z.string().min(1),
        record: auditRecordSchema,
        leafHash: sha256Hex,
        inclusionProof: z.array(sha256Hex),
      }),
    )
    .min(1),
  /** Tree size -> consistency proof from that size to the bundle's checkpoint, for checkpoints in histories. */
  consistencyProofs: z.record(z.string().regex(/^\d+$/), z.array(sha256Hex)),
  /** Workflow id -> its Temporal history, in Temporal's JSON form. */
  histories: z.record(z.string(), z.unknown()),
  /** Digest -> the canonical JSON of each policy and revocation-list version the records name. */
  policies: z.record(z.string(), z.unknown()),
  revocations: z.record(z.string(), z.unknown()),
});
export type AuditBundle = z.infer<typeof auditBundleSchema>;

export interface ExportOptions {
  publicJwks: { keys: JWK[] };
  histories: Record<string, unknown>;
  /**
   * Where the workers kept the versions their decisions used (openDecisionVersions at the audit store's
   * location). Required: a worker always decides with a revocation list, so its records name versions.
   */
  versions: DecisionVersions;
}

/** The versions the records name that `versions` keeps, by digest; verification names any missing. */
async function versionsNamed(entries: readonly AuditEntry[], versions: DecisionVersions) {
  const gather = async (kind: VersionKind, digests: (string | null | undefined)[]) => {
    const named = [...new Set(digests.filter((digest): digest is string => typeof digest === 'string'))];
    const kept = await Promise.all(named.map(async (digest) => [digest, await versions.read(kind, digest)]));
    return Object.fromEntries(kept.filter(([, content]) => content !== undefined));
  };
  return {
    policies: await gather(
      'policy',
      entries.map((entry) => entry.record.policy_digest),
    ),
    revocations: await gather(
      'revocations',
      entries.map((entry) => entry.record.revocations_digest),
    ),
  };
}

/** Gathers the run's records with inclusion proofs against the latest checkpoint, plus the anchoring histories. */
export async function exportBundle(
  store: AuditStore,
  runId: string,
  options: ExportOptions,
): Promise<AuditBundle> {
  const entries = await store.byRunId(runId);
  if (entries.length === 0)
    throw new Error(`The audit log has no records for run "${runId}"; check the run id.`);
  const checkpoint = (await store.checkpoints()).at(-1) as Checkpoint;
  const anchorSizes = new Set(
    Object.values(options.histories).flatMap((history) =>
      workflowResults(history).flatMap((result) => checkpointsIn(result).map((c) => c.size)),
    ),
  );
  const consistencyProofs: Record<string, string[]> = {};
  for (const size of anchorSizes) {
    if (size <= checkpoint.size)
      consistencyProofs[size] = await store.consistencyProof(size, checkpoint.size);
  }
  return auditBundleSchema.parse({
    format: AUDIT_BUNDLE_FORMAT,
    runId,
    checkpoint,
    publicKeys: { keys: options.publicJwks.keys.map(({ kty, crv, x, kid }) => ({ kty, crv, x, kid })) },
    entries: await Promise.all(
      entries.map(async (entry) => ({
        ...entry,
        inclusionProof: await store.inclusionProof(entry.index, checkpoint.size),
      })),
    ),
    consistencyProofs,
    histories: options.histories,
    ...(await versionsNamed(entries, options.versions)),
  });
}

const hashes = (hex: readonly string[]) => hex.map((h) => Buffer.from(h, 'hex'));

function entryProblem(bundle: AuditBundle, entry: AuditBundle['entries'][number]): string | undefined {
  const { checkpoint } = bundle;
  if (entry.record.run_id !== bundle.runId) return `record ${entry.index} belongs to another run`;
  if (leafHash(entry.record) !== entry.leafHash)
    return `record ${entry.index} does not hash to its leaf hash`;
  const root = Buffer.from(checkpoint.rootHash, 'base64');
  const leaf = Buffer.from(entry.leafHash, 'hex');
  if (!verifyInclusion(entry.index, checkpoint.size, leaf, hashes(entry.inclusionProof), root)) {
    return `record ${entry.index} is not proven to be in the checkpoint of size ${checkpoint.size}`;
  }
  return undefined;
}

/** A run record names its steps' records by leaf hash: each must be in the bundle, or the bundle is incomplete. */
function missingStepRecord(bundle: AuditBundle, entry: AuditBundle['entries'][number]): string | undefined {
  const present = new Set(bundle.entries.map((e) => e.leafHash));
  const missing = entry.record.run?.steps.find(
    (step) => step.leaf_hash !== null && !present.has(step.leaf_hash),
  );
  return (
    missing && `the run record ${entry.index} names step "${missing.id}", whose record is not in the bundle`
  );
}

/** A run record counts the refused authorizations of its workflow run: the bundle must hold at least as many. */
function missingRefusals(bundle: AuditBundle, entry: AuditBundle['entries'][number]): string | undefined {
  const counted = entry.record.run?.refusals ?? 0;
  const held = bundle.entries.filter(
    (e) => e.record.authorization !== null && e.record.temporal?.run_id === entry.record.temporal?.run_id,
  ).length;
  return held < counted
    ? `the run record ${entry.index} counts ${counted} refused authorizations, but the bundle holds ${held}`
    : undefined;
}

/** A history's result must name its record's leaf hash, and any checkpoint in it must be one our log extends. */
function historyProblem(bundle: AuditBundle, workflowId: string, history: unknown): string | undefined {
  const leaves = bundle.entries
    .filter((e) => e.record.temporal?.workflow_id === workflowId)
    .map((e) => e.leafHash);
  if (leaves.length === 0) return `history of workflow ${workflowId} has no record in the bundle`;
  for (const result of workflowResults(history)) {
    const named = stringsIn(result);
    if (!leaves.some((leaf) => named.has(leaf))) {
      return `the result of workflow ${workflowId} does not name its record's leaf hash`;
    }
    for (const anchor of checkpointsIn(result)) {
      const problem = anchorProblem(bundle, anchor);
      if (problem) return `workflow ${workflowId}: ${problem}`;
    }
  }
  return undefined;
}

function anchorProblem(bundle: AuditBundle, anchor: Checkpoint): string | undefined {
  const signatureProblem = checkpointProblem(anchor, bundle.publicKeys.keys);
  if (signatureProblem) return signatureProblem;
  const proof = bundle.consistencyProofs[anchor.size];
  const consistent =
    proof !== undefined &&
    verifyConsistency(
      anchor.size,
      bundle.checkpoint.size,
      Buffer.from(anchor.rootHash, 'base64'),
      Buffer.from(bundle.checkpoint.rootHash, 'base64'),
      hashes(proof),
    );
  return consistent ? undefined : `its checkpoint of size ${anchor.size} is not consistent with the bundle's`;
}

/** Every key the bundle carries must be one the auditor already trusts (same kid and public key). */
function untrustedKey(bundle: AuditBundle, trusted: readonly JWK[]): string | undefined {
  const unknown = bundle.publicKeys.keys.find((k) => !trusted.some((t) => t.kid === k.kid && t.x === k.x));
  return unknown && `the bundle's key "${unknown.kid}" is not among the trusted keys`;
}

/**
 * Verifies a bundle with nothing but its own content, and re-runs each recorded approval decision. A
 * bundle proves itself against the key it carries; pass `trustedKeys` (the key set MarketOps publishes)
 * to also pin that key.
 */
export async function verifyBundle(
  bundle: unknown,
  options: { trustedKeys?: readonly JWK[] } = {},
): Promise<{ ok: true; records: number } | { ok: false; message: string }> {
  const parsed = auditBundleSchema.safeParse(bundle);
  if (!parsed.success)
    return { ok: false, message: `not a valid audit bundle: ${firstIssueSentence(parsed.error, 'bundle')}` };
  const b = parsed.data;
  const problem =
    (options.trustedKeys && untrustedKey(b, options.trustedKeys)) ||
    checkpointProblem(b.checkpoint, b.publicKeys.keys) ||
    b.entries
      .map((entry) => entryProblem(b, entry) ?? missingStepRecord(b, entry) ?? missingRefusals(b, entry))
      .find(Boolean) ||
    Object.entries(b.histories)
      .map(([workflowId, history]) => historyProblem(b, workflowId, history))
      .find(Boolean) ||
    versionProblem(b) ||
    b.entries
      .map((entry) => decisionProblem(entry.index, entry.record, { versions: b, histories: b.histories }))
      .find(Boolean);
  return problem ? { ok: false, message: problem } : { ok: true, records: b.entries.length };
}
