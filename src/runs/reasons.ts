import { Code, type FailureCode, githubRefusalCodes, ownReasonCodes } from '../codes.js';
import type { ExecutionResult, Reason, StepView } from '../shared.js';

/** Why a step did not ship: one primary code and sentence, with what it rests on. */
export type NotShipped = NonNullable<StepView['reason']>;

export const reasonOf = (code: NotShipped['code'], message: string, detail: Reason[] = []): NotShipped => ({
  code,
  message,
  detail,
});

const GITHUB_REFUSALS = new Set<string>(githubRefusalCodes);

/** Why a step whose workflow ended with `code` did not ship. */
function failedReason(code: FailureCode, message: string): NotShipped {
  const detail = [{ code, message }];
  if (GITHUB_REFUSALS.has(code))
    return reasonOf(Code.GITHUB_REFUSED, `GitHub refused it (${code}): ${message}`, detail);
  // These say why themselves, naming the artifact or the receipt's expiry.
  for (const own of ownReasonCodes) if (code === own) return reasonOf(own, message, detail);
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

/**
 * The failure type an execution ends with when its outcome is a rejection or a failure, its result
 * as the failure's details[0]: a forged start must not occupy a genuine receipt's id, and the Web UI
 * must tell it from a success.
 */
export const endedFailedType = { rejected: Code.RECEIPT_REJECTED, failed: Code.OPERATION_FAILED } as const;

/** The result an execution that ended failed carries in its failure (its type and details); undefined for any other failure. */
export function resultInFailure(
  type: string | null | undefined,
  details: readonly unknown[] | null | undefined,
): ExecutionResult | undefined {
  const result = details?.[0] as ExecutionResult | undefined;
  if (result?.audit === undefined || (result.status !== 'rejected' && result.status !== 'failed'))
    return undefined;
  return type === endedFailedType[result.status] ? result : undefined;
}
