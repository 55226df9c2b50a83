import type { ApprovalFacts, ApprovalRecord } from '../audit/record.js';
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
  const snapshot = await policy.current();
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
  await keys.refresh();
  const signatures = await Promise.all(approvals.map((approval) => stillInRing(keys, approval)));
  return decideApprovals(policy, request, mode, signatures, now);
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
  const reason = fate.counted ? null : (signature.reasons[0] ?? fate.refusal ?? decision.reasons[0] ?? null);
  return {
    kid,
    thumbprint,
    approver: fate.approver,
    accepted: fate.counted,
    reason: reason && { code: reason.code, message: reason.message },
  };
}
