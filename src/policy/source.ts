import type { Approval } from './approval.js';
import type { PolicyDecision } from './evaluate.js';
import type { OperationFacts } from './facts.js';
import type { PolicyInForce } from './load.js';
import type { RevocationsInForce } from './revocations.js';

export interface PolicySnapshot {
  policy: PolicyInForce;
  revocations: RevocationsInForce;
}

export interface PolicyFiles {
  /** Unset: no policy file, today's behaviour (any ring key, one approval). */
  policyFile?: string;
  /** Unset: no key is revoked. A configured file that does not exist yet is an empty list. */
  revocationsFile?: string;
}

/** The policy and revocations in force, re-read when a file's mtime or size changes (one stat each per call). */
export interface PolicySource {
  /** Throws one sentence naming the file when a configured file cannot be read or parsed: fail closed. */
  current(): Promise<PolicySnapshot>;
  /** `evaluatePolicy` over `current()`. */
  decide(facts: OperationFacts, approvals: readonly Approval[], now: Date): Promise<PolicyDecision>;
}

export function policySource(files: PolicyFiles): PolicySource {
  throw new Error('not yet');
}
