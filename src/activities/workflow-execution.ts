import { Context } from '@temporalio/activity';

/** The workflow this activity runs for: the ledger and the audit log key by it. */
export function currentWorkflowExecution(): { workflowId: string; runId: string } {
  const { workflowExecution } = Context.current().info;
  if (!workflowExecution) throw new Error('this activity runs for workflows only');
  return workflowExecution;
}
