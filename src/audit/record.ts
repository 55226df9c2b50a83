import canonicalize from 'canonicalize';
import { z } from 'zod';
import { sha256Hex } from '../common/hex.js';
import { kindRecordFields } from '../operations/record-fields.js';
import type { Reason } from '../shared.js';
import { hashLeaf } from './merkle/hasher.js';

/**
 * One signature of the receipt as an approval (docs/audit.md): its key by kid and RFC 7638 thumbprint
 * (null when the ring had no key of that kid), the approver the policy gives that key (null when none),
 * and whether the decision counted it, or why not.
 */
export const approvalRecordSchema = z.strictObject({
  kid: z.string().nullable(),
  thumbprint: z.string().nullable(),
  approver: z.string().nullable(),
  accepted: z.boolean(),
  reason: z.strictObject({ code: z.string().min(1), message: z.string() }).nullable(),
});
export type ApprovalRecord = z.infer<typeof approvalRecordSchema>;

/**
 * One final decision about one submission. Strict objects: an unknown field is a sign of tampering
 * or of a writer from another version, never something to drop silently. No field may hold a secret.
 */
export const auditRecordSchema = z.strictObject({
  recorded_at: z.iso.datetime({ offset: true }),
  run_id: z.string().min(1).nullable(),
  /**
   * False when `run_id` was read from a request or receipt that did not verify: kept so the record is found
   * under the run it claims, but only as a claim.
   */
  run_id_verified: z.boolean(),
  /** Null when a malformed receipt was rejected before an id could be read from it. */
  receipt_id: z.string().min(1).nullable(),
  operation_kind: z.string().min(1).nullable(),
  repository: z.string().min(1).nullable(),
  op_digest: z.string().min(1).nullable(),
  key_id: z.string().min(1).nullable(),
  /**
   * The approval policy's version the decision used (`sha256:<hex>`), null without a policy file; and the
   * revocation list's. Absent on records of decisions that never reached the policy (written before it
   * existed, or refused before a receipt could be read).
   */
  policy_digest: z.string().min(1).nullable().optional(),
  revocations_digest: z.string().min(1).nullable().optional(),
  /** Every signature of the receipt, accepted or refused; absent where `policy_digest` is. */
  approvals: z.array(approvalRecordSchema).optional(),
  outcome: z.enum(['succeeded', 'failed', 'rejected', 'blocked_by_mode']),
  reasons: z.array(z.strictObject({ code: z.string().min(1), message: z.string() })),
  github: z
    .strictObject({
      url: z.string().optional(),
      response_sha256: sha256Hex.optional(),
      adopted: z.boolean().optional(),
      /** Each kind's ids, declared by its module (src/operations/<kind>/record.ts). */
      ...kindRecordFields,
      /**
       * Which identity acted: a token by a fingerprint (never the token), or an App installation
       * with the permissions its token was scoped to.
       */
      identity: z
        .strictObject({
          kind: z.enum(['token', 'app_installation']),
          id: z.string().min(1),
          installation_id: z.number().int().positive().optional(),
          permissions: z.record(z.string(), z.enum(['read', 'write', 'admin'])).optional(),
        })
        .optional(),
    })
    .nullable(),
  /** Null for rejections caught by the client before any workflow started. */
  temporal: z.strictObject({ workflow_id: z.string().min(1), run_id: z.string().min(1) }).nullable(),
  executor_version: z.string().min(1),
  source: z.enum(['workflow', 'client']),
  /**
   * The record a publication run appends when it ends (docs/runs.md): the plan, the mode and each step's
   * outcome with its own record's leaf hash. Null on every other record.
   */
  run: z
    .strictObject({
      plan_digest: sha256Hex,
      mode: z.enum(['prod', 'dry-run']),
      steps: z.array(
        z.strictObject({
          id: z.string().min(1),
          status: z.enum(['shipped', 'not_shipped']),
          reason_code: z.string().min(1).nullable(),
          receipt_id: z.string().min(1).nullable(),
          url: z.string().nullable(),
          /** Null when the step has no record of its own (never authorized, never started). */
          leaf_hash: sha256Hex.nullable(),
          /** The approvals the run collected for the step (those held when it never got enough included). */
          approvals: z.array(approvalRecordSchema).optional(),
        }),
      ),
      /** The refused authorizations on record for this run when it ended. */
      refusals: z.number().int().nonnegative(),
    })
    .nullable(),
  /**
   * The record of a refused authorization of a run's step (docs/runs.md): the step it named (null when the
   * Update was malformed), the run's mode (null while the run was still validating its plan), and whether
   * the receipt's signature verified, which says whether `receipt_id` is the receipt's or only what it
   * claims. Null on every other record.
   */
  authorization: z
    .strictObject({
      step: z.string().min(1).nullable(),
      mode: z.enum(['prod', 'dry-run']).nullable(),
      receipt_verified: z.boolean(),
    })
    .nullable(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

/** What an approval decision used and what it made of each signature: the fields every record of it carries. */
export type ApprovalFacts = {
  policy_digest: string | null;
  revocations_digest: string | null;
  approvals: ApprovalRecord[];
};

/**
 * The record as the workflow knows it; the activity adds where and by what it ran, and to a run's
 * record the refusals on record for it.
 */
export type RecordDraft = Omit<
  AuditRecord,
  'temporal' | 'executor_version' | 'source' | 'run' | 'reasons'
> & {
  /** The codes the executor writes; a stored record is read as any code, of any version. */
  reasons: Reason[];
  run: Omit<NonNullable<AuditRecord['run']>, 'refusals'> | null;
};

/** The exact bytes that are hashed: RFC 8785 canonical JSON, UTF-8. */
export function canonicalRecord(record: AuditRecord): Buffer {
  const text = canonicalize(record);
  if (text === undefined) throw new Error('An audit record must be a JSON object.');
  return Buffer.from(text, 'utf8');
}

/** RFC 6962 leaf hash of the canonical record, as lowercase hex. */
export const leafHash = (record: AuditRecord): string => hashLeaf(canonicalRecord(record)).toString('hex');
