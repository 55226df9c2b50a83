import { randomUUID } from 'node:crypto';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { RejectionDraft } from '../audit/refusal-draft.js';
import { Code } from '../codes.js';
import { summaryOf } from '../operations/registry.js';
import { claimedFields } from '../receipts/claimed-fields.js';
import {
  DEFAULT_AUDIENCE,
  type KeyRing,
  parseOperationRequest,
  type ReceiptVerdict,
  verifyReceipt,
} from '../receipts/index.js';
import {
  type AuditAnchor,
  type ExecuteOperationInput,
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

export interface SubmitOptions {
  /** The receipt key ring `submit` checks signatures against; inspection needs none. */
  keys?: KeyRing;
  /** The executor's identity receipts must name (default `marketops-executor`). */
  audience?: string;
  /** The clock receipts are checked against before submission (default: this machine's). */
  now?: () => Date | Promise<Date>;
}

/** A refusal the client records before (or instead of) starting the receipt's execution. */
interface ClientRejection {
  request: unknown;
  receiptId: string | null;
  reasons: Reason[];
  /** Names the refusal's workflow: `rejected-<idPrefix>-<uuid>`. */
  idPrefix: string;
  keyId: string | null;
  /** Only a verified receipt vouches for the run id its request claims. */
  runIdVerified: boolean;
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
 * Everything but the executor's mode is checked before the receipt's workflow id is taken:
 * neither a forged receipt nor a genuine one paired with another request can use up a genuine
 * receipt. The workflow checks it all again.
 */
async function verdictOf(options: SubmitOptions, input: ExecuteOperationInput): Promise<ReceiptVerdict> {
  const { keys } = options;
  if (!keys)
    throw new Error('This client was created without a receipt key ring; pass one to submit receipts.');
  return verifyReceipt(input.receipt, input.request, {
    keys,
    mode: 'prod',
    now: await (options.now ?? (() => new Date()))(),
    audience: options.audience ?? DEFAULT_AUDIENCE,
  });
}

/** A receipt the client refused: named by its id when it has one it can be known by. */
function unverified(
  request: unknown,
  verdict: Extract<ReceiptVerdict, { accepted: false }>,
): ClientRejection {
  const receiptId = verdict.receiptId ?? null;
  return {
    request,
    receiptId,
    reasons: verdict.reasons,
    idPrefix: receiptId ? `refused-${receiptId}` : 'unverified',
    keyId: verdict.kid ?? null,
    runIdVerified: false,
  };
}

/** A verified receipt whose workflow id is taken: it was submitted before. */
function duplicate(request: unknown, receiptId: string, keyId: string, workflowId: string): ClientRejection {
  const reasons = [
    {
      code: Code.ALREADY_CONSUMED,
      message: `Receipt ${receiptId} was already submitted as ${workflowId}.`,
    },
  ];
  return { request, receiptId, reasons, idPrefix: `duplicate-${receiptId}`, keyId, runIdVerified: true };
}

/** Starts the receipt's execution under the workflow id its receipt id names. */
async function startExecution(
  client: Client,
  input: ExecuteOperationInput,
  workflowId: string,
): Promise<void> {
  const { request } = input;
  const parsed = parseOperationRequest(request);
  await client.workflow.start(WORKFLOW_TYPE, {
    workflowId,
    taskQueue: TASK_QUEUE,
    // The request first: the Web UI shows the input as sent, and the long token says nothing.
    args: [{ request, receipt: input.receipt }],
    workflowIdReusePolicy: WORKFLOW_ID_REUSE_POLICY,
    workflowIdConflictPolicy: WORKFLOW_ID_CONFLICT_POLICY,
    typedSearchAttributes: searchAttributesOf(parsed.ok ? parsed.request : undefined),
    staticSummary: parsed.ok ? summaryOf(parsed.request) : undefined,
  });
}

/**
 * Starts one receipt's execution. The receipt's signature is verified before anything starts, so
 * a forged receipt can never use up a genuine receipt id. `sending` hears of the workflow the
 * submission starts just before it goes out.
 */
export async function submitExecution(
  client: Client,
  options: SubmitOptions,
  input: ExecuteOperationInput,
  sending?: (sent: Sending) => void,
): Promise<Submission> {
  const verdict = await verdictOf(options, input);
  if (!verdict.accepted) return recordRefusal(client, unverified(input.request, verdict), sending);
  const { receiptId, kid } = verdict;
  const workflowId = workflowIdFor(receiptId);
  try {
    sending?.({ workflowId });
    await startExecution(client, input, workflowId);
    return { status: 'started', receiptId, workflowId };
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    return recordRefusal(client, duplicate(input.request, receiptId, kid, workflowId), sending);
  }
}

/** Client-side refusals are audited too, by a workflow of their own on the executor's workers. */
async function recordRefusal(
  client: Client,
  refusal: ClientRejection,
  sending: ((sent: Sending) => void) | undefined,
): Promise<Submission> {
  const { request, receiptId, reasons } = refusal;
  const claimed = claimedFields(request);
  const draft: RejectionDraft = {
    run_id: claimed.runId,
    run_id_verified: refusal.runIdVerified,
    receipt_id: receiptId,
    operation_kind: claimed.operationKind,
    repository: claimed.repository,
    key_id: refusal.keyId,
    reasons,
  };
  const workflowId = `rejected-${refusal.idPrefix}-${randomUUID()}`;
  sending?.({ workflowId, refusal: reasons });
  const audit = await client.workflow.execute<(draft: RejectionDraft) => Promise<AuditAnchor>>(
    REJECTION_WORKFLOW_TYPE,
    { workflowId, taskQueue: TASK_QUEUE, args: [draft], typedSearchAttributes: searchAttributesOf(request) },
  );
  return { status: 'rejected', receiptId, reasons, audit, workflowId };
}
