/**
 * Every machine code the executor reports: why a receipt was rejected, why a write failed, why a
 * step did not ship, why an authorization was refused, what a needed step was waiting for, and the
 * failure types workflows and activities end with. One code, one meaning: a code that serves several
 * kinds means the same in each. The docs' code tables state exactly these meanings
 * (test/codes/docs-tables.test.ts). Renaming a code breaks the contract.
 *
 * Dependency-free, like shared.ts: the workflows bundle it.
 */
const meanings = {
  // A receipt's own checks (docs/receipt-format.md section 4.1).
  MODE_NOT_PROD: 'the executor\'s mode is not `"prod"`; every other check still runs',
  RECEIPT_MISSING: 'no receipt (`undefined`, `null`, `""`)',
  MALFORMED:
    'what was sent is not well-formed: a receipt that is not a compact JWS of strict UTF-8 JSON (section 3) with claims matching section 3.2, a workflow input that is not exactly one object `{ receipt, request }`, or an authorization that is not `{ step, receipt }` with two strings',
  DUPLICATE_MEMBER: 'a member name repeats in one object of the header or the claims, at any depth',
  ALG_NOT_ALLOWED: '`alg` is neither `"EdDSA"` nor `"Ed25519"`',
  WRONG_TYPE: '`typ` is not `"marketops-receipt+jwt"`',
  UNKNOWN_KEY: 'the header embeds or points at a key, or `kid` names no key in the ring',
  BAD_SIGNATURE: 'the Ed25519 signature does not verify with the ring key named by `kid`',
  NOT_ENFORCEABLE: '`enforceable` is `false` (an advisory receipt)',
  AUDIENCE_MISMATCH: "`aud` is not the executor's configured audience",
  INVALID_REQUEST: 'the operation request fails section 1',
  RUN_ID_MISMATCH: "the receipt's `run_id` is not the request's (in a run: not the step's)",
  OPERATION_KIND_MISMATCH: "the receipt's `operation_kind` is not the request's (in a run: not the step's)",
  PARAMS_MISMATCH: "`op_digest` is not the digest of this request (section 2; in a run: of the step's)",
  NOT_YET_VALID:
    'the receipt is not valid yet: `now` is before `nbf` (or `iat`) by more than the clock skew (section 4.2)',
  EXPIRED: 'the receipt has expired: `now` is at or after `exp` plus the clock skew (section 4.2)',
  STALE: 'the receipt was issued longer ago than the maximum age (section 4.2)',
  LIFETIME_TOO_LONG: 'the receipt lives longer than 24 h from `iat` to `exp` (section 4.2)',
  ALREADY_CONSUMED:
    'the receipt was already used: another workflow consumed it, or it was already submitted; never produced by `verifyReceipt`, which is offline',
  // The executor's own rejections (docs/contracts.md).
  WORKFLOW_ID_MISMATCH:
    "the receipt's jti does not match the workflow id `receipt-<jti>`; nothing was consumed",
  INTERNAL_ERROR: 'the executor hit its own bug; nothing more was consumed or written',
  // A GitHub write's failure: the activity's failure type and the failed outcome's code (docs/contracts.md).
  GITHUB_BAD_CREDENTIALS: "GitHub refused the executor's credentials (401)",
  GITHUB_NOT_FOUND: 'GitHub has no such repository or ref, or the executor cannot see it (404)',
  GITHUB_VALIDATION_FAILED: 'GitHub refused the request as invalid (422)',
  GITHUB_FORBIDDEN: "GitHub refused the executor's credentials the permission (403 without a rate limit)",
  GITHUB_PRIMARY_RATE_LIMIT: "the identity's primary rate limit is used up; the workflow waits for its reset",
  GITHUB_SECONDARY_RATE_LIMIT:
    'GitHub asked the identity to slow down; the workflow waits as long as it says',
  GITHUB_UNAVAILABLE: "GitHub answered 5xx or could not be reached; retried until the receipt's `exp`",
  CONFLICT:
    'an object of that name exists on GitHub and differs from the request (the fields that differ are named)',
  ARTIFACT_MISSING:
    "an authorized asset's bytes are not in the artifact store (the message names the artifact); nothing more was written",
  ARTIFACT_MISMATCH:
    "an authorized asset's stored bytes are not the authorized ones, by size or sha256 (the message names the artifact); nothing was published",
  EXPIRED_DURING_EXECUTION:
    'the receipt expired before GitHub accepted the write; no write was sent after expiry',
  CANCELLED:
    'cancelled before it shipped: the execution was cancelled, or the run was, before the step started; any write in flight was waited for',
  FAILED: 'the write ended with a failure no other code names (the message says which)',
  // Why a step of a run did not ship (docs/runs.md); also EXPIRED_DURING_EXECUTION and CANCELLED above.
  NEVER_AUTHORIZED: "no receipt was accepted for the step before the run's deadline",
  RECEIPT_REJECTED: 'the execution rejected its receipt (its reason codes say why); nothing was written',
  BLOCKED_BY_MODE:
    'the executor runs in dry-run mode: it shows the GitHub requests it would send, and writes nothing',
  NEEDED_STEP_NOT_SHIPPED: 'a step it needs did not ship (named in the message)',
  GITHUB_REFUSED: 'GitHub refused the write (`CONFLICT`, or a final `GITHUB_` code)',
  DEADLINE_REACHED: 'it was authorized, but the deadline passed while it waited for a step it needs',
  EXECUTION_FAILED: 'its workflow ended without an outcome (terminated, an executor bug)',
  // Why a run refused an authorization (docs/runs.md); also MALFORMED and the three mismatches above.
  RUN_CLOSED:
    "the run has reached its deadline or was cancelled (a completed run's workflow refuses Updates itself)",
  UNKNOWN_STEP: 'the plan has no such step',
  STEP_ENDED: 'the step already has its outcome (a step it needs did not ship)',
  ALREADY_AUTHORIZED: 'the step already has a receipt',
  RECEIPT_UNVERIFIED:
    "the receipt does not verify with the executor's key ring (the message names the receipt's codes)",
  RECEIPT_IN_USE: 'the receipt already authorizes another step',
  TOO_MANY_REFUSALS:
    'the run has refused `RUN_REFUSAL_LIMIT` (100) receipts it read and accepts no more, genuine ones included',
  // Why a needed step had not run when the run closed (docs/runs.md); also NEVER_AUTHORIZED above.
  RECEIPT_REFUSED: 'the run refused every receipt offered for the step (its `authorizeStep` refusal codes)',
  WAITING_FOR_NEEDS: 'it was authorized, but itself waited for a step it needs',
  RUNNING: 'its execution was still in flight',
  // Failure types the workflows and activities end with (docs/contracts.md); also RECEIPT_REJECTED above.
  OPERATION_FAILED: 'an execution whose outcome is `failed` ended with this; `details[0]` is the result',
  PLAN_INVALID: "a run's input is not a valid plan or deadline; it ends before any step",
  AUTHORIZATION_REFUSED:
    'an `authorizeStep` Update refused without reading the receipt; `details[0]` is the answer',
  RUN_NOT_SHIPPED: 'a prod run in which some step did not ship ended with this; `details[0]` is the timeline',
  GITHUB_BUDGET_WAIT:
    'a GitHub activity has no budget reservation for now and sent nothing; the workflow sleeps `waitMs`, then calls again',
  GITHUB_BUDGET_LEASE_ENDED:
    "a GitHub activity reached its write after its reservation's lease ended and sent nothing; its retry reserves again",
  AUDIT_CONFLICT: 'the audit log already holds a different record under this identity; nothing was appended',
  WOULD_WRITE: 'a preview reached a GitHub write and stopped before sending it',
  // Why an approval policy is not satisfied, or did not count an approval (docs/policy.md).
  POLICY_NO_RULE: 'no rule of the policy matches the operation, so it is refused (deny by default)',
  NEEDS_APPROVALS:
    'a matching rule has fewer approvals from distinct approvers than it requires (the message names who may still approve)',
  APPROVER_NOT_ALLOWED: "the signing key belongs to no approver of the rule's approver sets",
  DUPLICATE_APPROVER:
    'a signature of the same approver (by the same key or another of theirs) already counted; an approver counts once',
  SELF_APPROVAL: 'the approver is the requester, and the rule forbids the requester from approving',
  KEY_REVOKED: "the signing key is on the revocation list, revoked at or before the decision's time",
  KEY_NOT_VALID_YET: "the signing key's validity window in the policy has not begun (`not_before`)",
  KEY_EXPIRED: "the signing key's validity window in the policy has ended (`not_after`)",
  POLICY_UNREADABLE:
    'the policy file, the key ring or the revocation list in force cannot be read or parsed (the message names the file); nothing is authorized until it is fixed',
} as const;

