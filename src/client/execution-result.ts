import { ApplicationFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { resultInFailure } from '../runs/reasons.js';
import { type ExecutionResult, workflowIdFor } from '../shared.js';

/**
 * Every id a command prints names one workflow: `receipt-<id>` (an execution), `rejected-…`
 * (a refusal the client recorded), or a bare receipt id, whose execution is `receipt-<id>`.
 */
export function workflowIdOf(id: string): string {
  return /^(receipt|rejected)-/.test(id) ? id : workflowIdFor(id);
}

/** The result a rejected or failed execution carries in its failure; undefined for any other failure. */
function resultOfEndedFailed(error: unknown): ExecutionResult | undefined {
  const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
  return cause instanceof ApplicationFailure ? resultInFailure(cause.type, cause.details) : undefined;
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
