import type { Client } from '@temporalio/client';
import type { AuditEntry, AuditStore } from '../audit/index.js';
import { type ExecuteOperationInput, type ExecutionResult, workflowIdFor } from '../shared.js';
import { executionResult } from './execution-result.js';
import { type ExecutionStatus, type ExecutionSummary, executionStatus, listExecutions } from './inspect.js';
import { type Sending, type Submission, type SubmitOptions, submitExecution } from './submit.js';
import { liveWorkers } from './workers.js';

/**
 * The submitter's side of the contract, one object for the CLI and the tests: submitting a
 * receipt's execution (./submit.ts) and inspecting executions and workers (./inspect.ts,
 * ./workers.ts). Publication runs have their own client (./run-client.ts).
 */
export class ExecutorClient {
  constructor(
    private readonly client: Client,
    private readonly options: SubmitOptions & {
      /** Read access to the audit log, for `getAuditTrail`. */
      auditStore?: AuditStore;
    } = {},
  ) {}

  /** `sending` hears of the workflow the submission starts just before it goes out. */
  submit(input: ExecuteOperationInput, sending?: (sent: Sending) => void): Promise<Submission> {
    return submitExecution(this.client, this.options, input, sending);
  }

  /** Submits and waits for the final outcome. */
  async execute(input: ExecuteOperationInput): Promise<ExecutionResult> {
    const submission = await this.submit(input);
    if (submission.status === 'rejected') return submission;
    return this.result(submission.receiptId);
  }

  /** Waits for the receipt's execution to close and returns its outcome. */
  result(receiptId: string): Promise<ExecutionResult> {
    return executionResult(this.client.workflow.getHandle(workflowIdFor(receiptId)));
  }

  executionStatus(id: string): Promise<ExecutionStatus> {
    return executionStatus(this.client, id);
  }

  listExecutions(runId: string): Promise<ExecutionSummary[]> {
    return listExecutions(this.client, runId);
  }

  liveWorkers(): Promise<string[]> {
    return liveWorkers(this.client);
  }

  /** Every final record of a run, in log order, with its leaf hash. */
  async getAuditTrail({ runId }: { runId: string }): Promise<AuditEntry[]> {
    const { auditStore } = this.options;
    if (!auditStore)
      throw new Error('This client was created without an audit store; pass one to read audit trails.');
    return auditStore.byRunId(runId);
  }
}
