import type { PolicyCode } from '../codes.js';
import type { Approval } from './approval.js';
import type { OperationFacts } from './facts.js';
import type { PolicyInForce } from './load.js';
import type { RevocationsInForce } from './revocations.js';

/** An approval a rule did not count, and why. */
export interface ApprovalRefusal {
  kid: string;
  /** The approver its key belongs to; null when no approver has it. */
  approver: string | null;
  code: PolicyCode;
  message: string;
}

/** One matching rule: what it requires, who counted, who may still approve. */
export interface RuleOutcome {
  rule: string;
  satisfied: boolean;
  required: number;
  /** The approver sets it counts from. */
  from: string[];
  /** Distinct approvers counted, each once however many of their keys signed. */
  approved_by: string[];
  /** Approvers of its sets not counted yet who may still approve now (a valid key, not the requester where forbidden). */
  may_still_approve: string[];
  refused: ApprovalRefusal[];
  /** e.g. `2 of 3: missing one of ops-leads (may still approve: carol, dave)`. */
  summary: string;
}

export interface PolicyReason {
  code: PolicyCode;
  message: string;
}

export interface PolicyDecision {
  satisfied: boolean;
  /** The versions it used. */
  policy_digest: string | null;
  revocations_digest: string | null;
  /** Every matching rule, in the policy's order; all must be satisfied. */
  rules: RuleOutcome[];
  /** Why it is not satisfied (empty when it is), and each approval refused. */
  reasons: PolicyReason[];
}

export interface EvaluationInput {
  policy: PolicyInForce;
  revocations: RevocationsInForce;
  facts: OperationFacts;
  approvals: readonly Approval[];
  now: Date;
}

/** Pure: whether these approvals satisfy every rule that matches the operation. Deny by default. */
export function evaluatePolicy(input: EvaluationInput): PolicyDecision {
  throw new Error('not yet');
}
