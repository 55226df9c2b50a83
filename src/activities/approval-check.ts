import type { ApprovalFacts, ApprovalRecord } from '../audit/record.js';
import { Code, policyCodes } from '../codes.js';
import type { OperationRequest } from '../operations/registry.js';
import {
  type Approval,
  evaluatePolicy,
  operationFacts,
  type PolicyDecision,
  type PolicySource,
} from '../policy/index.js';
import type { PolicySnapshot } from '../policy/source.js';
import type { KeyRing } from '../receipts/index.js';
import type { SignatureResult } from '../receipts/verify-signature.js';
import type { Mode, Reason } from '../shared.js';

export type ApprovalVerdict = { satisfied: boolean; reasons: Reason[]; facts: ApprovalFacts };

/** Signatures whose header names a kid are approvals; one without a kid approves for no one. */
const approvalsFrom = (signatures: readonly SignatureResult[]): Approval[] =>
  signatures.flatMap((s) =>
    s.kid === null ? [] : [{ kid: s.kid, thumbprint: s.thumbprint, verified: s.valid }],
  );

/**
 * The policy in force (re-read when its file changed) decides on the receipt's valid signatures for
 * this operation in this mode, at `now`. Pure but for reading the policy source.
 */
export async function decideApprovals(
  policy: PolicySource,
  request: OperationRequest,
  mode: Mode,
  signatures: readonly SignatureResult[],
  now: Date,
): Promise<ApprovalVerdict> {
  let snapshot: PolicySnapshot;
  try {
    snapshot = await policy.current();
  } catch (error) {
    return unreadable(error, signatures);
  }
  const facts = operationFacts(request, mode);
  const decision = evaluatePolicy({ ...snapshot, facts, approvals: approvalsFrom(signatures), now });
  return {
    satisfied: decision.satisfied,
    reasons: decision.reasons,
    facts: {
      policy_digest: decision.policy_digest,
      revocations_digest: decision.revocations_digest,
      approvals: signatures.map((signature) => approvalRecord(signature, decision, snapshot)),
    },
  };
}

/**
 * Right before the first GitHub write: the same approvals again, against the ring, policy and
 * revocations in force now. A key removed from the ring, or replaced under its kid, no longer verifies.
 */
export async function recheckApprovals(
  policy: PolicySource,
  keys: KeyRing,
  request: OperationRequest,
  mode: Mode,
  approvals: readonly ApprovalRecord[],
  now: Date,
): Promise<ApprovalVerdict> {
  const ringProblem = await refreshRing(keys);
  if (ringProblem) return unreadable(ringProblem, []);
  const signatures = await Promise.all(approvals.map((approval) => stillInRing(keys, approval)));
  return decideApprovals(policy, request, mode, signatures, now);
}

/** Re-reads the key ring when its file changed: the error when it no longer parses, else null. */
export async function refreshRing(keys: KeyRing): Promise<Error | null> {
  try {
    await keys.refresh();
    return null;
  } catch (error) {
    return error as Error;
  }
}

/**
 * A policy, ring or revocation list that no longer parses refuses, with the loader's one-sentence
 * message naming the file: fail closed and on the record, rather than an activity retrying forever.
 */
function unreadable(error: unknown, signatures: readonly SignatureResult[]): ApprovalVerdict {
  const reason = { code: Code.POLICY_UNREADABLE, message: (error as Error).message };
  return {
    satisfied: false,
    reasons: [reason],
    facts: {
      policy_digest: null,
      revocations_digest: null,
      // A signature that failed keeps its own reason, so a later recheck never takes it for a verified one.
      approvals: signatures.map(({ kid, thumbprint, valid, reasons }) => ({
        kid,
        thumbprint,
        approver: null,
        accepted: false,
        reason: valid ? reason : (reasons[0] ?? reason),
      })),
    },
  };
}

async function stillInRing(keys: KeyRing, approval: ApprovalRecord): Promise<SignatureResult> {
  const { kid, thumbprint } = approval;
  const current = kid === null ? undefined : await keys.thumbprintFor(kid);
  const valid = !signatureFailed(approval) && current !== undefined && current === thumbprint;
  return { kid, thumbprint, valid, reasons: [] };
}

/** The policy's own refusals of a signature that verified; BAD_SIGNATURE and UNKNOWN_KEY are the signature's. */
const countedNotBy: ReadonlySet<string> = new Set(
  policyCodes.filter((code) => code !== 'BAD_SIGNATURE' && code !== 'UNKNOWN_KEY'),
);

/**
 * A signature that failed on its own when it arrived (any code but the policy's own refusals) stays
 * failed at the recheck, however its kid stands in the ring now; one the policy merely did not count
 * verified, and is decided again.
 */
function signatureFailed({ reason }: ApprovalRecord): boolean {
  return reason !== null && !countedNotBy.has(reason.code);
}

/** Why a signature did not count: its own failure, the policy's refusal of it, else what the decision lacks. */
function approvalRecord(
  signature: SignatureResult,
  decision: PolicyDecision,
  snapshot: PolicySnapshot,
): ApprovalRecord {
  const { kid, thumbprint } = signature;
  const refusal = decision.rules.flatMap((rule) => rule.refused).find((refused) => refused.kid === kid);
  const approver = refusal?.approver ?? approverOf(signature, snapshot);
  const counted =
    signature.valid &&
    approver !== null &&
    decision.rules.some((rule) => rule.approved_by.includes(approver));
  // A signature that did not verify always records a failure of its own, so the recheck never revives it.
  const unverified = { code: 'BAD_SIGNATURE', message: 'The signature does not verify.' };
  const reason = counted
    ? null
    : signature.valid
      ? (refusal ?? decision.reasons[0] ?? null)
      : (signature.reasons[0] ?? unverified);
  return {
    kid,
    thumbprint,
    approver,
    accepted: counted,
    reason: reason && { code: reason.code, message: reason.message },
  };
}

/** The approver whose key signed: the policy's (by kid or thumbprint), or the kid itself without a policy file. */
function approverOf({ kid, thumbprint }: SignatureResult, { policy }: PolicySnapshot): string | null {
  if (policy.mode === 'ring') return kid;
  const owner = policy.policy.approvers.find((approver) =>
    approver.keys.some(
      (key) => key.kid === kid || (key.thumbprint !== undefined && key.thumbprint === thumbprint),
    ),
  );
  return owner?.name ?? null;
}
