import type { ApprovalFacts, ApprovalRecord } from '../audit/record.js';
import { Code } from '../codes.js';
import type { OperationRequest } from '../operations/registry.js';
import {
  approvalFate,
  approvalsFrom,
  evaluatePolicy,
  operationFacts,
  type PolicyDecision,
  type PolicySource,
  verifiedAsRecorded,
} from '../policy/index.js';
import type { PolicySnapshot } from '../policy/source.js';
import type { KeyRing } from '../receipts/index.js';
import type { SignatureResult } from '../receipts/verify-signature.js';
import type { Mode, Reason } from '../shared.js';

export type ApprovalVerdict = { satisfied: boolean; reasons: Reason[]; facts: ApprovalFacts };

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
  const valid = verifiedAsRecorded(approval.reason) && current !== undefined && current === thumbprint;
  return { kid, thumbprint, valid, reasons: [] };
}

/** Why a signature did not count: its own failure, the policy's refusal of it, else what the decision lacks. */
function approvalRecord(
  signature: SignatureResult,
  decision: PolicyDecision,
  snapshot: PolicySnapshot,
): ApprovalRecord {
  const { kid, thumbprint } = signature;
  const fate = approvalFate({ kid, thumbprint, verified: signature.valid }, decision, snapshot.policy);
  // A signature that did not verify always records a failure of its own, so a recheck never revives it.
  const unverified = { code: 'BAD_SIGNATURE', message: 'The signature does not verify.' };
  const reason = fate.counted
    ? null
    : signature.valid
      ? (fate.refusal ?? decision.reasons[0] ?? null)
      : (signature.reasons[0] ?? unverified);
  return {
    kid,
    thumbprint,
    approver: fate.approver,
    accepted: fate.counted,
    reason: reason && { code: reason.code, message: reason.message },
  };
}
