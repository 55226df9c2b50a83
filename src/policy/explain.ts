import type { PolicyDecision } from './evaluate.js';

/** The decision as lines for people: each matching rule and what is satisfied or missing, then refusals. */
export function explainDecision(decision: PolicyDecision): string[] {
  throw new Error('not yet');
}
