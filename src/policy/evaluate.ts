import type { PolicyCode } from '../codes.js';
import type { Approval } from './approval.js';
import type { OperationFacts } from './facts.js';
import type { PolicyInForce } from './load.js';
import { matchingRules } from './match.js';
import { type RevocationsInForce, revocationOf } from './revocations.js';
import type { Policy, Rule } from './schema.js';
import { canApproveNow, revokedKey, type Signer, signerOf, unverified } from './signers.js';

/** An approval a rule did not count, and why. */
export interface ApprovalRefusal {
  kid: string;
  /** The approver its key belongs to; null when no single approver has it. */
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
  /** e.g. `2 of 3: approved by alice, bob; missing one of ops-leads (may still approve: carol)`. */
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
  /** Why it is not satisfied, then each approval refused (once, however many rules refused it). */
  reasons: PolicyReason[];
}

export interface EvaluationInput {
  policy: PolicyInForce;
  revocations: RevocationsInForce;
  facts: OperationFacts;
  approvals: readonly Approval[];
  now: Date;
}

/** The rule that stands for "no policy file": today's behaviour, one approval by any key of the ring. */
export const RING_RULE = 'no policy file: one approval by any key of the receipt key ring';

/** Pure: whether these approvals satisfy every rule that matches the operation. Deny by default. */
export function evaluatePolicy(input: EvaluationInput): PolicyDecision {
  const rules = input.policy.mode === 'file' ? fileRules(input, input.policy.policy) : [ringRule(input)];
  const needs: PolicyReason[] =
    rules.length === 0
      ? [{ code: 'POLICY_NO_RULE', message: noRuleMessage(input) }]
      : rules
          .filter((rule) => !rule.satisfied)
          .map((rule) => ({ code: 'NEEDS_APPROVALS', message: `Rule "${rule.rule}": ${rule.summary}.` }));
  const refusals = new Map<string, PolicyReason>();
  for (const refusal of rules.flatMap((rule) => rule.refused)) {
    refusals.set(`${refusal.code} ${refusal.message}`, { code: refusal.code, message: refusal.message });
  }
  return {
    satisfied: rules.length > 0 && rules.every((rule) => rule.satisfied),
    policy_digest: input.policy.digest,
    revocations_digest: input.revocations.digest,
    rules,
    reasons: [...needs, ...refusals.values()],
  };
}

function noRuleMessage({ policy, facts }: EvaluationInput): string {
  return `No rule of the policy file ${policy.file} matches ${facts.kind} on ${facts.repository} (ref "${facts.ref}", mode ${facts.mode}); what the policy does not name is refused.`;
}

function fileRules(input: EvaluationInput, policy: Policy): RuleOutcome[] {
  const signers = input.approvals.map((approval) =>
    signerOf(approval, policy, input.revocations.revocations, input.now),
  );
  return matchingRules(policy.rules, input.facts).map((rule) => ruleOutcome(rule, policy, signers, input));
}

function ruleOutcome(rule: Rule, policy: Policy, signers: Signer[], input: EvaluationInput): RuleOutcome {
  const requester = rule.forbid_requester === true ? input.facts.requester : undefined;
  const eligible = [...new Set(rule.requires.from.flatMap((set) => policy.approver_sets[set] ?? []))];
  const { approvedBy, refused } = count(signers, {
    rule: rule.name,
    allows: (approver) => eligible.includes(approver),
    sets: rule.requires.from.join(', '),
    requester,
  });
  const mayStill = eligible.filter((name) => {
    const approver = policy.approvers.find((each) => each.name === name);
    return (
      !approvedBy.includes(name) &&
      name !== requester &&
      approver !== undefined &&
      canApproveNow(approver, input.revocations.revocations, input.now)
    );
  });
  return outcome(rule.name, rule.requires.count, rule.requires.from, approvedBy, mayStill, refused);
}

/** Without a policy file: any verified, unrevoked key of the ring, each kid its own approver. */
function ringRule(input: EvaluationInput): RuleOutcome {
  const signers = input.approvals.map((approval): Signer => {
    const { kid } = approval;
    const revoked = revocationOf(input.revocations.revocations, kid, input.now);
    if (!approval.verified) return { kid, approver: null, ok: false, ...unverified(approval) };
    if (revoked) return { kid, approver: null, ok: false, ...revokedKey(kid, null, revoked) };
    return { kid, approver: kid, ok: true };
  });
  const { approvedBy, refused } = count(signers, {
    rule: RING_RULE,
    allows: () => true,
    sets: '',
    requester: undefined,
  });
  return outcome(RING_RULE, 1, [], approvedBy, [], refused);
}

interface Counting {
  rule: string;
  allows(approver: string): boolean;
  /** For messages: the sets it counts from. */
  sets: string;
  /** The requester, when the rule forbids them from approving. */
  requester: string | undefined;
}

/** Each signer in order: counted once per approver, or refused with why. */
function count(signers: Signer[], rule: Counting): { approvedBy: string[]; refused: ApprovalRefusal[] } {
  const approvedBy: string[] = [];
  const refused: ApprovalRefusal[] = [];
  for (const signer of signers) {
    if (!signer.ok) {
      refused.push({
        kid: signer.kid,
        approver: signer.approver,
        code: signer.code,
        message: signer.message,
      });
      continue;
    }
    const { kid, approver } = signer;
    const refuse = (code: PolicyCode, message: string) =>
      refused.push({ kid, approver, code, message: `Key "${kid}" is ${approver}'s, ${message}` });
    if (!rule.allows(approver)) {
      refuse('APPROVER_NOT_ALLOWED', `who is in none of ${rule.sets} that rule "${rule.rule}" counts from.`);
    } else if (approver === rule.requester) {
      refuse(
        'SELF_APPROVAL',
        `who requested the operation, and rule "${rule.rule}" forbids approving one's own request.`,
      );
    } else if (approvedBy.includes(approver)) {
      refuse('DUPLICATE_APPROVER', 'who already approved; an approver counts once.');
    } else {
      approvedBy.push(approver);
    }
  }
  return { approvedBy, refused };
}

const COUNT_WORDS = ['none', 'one', 'two', 'three', 'four', 'five'];

function outcome(
  rule: string,
  required: number,
  from: string[],
  approvedBy: string[],
  mayStill: string[],
  refused: ApprovalRefusal[],
): RuleOutcome {
  const satisfied = approvedBy.length >= required;
  const missing = required - approvedBy.length;
  const approved = approvedBy.length > 0 ? `approved by ${approvedBy.join(', ')}` : 'no approval yet';
  const who =
    from.length === 0
      ? 'any key of the receipt key ring'
      : `${from.join(', ')} (${mayStill.length > 0 ? `may still approve: ${mayStill.join(', ')}` : 'no one left who may approve'})`;
  const summary = `${approvedBy.length} of ${required}: ${approved}${satisfied ? '' : `; missing ${COUNT_WORDS[missing] ?? missing} of ${who}`}`;
  return {
    rule,
    satisfied,
    required,
    from,
    approved_by: approvedBy,
    may_still_approve: mayStill,
    refused,
    summary,
  };
}
