import { readFileSync } from 'node:fs';
import {
  type Approval,
  evaluatePolicy,
  NO_REVOCATIONS,
  type OperationFacts,
  type PolicyDecision,
  type PolicyInForce,
  policyInForce,
  type Revocation,
  type RevocationsInForce,
} from '../../src/policy/index.js';

/** 2026-03-01T00:00:00Z: every decision here pins its clock. */
export const NOW = new Date('2026-03-01T00:00:00Z');

/** A policy file of examples/policy, as the policy in force. */
export const examplePolicy = (name: string): PolicyInForce => {
  const file = `examples/policy/${name}.yaml`;
  return policyInForce(readFileSync(file, 'utf8'), file);
};

/** A policy from YAML text. */
export const policyOf = (yaml: string): PolicyInForce => policyInForce(yaml, 'test.yaml');

/** A verified approval by `kid` (its thumbprint unknown to the policy unless given). */
export const by = (kid: string, thumbprint: string | null = `tp-of-${kid}`): Approval => ({
  kid,
  thumbprint,
  verified: true,
});

export const facts = (overrides: Partial<OperationFacts> = {}): OperationFacts => ({
  repository: 'acme/widgets',
  kind: 'publish_release',
  ref: 'main',
  mode: 'prod',
  ...overrides,
});

export function decide(
  policy: PolicyInForce,
  operation: OperationFacts,
  approvals: Approval[],
  options: { revocations?: Revocation[]; now?: Date } = {},
): PolicyDecision {
  const revocations: RevocationsInForce =
    options.revocations === undefined
      ? NO_REVOCATIONS
      : { file: 'revoked.json', revocations: options.revocations, digest: 'sha256:test' };
  return evaluatePolicy({ policy, revocations, facts: operation, approvals, now: options.now ?? NOW });
}

export const codesOf = (decision: PolicyDecision): string[] => decision.reasons.map((reason) => reason.code);
