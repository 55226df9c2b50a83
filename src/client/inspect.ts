import type { Client, WorkflowHandle } from '@temporalio/client';
import { WorkflowFailedError } from '@temporalio/client';
import { arrayFromPayloads } from '@temporalio/common';
import type { RejectionDraft } from '../audit/refusal-draft.js';
import { identifier } from '../common/text-fields.js';
import {
  type AuditAnchor,
  type ExecutionResult,
  type Progress,
  progressQuery,
  REJECTION_WORKFLOW_TYPE,
  searchAttributes,
  workflowIdFor,
} from '../shared.js';
import { executionResult, workflowIdOf } from './execution-result.js';
import { liveWorkers } from './workers.js';

/** One execution (a receipt's workflow, or the record of a refused submission) as `execution show` shows it. */
export interface ExecutionStatus {
  /** Null for a refused submission whose receipt had no readable id. */
  receiptId: string | null;
  workflowId: string;
  status: string;
  progress?: Progress;
  result?: ExecutionResult;
  /** Running, but no worker polls the executor's task queue: it runs when one starts. */
  waitingForWorker?: true;
}

/** One execution of a run, as `execution list` shows it. */
export interface ExecutionSummary {
  workflowId: string;
  status: string;
  operationKind?: string;
  repository?: string;
  outcome?: string;
  /** The reason codes of a rejection, or the code of a failure; empty otherwise and while running. */
  reasons: string[];
  startTime: Date;
}

/**
 * Live progress while running (answered by a worker), or that no worker polls; the final
 * outcome once closed. Takes any id a command prints (see `workflowIdOf`).
 */
export async function executionStatus(client: Client, id: string): Promise<ExecutionStatus> {
  const handle = client.workflow.getHandle(workflowIdOf(id));
  const { status, type } = await handle.describe();
  const draft = type === REJECTION_WORKFLOW_TYPE ? await refusalDraft(client, handle) : undefined;
  const receiptId = draft ? draft.receipt_id : handle.workflowId.slice(workflowIdFor('').length);
  const base = { receiptId, workflowId: handle.workflowId, status: status.name };
  if (status.name === 'RUNNING') {
    if ((await liveWorkers(client)).length === 0) return { ...base, waitingForWorker: true };
    if (draft) return base;
    // A worker seen a minute ago may have stopped since: then nobody answers the query.
    const progress = await handle.query(progressQuery).catch(() => undefined);
    return progress ? { ...base, progress } : { ...base, waitingForWorker: true };
  }
  if (status.name !== 'COMPLETED' && status.name !== 'FAILED') return base;
  try {
    return { ...base, result: await outcomeOf(handle, draft) };
  } catch (error) {
    if (error instanceof WorkflowFailedError) return base;
    throw error;
  }
}

/** The executions a run id's submissions started (refusals included), oldest first. */
export async function listExecutions(client: Client, runId: string): Promise<ExecutionSummary[]> {
  if (!identifier().safeParse(runId).success)
    throw new Error(`Run id ${JSON.stringify(runId)} has characters a run id cannot have.`);
  const executions: ExecutionSummary[] = [];
  for await (const execution of client.workflow.list({
    query: `${searchAttributes.runId.name} = "${runId}"`,
  })) {
    const attributes = execution.typedSearchAttributes;
    const closed = execution.status.name === 'COMPLETED' || execution.status.name === 'FAILED';
    executions.push({
      workflowId: execution.workflowId,
      status: execution.status.name,
      operationKind: attributes.get(searchAttributes.operationKind),
      repository: attributes.get(searchAttributes.repository),
      outcome: attributes.get(searchAttributes.outcome),
      reasons: closed ? await closedReasonCodes(client, execution.workflowId, execution.type) : [],
      startTime: execution.startTime,
    });
  }
  return executions.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
}

/** The codes an operator triages by: a rejection's reasons, a failure's code. */
function reasonCodes(result: ExecutionResult): string[] {
  if (result.status === 'rejected') return result.reasons.map((reason) => reason.code);
  return result.status === 'failed' ? [result.code] : [];
}

/** Reason codes of a closed workflow; none when it closed without an outcome (terminated, a bug). */
async function closedReasonCodes(client: Client, workflowId: string, type: string): Promise<string[]> {
  const handle = client.workflow.getHandle(workflowId);
  const draft = type === REJECTION_WORKFLOW_TYPE ? await refusalDraft(client, handle) : undefined;
  return outcomeOf(handle, draft).then(reasonCodes, () => []);
}

/**
 * The outcome of a closed workflow: an execution's result, or, for a refusal the client
 * recorded, the refusal (its input) with the audit anchor (its result).
 */
async function outcomeOf(
  handle: WorkflowHandle,
  refusal: RejectionDraft | undefined,
): Promise<ExecutionResult> {
  if (!refusal) return executionResult(handle);
  const audit = (await handle.result()) as AuditAnchor;
  return { status: 'rejected', reasons: refusal.reasons, audit };
}

/** A recorded refusal's input, from the start of its history (payloads are plain JSON by contract). */
async function refusalDraft(client: Client, handle: WorkflowHandle): Promise<RejectionDraft> {
  const history = await handle.fetchHistory();
  const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
  const [draft] = arrayFromPayloads(client.options.loadedDataConverter.payloadConverter, input);
  return draft as RejectionDraft;
}
