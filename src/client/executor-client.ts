import { randomUUID } from 'node:crypto';
import {
  ApplicationFailure,
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import type { RejectionDraft } from '../activities/index.js';
import { claimedFields } from '../activities/validation.js';
import type { AuditEntry, AuditStore } from '../audit/index.js';
import { summaryOf } from '../github/plan.js';
import { DEFAULT_AUDIENCE, type KeyRing, parseOperationRequest, verifyReceipt } from '../receipts/index.js';
import { identifier } from '../receipts/text-fields.js';
import {
  type AuditAnchor,
  type ExecuteOperationInput,
  type ExecutionResult,
  type Progress,
  progressQuery,
  REJECTED_FAILURE_TYPE,
  REJECTION_WORKFLOW_TYPE,
  type Reason,
  searchAttributes,
  TASK_QUEUE,
  WORKFLOW_ID_CONFLICT_POLICY,
  WORKFLOW_ID_REUSE_POLICY,
  WORKFLOW_TYPE,
  workflowIdFor,
} from '../shared.js';

export type Submission =
  | { status: 'started'; receiptId: string; workflowId: string }
  | {
      status: 'rejected';
      receiptId: string | null;
      reasons: Reason[];
      audit: AuditAnchor;
      /** The workflow that recorded the refusal (search it in the Web UI). */
      workflowId: string;
    };

export interface RunStatus {
  receiptId: string;
  workflowId: string;
  status: string;
  progress?: Progress;
  result?: ExecutionResult;
}

export interface RunSummary {
  workflowId: string;
  status: string;
  operationKind?: string;
  repository?: string;
  outcome?: string;
  startTime: Date;
}

/**
 * What a submission claims, valid or not, so a run's refusals are found with it; the
 * executor re-checks all of it, and records say whether a receipt vouched for the run id.
 */
function searchAttributesOf(request: unknown) {
  const claimed = claimedFields(request);
  return [
    { key: searchAttributes.runId, value: claimed.runId },
    { key: searchAttributes.operationKind, value: claimed.operationKind },
    { key: searchAttributes.repository, value: claimed.repository },
  ].flatMap(({ key, value }) => (value === null ? [] : [{ key, value }]));
}

/**
 * A rejected execution ends failed (so a forged start cannot occupy a genuine receipt's
 * id); its result travels as the failure's details. Any other failure is not an outcome.
 */
export function rejectionOf(error: unknown): ExecutionResult | undefined {
  if (!(error instanceof WorkflowFailedError)) return undefined;
  const { cause } = error;
  if (!(cause instanceof ApplicationFailure) || cause.type !== REJECTED_FAILURE_TYPE) return undefined;
  const result = cause.details?.[0] as ExecutionResult | undefined;
  return result?.status === 'rejected' ? result : undefined;
}

/** The outcome of a closed execution, whether it completed or ended failed as a rejection. */
export async function executionResult(handle: WorkflowHandle): Promise<ExecutionResult> {
  try {
    return await handle.result();
  } catch (error) {
    const rejected = rejectionOf(error);
    if (rejected) return rejected;
    throw error;
  }
}

/**
 * The submitter's side of the contract. It verifies the receipt's signature before
 * starting anything, so a forged receipt can never use up a genuine receipt id.
 */
export class ExecutorClient {
  constructor(
    private readonly client: Client,
    private readonly options: {
      /** The receipt key ring `submit` checks signatures against; inspection needs none. */
      keys?: KeyRing;
      /** Read access to the audit log, for `getAuditTrail`. */
      auditStore?: AuditStore;
      /** The executor's identity receipts must name (default `marketops-executor`). */
      audience?: string;
      /** The clock receipts are checked against before submission (default: this machine's). */
      now?: () => Date | Promise<Date>;
    } = {},
  ) {}

  /** Every final record of a run, in log order, with its leaf hash. */
  async getAuditTrail({ runId }: { runId: string }): Promise<AuditEntry[]> {
    const { auditStore } = this.options;
    if (!auditStore)
      throw new Error('This client was created without an audit store; pass one to read audit trails.');
    return auditStore.byRunId(runId);
  }

  async submit(input: ExecuteOperationInput): Promise<Submission> {
    const { keys } = this.options;
    if (!keys)
      throw new Error('This client was created without a receipt key ring; pass one to submit receipts.');
    // Everything but the executor's mode is checked before the receipt's workflow id is
    // taken: neither a forged receipt nor a genuine one paired with another request can use
    // up a genuine receipt. The workflow checks it all again.
    const verdict = await verifyReceipt(input.receipt, input.request, {
      keys,
      mode: 'prod',
      now: await (this.options.now ?? (() => new Date()))(),
      audience: this.options.audience ?? DEFAULT_AUDIENCE,
    });
    const parsed = parseOperationRequest(input.request);
    const request = parsed.ok ? parsed.request : undefined;
    if (!verdict.accepted) {
      const prefix = verdict.receiptId ? `refused-${verdict.receiptId}` : 'unverified';
      return this.reject(input.request, verdict.receiptId ?? null, verdict.reasons, prefix, verdict.kid);
    }
    const { receiptId, kid } = verdict;
    const workflowId = workflowIdFor(receiptId);
    try {
      await this.client.workflow.start(WORKFLOW_TYPE, {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [input],
        workflowIdReusePolicy: WORKFLOW_ID_REUSE_POLICY,
        workflowIdConflictPolicy: WORKFLOW_ID_CONFLICT_POLICY,
        typedSearchAttributes: searchAttributesOf(request),
        staticSummary: request && summaryOf(request),
      });
      return { status: 'started', receiptId, workflowId };
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      const reasons = [
        { code: 'ALREADY_CONSUMED', message: `Receipt ${receiptId} was already submitted as ${workflowId}.` },
      ];
      return this.reject(input.request, receiptId, reasons, `duplicate-${receiptId}`, kid, true);
    }
  }

  /** Submits and waits for the final outcome. */
  async execute(input: ExecuteOperationInput): Promise<ExecutionResult> {
    const submission = await this.submit(input);
    if (submission.status === 'rejected') return submission;
    return this.result(submission.receiptId);
  }

  result(receiptId: string): Promise<ExecutionResult> {
    return executionResult(this.handle(receiptId));
  }

  /** Live progress while running (answered by a worker); the final outcome once closed. */
  async status(receiptId: string): Promise<RunStatus> {
    const handle = this.handle(receiptId);
    const { status } = await handle.describe();
    const base = { receiptId, workflowId: handle.workflowId, status: status.name };
    if (status.name === 'RUNNING') return { ...base, progress: await handle.query(progressQuery) };
    if (status.name !== 'COMPLETED' && status.name !== 'FAILED') return base;
    try {
      return { ...base, result: await executionResult(handle) };
    } catch (error) {
      if (error instanceof WorkflowFailedError) return base;
      throw error;
    }
  }

  async listByRunId(runId: string): Promise<RunSummary[]> {
    if (!identifier().safeParse(runId).success)
      throw new Error(`Run id ${JSON.stringify(runId)} has characters a run id cannot have.`);
    const runs: RunSummary[] = [];
    for await (const execution of this.client.workflow.list({
      query: `${searchAttributes.runId.name} = "${runId}"`,
    })) {
      const attributes = execution.typedSearchAttributes;
      runs.push({
        workflowId: execution.workflowId,
        status: execution.status.name,
        operationKind: attributes.get(searchAttributes.operationKind),
        repository: attributes.get(searchAttributes.repository),
        outcome: attributes.get(searchAttributes.outcome),
        startTime: execution.startTime,
      });
    }
    return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  }

  private handle(receiptId: string): WorkflowHandle {
    return this.client.workflow.getHandle(workflowIdFor(receiptId));
  }

  /** Client-side refusals are audited too, by a workflow of their own on the executor's workers. */
  private async reject(
    request: unknown,
    receiptId: string | null,
    reasons: Reason[],
    idPrefix: string,
    keyId: string | null = null,
    runIdVerified = false,
  ): Promise<Submission> {
    const claimed = claimedFields(request);
    const draft: RejectionDraft = {
      run_id: claimed.runId,
      run_id_verified: runIdVerified,
      receipt_id: receiptId,
      operation_kind: claimed.operationKind,
      repository: claimed.repository,
      key_id: keyId,
      reasons,
    };
    const workflowId = `rejected-${idPrefix}-${randomUUID()}`;
    const audit = await this.client.workflow.execute<(draft: RejectionDraft) => Promise<AuditAnchor>>(
      REJECTION_WORKFLOW_TYPE,
      {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [draft],
        typedSearchAttributes: searchAttributesOf(request),
      },
    );
    return { status: 'rejected', receiptId, reasons, audit, workflowId };
  }
}
