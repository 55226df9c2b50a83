import { randomUUID } from 'node:crypto';
import {
  ApplicationFailure,
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { arrayFromPayloads } from '@temporalio/common';
import { optionalTsToMs } from '@temporalio/common/lib/time.js';
import proto from '@temporalio/proto';
import type { RejectionDraft } from '../activities/index.js';
import { claimedFields } from '../activities/validation.js';
import type { AuditEntry, AuditStore } from '../audit/index.js';
import { identifier } from '../common/text-fields.js';
import { summaryOf } from '../operations/registry.js';
import { DEFAULT_AUDIENCE, type KeyRing, parseOperationRequest, verifyReceipt } from '../receipts/index.js';
import {
  type AuditAnchor,
  type ExecuteOperationInput,
  type ExecutionResult,
  FAILED_FAILURE_TYPE,
  GITHUB_WRITES_TASK_QUEUE,
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

/**
 * The workflow a submission is about to start: the receipt's execution, or the record of its
 * refusal (with the refusal's reasons). Until one is sent, nothing reached Temporal.
 */
export type Sending = { workflowId: string; refusal?: readonly Reason[] };

export interface RunStatus {
  /** Null for a refused submission whose receipt had no readable id. */
  receiptId: string | null;
  workflowId: string;
  status: string;
  progress?: Progress;
  result?: ExecutionResult;
  /** Running, but no worker polls the executor's task queue: it runs when one starts. */
  waitingForWorker?: true;
}

export interface RunSummary {
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
 * Every id a command prints names one workflow: `receipt-<id>` (an execution), `rejected-…`
 * (a refusal the client recorded), or a bare receipt id, whose execution is `receipt-<id>`.
 */
export function workflowIdOf(id: string): string {
  return /^(receipt|rejected)-/.test(id) ? id : workflowIdFor(id);
}

/**
 * A worker long-polls its task queue at least once a minute, idle or not; the server lists a
 * stopped one for minutes more, so only one seen within this window counts as polling.
 */
const LIVE_POLLER_MS = 90_000;

interface PollerSighting {
  identity?: string | null;
  lastAccessTime?: Parameters<typeof optionalTsToMs>[0];
}

/** The identities of the pollers seen within the live window before `nowMs`. */
export function livePollers(pollers: readonly PollerSighting[], nowMs: number): string[] {
  return pollers
    .filter((poller) => nowMs - (optionalTsToMs(poller.lastAccessTime) ?? 0) <= LIVE_POLLER_MS)
    .map((poller) => poller.identity ?? '');
}

/** The codes an operator triages by: a rejection's reasons, a failure's code. */
function reasonCodes(result: ExecutionResult): string[] {
  if (result.status === 'rejected') return result.reasons.map((reason) => reason.code);
  return result.status === 'failed' ? [result.code] : [];
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
 * A rejected or failed execution ends Failed (a forged start must not occupy a genuine
 * receipt's id; the Web UI must tell it from a success); its result travels as the failure's
 * details[0]. Any other failure is not an outcome.
 */
export function rejectionOf(error: unknown): ExecutionResult | undefined {
  if (!(error instanceof WorkflowFailedError)) return undefined;
  const { cause } = error;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const result = cause.details?.[0] as ExecutionResult | undefined;
  if (cause.type === REJECTED_FAILURE_TYPE && result?.status === 'rejected') return result;
  if (cause.type === FAILED_FAILURE_TYPE && result?.status === 'failed') return result;
  return undefined;
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

  /** `sending` hears of the workflow the submission starts just before it goes out. */
  async submit(input: ExecuteOperationInput, sending?: (sent: Sending) => void): Promise<Submission> {
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
      return this.reject(
        input.request,
        verdict.receiptId ?? null,
        verdict.reasons,
        prefix,
        verdict.kid ?? null,
        sending,
      );
    }
    const { receiptId, kid } = verdict;
    const workflowId = workflowIdFor(receiptId);
    try {
      sending?.({ workflowId });
      await this.client.workflow.start(WORKFLOW_TYPE, {
        workflowId,
        taskQueue: TASK_QUEUE,
        // The request first: the Web UI shows the input as sent, and the long token says nothing.
        args: [{ request: input.request, receipt: input.receipt }],
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
      return this.reject(input.request, receiptId, reasons, `duplicate-${receiptId}`, kid, sending, true);
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

  /**
   * Live progress while running (answered by a worker), or that no worker polls; the final
   * outcome once closed. Takes any id a command prints (see `workflowIdOf`).
   */
  async status(id: string): Promise<RunStatus> {
    const handle = this.client.workflow.getHandle(workflowIdOf(id));
    const { status, type } = await handle.describe();
    const isRefusal = type === REJECTION_WORKFLOW_TYPE;
    const draft = isRefusal ? await this.refusalDraft(handle) : undefined;
    const receiptId = draft ? draft.receipt_id : handle.workflowId.slice(workflowIdFor('').length);
    const base = { receiptId, workflowId: handle.workflowId, status: status.name };
    if (status.name === 'RUNNING') {
      if ((await this.liveWorkers()).length === 0) return { ...base, waitingForWorker: true };
      if (isRefusal) return base;
      // A worker seen a minute ago may have stopped since: then nobody answers the query.
      const progress = await handle.query(progressQuery).catch(() => undefined);
      return progress ? { ...base, progress } : { ...base, waitingForWorker: true };
    }
    if (status.name !== 'COMPLETED' && status.name !== 'FAILED') return base;
    try {
      return { ...base, result: await this.outcomeOf(handle, draft) };
    } catch (error) {
      if (error instanceof WorkflowFailedError) return base;
      throw error;
    }
  }

  /**
   * The identities of the workers polling now, empty when none does: the executor's task queue
   * by default (workflows), or the GitHub writes queue (activities; prod workers only).
   */
  async liveWorkers(queue: 'executor' | 'github-writes' = 'executor'): Promise<string[]> {
    const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;
    const { pollers } = await this.client.workflowService.describeTaskQueue({
      namespace: this.client.options.namespace,
      taskQueue: {
        name: queue === 'executor' ? TASK_QUEUE : GITHUB_WRITES_TASK_QUEUE,
        kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL,
      },
      taskQueueType:
        queue === 'executor'
          ? TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW
          : TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    return livePollers(pollers ?? [], Date.now());
  }

  async listByRunId(runId: string): Promise<RunSummary[]> {
    if (!identifier().safeParse(runId).success)
      throw new Error(`Run id ${JSON.stringify(runId)} has characters a run id cannot have.`);
    const runs: RunSummary[] = [];
    for await (const execution of this.client.workflow.list({
      query: `${searchAttributes.runId.name} = "${runId}"`,
    })) {
      const attributes = execution.typedSearchAttributes;
      const closed = execution.status.name === 'COMPLETED' || execution.status.name === 'FAILED';
      runs.push({
        workflowId: execution.workflowId,
        status: execution.status.name,
        operationKind: attributes.get(searchAttributes.operationKind),
        repository: attributes.get(searchAttributes.repository),
        outcome: attributes.get(searchAttributes.outcome),
        reasons: closed ? await this.closedReasonCodes(execution.workflowId, execution.type) : [],
        startTime: execution.startTime,
      });
    }
    return runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
  }

  /** Reason codes of a closed workflow; none when it closed without an outcome (terminated, a bug). */
  private async closedReasonCodes(workflowId: string, type: string): Promise<string[]> {
    const handle = this.client.workflow.getHandle(workflowId);
    const draft = type === REJECTION_WORKFLOW_TYPE ? await this.refusalDraft(handle) : undefined;
    return this.outcomeOf(handle, draft).then(reasonCodes, () => []);
  }

  /**
   * The outcome of a closed workflow: an execution's result, or, for a refusal the client
   * recorded, the refusal (its input) with the audit anchor (its result).
   */
  private async outcomeOf(
    handle: WorkflowHandle,
    refusal: RejectionDraft | undefined,
  ): Promise<ExecutionResult> {
    if (!refusal) return executionResult(handle);
    const audit = (await handle.result()) as AuditAnchor;
    return { status: 'rejected', reasons: refusal.reasons, audit };
  }

  /** A recorded refusal's input, from the start of its history (payloads are plain JSON by contract). */
  private async refusalDraft(handle: WorkflowHandle): Promise<RejectionDraft> {
    const history = await handle.fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads;
    const [draft] = arrayFromPayloads(this.client.options.loadedDataConverter.payloadConverter, input);
    return draft as RejectionDraft;
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
    keyId: string | null,
    sending: ((sent: Sending) => void) | undefined,
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
    sending?.({ workflowId, refusal: reasons });
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
