/** Approval policy: who may authorize what. Pure decisions; files are read only by the source and the revocation writer. */

export type { Approval } from './approval.js';
export { approvalFate, verifiedAsRecorded } from './approval-fate.js';
export { approvalsFrom, approvalsOf } from './approvals-of.js';
export { evaluatePolicy, type PolicyDecision } from './evaluate.js';
export { explainDecision } from './explain.js';
export { type OperationFacts, operationFacts } from './facts.js';
export { NO_POLICY, type PolicyInForce, parsePolicy, policyDigest, policyInForce } from './load.js';
export {
  NO_REVOCATIONS,
  parseRevocations,
  type Revocation,
  type RevocationsInForce,
  revokeKey,
} from './revocations.js';
export { type PolicySource, policySource } from './source.js';
