import { policyCodes } from '../codes.js';
import type { ApprovalRefusal, PolicyDecision } from './evaluate.js';
import type { PolicyInForce } from './load.js';

/** A signature as a decision saw it; `kid` is null when its header names none. */
export interface SignatureSeen {
  kid: string | null;
  thumbprint: string | null;
  verified: boolean;
}

/** What a decision made of one signature: the approver it speaks for, whether a rule counted it, else why not. */
export interface ApprovalFate {
  approver: string | null;
  counted: boolean;
  refusal: ApprovalRefusal | undefined;
}

/** The one reading of a decision per signature, for the audit record and for its offline re-check. */
export function approvalFate(
  signature: SignatureSeen,
  decision: PolicyDecision,
  policy: PolicyInForce,
): ApprovalFate {
  const refusal = decision.rules
    .flatMap((rule) => rule.refused)
    .find((refused) => refused.kid === signature.kid);
  const approver = refusal?.approver ?? approverOf(signature, policy);
  const counted =
    signature.verified &&
    approver !== null &&
    decision.rules.some((rule) => rule.approved_by.includes(approver));
  return { approver, counted, refusal };
}

/** The approver whose key signed: the policy's (by kid or thumbprint), or the kid itself without a policy file. */
function approverOf({ kid, thumbprint }: SignatureSeen, policy: PolicyInForce): string | null {
  if (policy.mode === 'ring') return kid;
  const owner = policy.policy.approvers.find((approver) =>
    approver.keys.some(
      (key) => key.kid === kid || (key.thumbprint !== undefined && key.thumbprint === thumbprint),
    ),
  );
  return owner?.name ?? null;
}

/** Codes that say a signature itself failed, as opposed to the policy not counting a sound one. */
const SIGNATURE_FAILURES: readonly string[] = ['RECEIPT_UNVERIFIED', 'UNKNOWN_KEY', 'BAD_SIGNATURE'];

/**
 * Whether a recorded approval's signature verified when it arrived, read from the code of why it was not
 * counted: a receipt's own code or a signature failure means it did not; a policy refusal of a sound one did.
 */
export const verifiedAsRecorded = (reason: { code: string } | null): boolean =>
  reason === null ||
  (!SIGNATURE_FAILURES.includes(reason.code) && (policyCodes as readonly string[]).includes(reason.code));