export type Code = keyof typeof meanings;

/** Each code by name, so every use is checked: `Code.CONFLICT`. */
export const Code = Object.fromEntries(Object.keys(meanings).map((code) => [code, code])) as {
  readonly [C in Code]: C;
};

export const meaningOf = (code: Code): string => meanings[code];
export const allCodes = Object.keys(meanings) as Code[];
export const isCode = (value: unknown): value is Code =>
  typeof value === 'string' && Object.hasOwn(meanings, value);

const group = <const C extends readonly Code[]>(codes: C): C => codes;

/** A receipt that does not bind the request (or a run's step) it came with. */
const bindingCodes = group(['RUN_ID_MISMATCH', 'OPERATION_KIND_MISMATCH', 'PARAMS_MISMATCH']);

/** A receipt's own verdict (src/receipts). */
export const receiptReasonCodes = group([
  'MODE_NOT_PROD',
  'RECEIPT_MISSING',
  'MALFORMED',
  'DUPLICATE_MEMBER',
  'BAD_SIGNATURE',
  'UNKNOWN_KEY',
  'WRONG_TYPE',
  'ALG_NOT_ALLOWED',
  'NOT_ENFORCEABLE',
  'AUDIENCE_MISMATCH',
  ...bindingCodes,
  'NOT_YET_VALID',
  'EXPIRED',
  'STALE',
  'LIFETIME_TOO_LONG',
  'ALREADY_CONSUMED',
  'INVALID_REQUEST',
]);
export type ReceiptReasonCode = (typeof receiptReasonCodes)[number];

