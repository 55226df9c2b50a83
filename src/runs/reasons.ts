import { Code, type FailureCode } from '../codes.js';
import type { ExecutionResult, Reason, StepView } from '../shared.js';

/** Why a step did not ship: one primary code and sentence, with what it rests on. */
export type NotShipped = NonNullable<StepView['reason']>;

export const reasonOf = (code: NotShipped['code'], message: string, detail: Reason[] = []): NotShipped => ({
  code,
  message,
  detail,
});

const GITHUB_REFUSALS = new Set<string>([
  Code.CONFLICT,
  Code.GITHUB_VALIDATION_FAILED,
  Code.GITHUB_NOT_FOUND,
  Code.GITHUB_FORBIDDEN,
  Code.GITHUB_BAD_CREDENTIALS,
]);

const OWN_REASONS = [
  Code.ARTIFACT_MISSING,
  Code.ARTIFACT_MISMATCH,
  Code.EXPIRED_DURING_EXECUTION,
  Code.CANCELLED,
] as const;

/** Why a step whose workflow ended with `code` did not ship. */
function failedReason(code: FailureCode, message: string): NotShipped {
  const detail = [{ code, message }];
  if (GITHUB_REFUSALS.has(code))
    return reasonOf(Code.GITHUB_REFUSED, `GitHub refused it (${code}): ${message}`, detail);
  // These say why themselves, naming the artifact or the receipt's expiry.
  for (const own of OWN_REASONS) if (code === own) return reasonOf(own, message, detail);
  return reasonOf(Code.EXECUTION_FAILED, `The execution failed (${code}): ${message}`, detail);
}

/** The one primary reason a step's result is not a shipment; undefined when it shipped. */
export function notShippedReason(result: ExecutionResult): NotShipped | undefined {
  switch (result.status) {
    case 'succeeded':
      return undefined;
    case 'rejected': {
      const codes = result.reasons.map((reason) => reason.code).join(', ');
      return reasonOf(Code.RECEIPT_REJECTED, `The receipt was rejected (${codes}).`, result.reasons);
    }
    case 'blocked_by_mode':
      return reasonOf(Code.BLOCKED_BY_MODE, 'The executor runs in dry-run mode; nothing was written.');
    case 'failed':
      return failedReason(result.code, result.message);
  }
}

/** A step whose workflow id was taken: its receipt was submitted already, so this submission is a rejection. */
export function alreadySubmittedReason(step: StepView): NotShipped {
  const message = `Receipt ${step.receiptId} was already submitted as ${step.workflowId}.`;
  return reasonOf(Code.RECEIPT_REJECTED, `The receipt was rejected (${Code.ALREADY_CONSUMED}).`, [
    { code: Code.ALREADY_CONSUMED, message },
  ]);
}

/** A step whose workflow did not complete and left no result. */
export const incompleteReason = (message: string): NotShipped =>
  reasonOf(Code.EXECUTION_FAILED, `The step's workflow did not complete: ${message}`);

/** The result a step's workflow that ended failed carries as its failure's first detail, if it is one. */
export function resultInDetails(details: readonly unknown[] | undefined): ExecutionResult | undefined {
  const result = details?.[0] as Partial<ExecutionResult> | undefined;
  return result?.status !== undefined && result.audit !== undefined ? (result as ExecutionResult) : undefined;
}
