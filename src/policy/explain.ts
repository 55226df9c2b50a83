import type { PolicyDecision } from './evaluate.js';

/**
 * The decision as lines for people: the verdict and versions, each matching rule (a rule's line
 * says what its NEEDS_APPROVALS says), then every other reason.
 */
export function explainDecision(decision: PolicyDecision): string[] {
  const versions = `policy ${decision.policy_digest ?? 'none (no policy file)'}, revocations ${decision.revocations_digest ?? 'none'}`;
  return [
    `${decision.satisfied ? 'satisfied' : 'not satisfied'} (${versions})`,
    ...decision.rules.map((rule) => `  ${rule.satisfied ? '✓' : '✗'} rule "${rule.rule}": ${rule.summary}`),
    ...decision.reasons
      .filter((reason) => reason.code !== 'NEEDS_APPROVALS')
      .map((reason) => `  ${reason.code}: ${reason.message}`),
  ];
}