/** A rejected outcome's reasons: the receipt's own, and the executor's. */
const rejectionCodes = group([...receiptReasonCodes, 'WORKFLOW_ID_MISMATCH', 'INTERNAL_ERROR']);
export type RejectionCode = (typeof rejectionCodes)[number];

/** A 4xx answer from GitHub that the same request will always get again. */
const finalGitHubCodes = group([
  'GITHUB_BAD_CREDENTIALS',
  'GITHUB_NOT_FOUND',
  'GITHUB_VALIDATION_FAILED',
  'GITHUB_FORBIDDEN',
]);
export type FinalGitHubCode = (typeof finalGitHubCodes)[number];

/** GitHub refused the write, and nothing changed: a step's `GITHUB_REFUSED`. */
export const githubRefusalCodes = group(['CONFLICT', ...finalGitHubCodes]);

/**
 * A failed outcome that says why itself, and is a step's reason as it is: an asset's bytes, or
 * an execution that ran out of time or was cancelled.
 */
export const ownReasonCodes = group([
  'ARTIFACT_MISSING',
  'ARTIFACT_MISMATCH',
  'EXPIRED_DURING_EXECUTION',
  'CANCELLED',
]);

/** A failed outcome's code, and the failure types a GitHub activity ends with. */
const failureCodes = group([
  ...githubRefusalCodes,
  'GITHUB_PRIMARY_RATE_LIMIT',
  'GITHUB_SECONDARY_RATE_LIMIT',
  'GITHUB_UNAVAILABLE',
  ...ownReasonCodes,
  'INTERNAL_ERROR',
  'FAILED',
]);
export type FailureCode = (typeof failureCodes)[number];

