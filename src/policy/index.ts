/** Approval policy: who may authorize what. Pure decisions; files are read only by the source and the revocation writer. */

export type { Approval } from './approval.js';
export { approvalsOf, keyThumbprint } from './approvals-of.js';
export {
  type ApprovalRefusal,
  type EvaluationInput,
  evaluatePolicy,
  type PolicyDecision,
  type PolicyReason,
  type RuleOutcome,
} from './evaluate.js';
export { explainDecision } from './explain.js';
export { type OperationFacts, operationFacts } from './facts.js';
export { type PolicyInForce, parsePolicy, policyDigest } from './load.js';
export {
  parseRevocations,
  type Revocation,
  type RevocationsInForce,
  revokeKey,
} from './revocations.js';
export type { Policy, Rule } from './schema.js';
export { type PolicyFiles, type PolicySnapshot, type PolicySource, policySource } from './source.js';
