import type { PolicyCode } from '../codes.js';
import type { Approval } from './approval.js';
import { type Revocation, revocationOf } from './revocations.js';
import { type Approver, type ApproverKey, type Policy, timeOf } from './schema.js';

/** An approval as the policy resolves it: the approver whose key signed, or why it counts for no one. */
export type Signer =
  | { kid: string; approver: string; ok: true }
  | { kid: string; approver: string | null; ok: false; code: PolicyCode; message: string };

const keyMatches = (key: ApproverKey, approval: Approval) =>
  key.kid === approval.kid || (key.thumbprint !== undefined && key.thumbprint === approval.thumbprint);

type Refusal = { code: PolicyCode; message: string };

/** A signature that does not verify: its kid names no ring key, or that key did not sign it. */
export const unverified = (approval: Approval): Refusal =>
  approval.thumbprint === null
    ? {
        code: 'UNKNOWN_KEY',
        message: `No key "${approval.kid}" in the receipt key ring; its signature counts for no one.`,
      }
    : {
        code: 'BAD_SIGNATURE',
        message: `The signature by key "${approval.kid}" does not verify with that key of the receipt key ring.`,
      };

export const revokedKey = (kid: string, owner: string | null, revoked: Revocation): Refusal => ({
  code: 'KEY_REVOKED',
  message: `Key "${kid}"${owner === null ? '' : ` of ${owner}`} was revoked at ${revoked.revoked_at} (${revoked.reason}).`,
});

/** Why a key of the policy is not valid at `now`, or null while it is. */
function windowProblem(key: ApproverKey, now: Date): Refusal | null {
  if (key.not_before !== undefined && now.getTime() < timeOf(key.not_before)) {
    return { code: 'KEY_NOT_VALID_YET', message: `is valid only from ${key.not_before}` };
  }
  if (key.not_after !== undefined && now.getTime() >= timeOf(key.not_after)) {
    return { code: 'KEY_EXPIRED', message: `was valid only until ${key.not_after}` };
  }
  return null;
}

/**
 * The approver an approval speaks for, at `now`: its signature verifies, its key belongs to
 * exactly one approver, is in that key's window and is not revoked.
 */
export function signerOf(
  approval: Approval,
  policy: Policy,
  revocations: readonly Revocation[],
  now: Date,
): Signer {
  const { kid } = approval;
  const refuse = (approver: string | null, code: PolicyCode, message: string): Signer => ({
    kid,
    approver,
    ok: false,
    code,
    message,
  });
  if (!approval.verified) return { kid, approver: null, ok: false, ...unverified(approval) };
  const owners = policy.approvers.filter((approver) =>
    approver.keys.some((key) => keyMatches(key, approval)),
  );
  const [owner] = owners;
  if (owner === undefined) {
    return refuse(null, 'APPROVER_NOT_ALLOWED', `Key "${kid}" belongs to no approver of the policy.`);
  }
  if (owners.length > 1) {
    return refuse(
      null,
      'APPROVER_NOT_ALLOWED',
      `Key "${kid}" is listed for ${owners.map((other) => other.name).join(' and ')}; a key speaks for one approver, so it counts for none.`,
    );
  }
  const revoked = revocationOf(revocations, kid, now);
  if (revoked) return { kid, approver: owner.name, ok: false, ...revokedKey(kid, owner.name, revoked) };
  // Listed by kid and by thumbprint, a key is valid while either entry is.
  const problems = owner.keys
    .filter((key) => keyMatches(key, approval))
    .map((key) => windowProblem(key, now));
  const [problem] = problems;
  if (problem && problems.every((each) => each !== null)) {
    return refuse(owner.name, problem.code, `Key "${kid}" of ${owner.name} ${problem.message}.`);
  }
  return { kid, approver: owner.name, ok: true };
}

/** Whether an approver holds a key that could sign now: in its window and not revoked by kid. */
export const canApproveNow = (approver: Approver, revocations: readonly Revocation[], now: Date): boolean =>
  approver.keys.some(
    (key) =>
      windowProblem(key, now) === null &&
      (key.kid === undefined || revocationOf(revocations, key.kid, now) === undefined),
  );