/** An activity's failure as a failed outcome's code and message: a type no code names becomes `FAILED`, kept in the message. */
export function failedWith(
  type: string | null | undefined,
  message: string,
): { code: FailureCode; message: string } {
  const code = failureCodes.find((known) => known === type);
  if (code) return { code, message };
  return { code: 'FAILED', message: type ? `${type}: ${message}` : message };
}

/** The failure codes a workflow waits out rather than ends with. */
export const rateLimitCodes = group(['GITHUB_PRIMARY_RATE_LIMIT', 'GITHUB_SECONDARY_RATE_LIMIT']);
export type RateLimitCode = (typeof rateLimitCodes)[number];
export const isRateLimit = (type: unknown): type is RateLimitCode =>
  rateLimitCodes.some((code) => code === type);

/** The one primary reason a step did not ship. */
const notShippedCodes = group([
  'NEVER_AUTHORIZED',
  'RECEIPT_REJECTED',
  'BLOCKED_BY_MODE',
  'NEEDED_STEP_NOT_SHIPPED',
  'GITHUB_REFUSED',
  ...ownReasonCodes,
  'DEADLINE_REACHED',
  'EXECUTION_FAILED',
]);
export type NotShippedCode = (typeof notShippedCodes)[number];

/** Why a run refused an authorization; the run is unchanged by a refused one. */
export const refusalCodes = group([
  'MALFORMED',
  'UNKNOWN_STEP',
  'RUN_CLOSED',
  'ALREADY_AUTHORIZED',
  'STEP_ENDED',
  'RECEIPT_IN_USE',
  'RECEIPT_UNVERIFIED',
  ...bindingCodes,
  'TOO_MANY_REFUSALS',
]);
export type RefusalCode = (typeof refusalCodes)[number];

/** Why a needed step had not run when the run closed. */
export const waitingCodes = group(['NEVER_AUTHORIZED', 'RECEIPT_REFUSED', 'WAITING_FOR_NEEDS', 'RUNNING']);
export type WaitingCode = (typeof waitingCodes)[number];

/** The `ApplicationFailure` types our workflows, Updates and activities end with, besides the failure codes. */
export const failureTypes = group([
  // How an execution, a run or an Update ends failed: details[0] says the rest.
  ...([
    'RECEIPT_REJECTED',
    'OPERATION_FAILED',
    'PLAN_INVALID',
    'AUTHORIZATION_REFUSED',
    'RUN_NOT_SHIPPED',
  ] as const),
  // How an activity ends an attempt that sent nothing.
  ...(['GITHUB_BUDGET_WAIT', 'GITHUB_BUDGET_LEASE_ENDED', 'AUDIT_CONFLICT', 'WOULD_WRITE'] as const),
]);

/** Why an approval policy is not satisfied, or did not count an approval (src/policy); also two of a receipt's. */
export const policyCodes = group([
  'POLICY_NO_RULE',
  'NEEDS_APPROVALS',
  'APPROVER_NOT_ALLOWED',
  'DUPLICATE_APPROVER',
  'SELF_APPROVAL',
  'KEY_REVOKED',
  'KEY_NOT_VALID_YET',
  'KEY_EXPIRED',
  'POLICY_UNREADABLE',
  'UNKNOWN_KEY',
  'BAD_SIGNATURE',
]);
export type PolicyCode = (typeof policyCodes)[number];

/** The docs' tables of each kind, by the heading of their code column (test/codes/docs-tables.test.ts). */
export const codeTables = {
  'reason code': receiptReasonCodes,
  'not-shipped code': notShippedCodes,
  'failure code': failureCodes,
  'failure type': failureTypes,
  'refusal code': refusalCodes,
  'waiting code': waitingCodes,
  'policy code': policyCodes,
} as const;
