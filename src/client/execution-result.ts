import { ApplicationFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { Code } from '../codes.js';
import { type ExecutionResult, workflowIdFor } from '../shared.js';

/**
 * Every id a command prints names one workflow: `receipt-<id>` (an execution), `rejected-…`
 * (a refusal the client recorded), or a bare receipt id, whose execution is `receipt-<id>`.
 */
export function workflowIdOf(id: string): string {
  return /^(receipt|rejected)-/.test(id) ? id : workflowIdFor(id);
}

/**
 * The result a rejected or failed execution carries: such an execution ends Failed (a forged
 * start must not occupy a genuine receipt's id; the Web UI must tell it from a success) with
 * its result as the failure's details[0]. Undefined for any other failure: it is not an outcome.
 */
function resultOfEndedFailed(error: unknown): ExecutionResult | undefined {
  if (!(error instanceof WorkflowFailedError)) return undefined;
  const { cause } = error;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const result = cause.details?.[0] as ExecutionResult | undefined;
  if (cause.type === Code.RECEIPT_REJECTED && result?.status === 'rejected') return result;
  if (cause.type === Code.OPERATION_FAILED && result?.status === 'failed') return result;
  return undefined;
}

/** The outcome of a closed execution, whether it completed or ended Failed as a rejection or a failure. */
export async function executionResult(handle: WorkflowHandle): Promise<ExecutionResult> {
  try {
    return await handle.result();
  } catch (error) {
    const result = resultOfEndedFailed(error);
    if (result) return result;
    throw error;
  }
}
