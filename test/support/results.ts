import type { ReceiptVerdict } from '../../src/receipts/index.js';
import type { ExecutionResult } from '../../src/shared.js';

/** The reason codes of a refused verdict or a rejected execution; none for any other outcome. */
export const codesOf = (outcome: ReceiptVerdict | ExecutionResult): string[] =>
  'reasons' in outcome ? outcome.reasons.map((reason) => reason.code) : [];
