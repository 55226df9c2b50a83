import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery } from '@temporalio/workflow';

/**
 * Names shared by the client, the worker and any Federation Core that starts
 * workflows with its own Temporal SDK. Changing one is a breaking change of the contract.
 */
export const TASK_QUEUE = 'marketops-executor';
/** GitHub writes run here, paced by the server-side task queue rate limit. */
export const GITHUB_WRITES_TASK_QUEUE = 'marketops-github-writes';
export const WORKFLOW_TYPE = 'executeAuthorizedOperation';
/** Records a submission a client refused before any execution workflow started. */
export const REJECTION_WORKFLOW_TYPE = 'recordSubmissionRejection';

/** The executor's mode: exactly `prod` writes; `dry-run` shows what it would write. */
export type Mode = 'prod' | 'dry-run';

export const workflowIdFor = (receiptId: string): string => `receipt-${receiptId}`;

/**
 * Id policies of an execution. A run that ends failed (a rejected receipt, e.g. a forged
 * start) leaves the id free for the genuine receipt; the ledger makes it one-time.
 */
export const WORKFLOW_ID_REUSE_POLICY = 'ALLOW_DUPLICATE_FAILED_ONLY';
export const WORKFLOW_ID_CONFLICT_POLICY = 'FAIL';

/**
 * Failure types of GitHub writes and of their workflow-side endings: raised in activities,
 * read by the workflow (which must not import Octokit), reported in results and records.
 */
export const FailureCode = {
  badCredentials: 'GITHUB_BAD_CREDENTIALS',
  notFound: 'GITHUB_NOT_FOUND',
  validationFailed: 'GITHUB_VALIDATION_FAILED',
  forbidden: 'GITHUB_FORBIDDEN',
  primaryRateLimit: 'GITHUB_PRIMARY_RATE_LIMIT',
  secondaryRateLimit: 'GITHUB_SECONDARY_RATE_LIMIT',
  unavailable: 'GITHUB_UNAVAILABLE',
  conflict: 'CONFLICT',
  expiredDuringExecution: 'EXPIRED_DURING_EXECUTION',
  cancelled: 'CANCELLED',
} as const;

/** A rate limit's failure details: not retried by the activity's policy but by the workflow, after `waitMs`. */
export interface RateLimitDetails {
  waitMs?: number;
}

/** Reason codes the executor adds to the receipt's own (src/receipts/reasons.ts). */
export const ExecutorCode = {
  /** The receipt's jti does not match the workflow id it runs under (`receipt-<jti>`). */
  workflowIdMismatch: 'WORKFLOW_ID_MISMATCH',
  /** The executor failed on its own bug while validating; nothing was consumed or written. */
  internalError: 'INTERNAL_ERROR',
  alreadyConsumed: 'ALREADY_CONSUMED',
  malformed: 'MALFORMED',
} as const;

/** A rejected execution ends failed with this failure type; its details[0] is the ExecutionResult. */
export const REJECTED_FAILURE_TYPE = 'RECEIPT_REJECTED';

/** Custom search attributes: operators filter the Web UI and `runs list` by these. */
export const searchAttributes = {
  runId: defineSearchAttributeKey('MarketOpsRunId', SearchAttributeType.KEYWORD),
  operationKind: defineSearchAttributeKey('MarketOpsOperationKind', SearchAttributeType.KEYWORD),
  repository: defineSearchAttributeKey('MarketOpsRepository', SearchAttributeType.KEYWORD),
  outcome: defineSearchAttributeKey('MarketOpsOutcome', SearchAttributeType.KEYWORD),
} as const;

/** The workflow's input: what Federation Core sends. Parsed by the validation activity, never trusted as typed. */
export interface ExecuteOperationInput {
  /** The compact JWS receipt. */
  receipt: string;
  /** The operation request the receipt authorizes (see the README's request schemas). */
  request: unknown;
}

export interface Reason {
  code: string;
  message: string;
}

/** Where the outcome's audit record sits in the tamper-evident log. */
export interface AuditAnchor {
  index: number;
  leafHash: string;
  /** The signed checkpoint exactly as the log issued it (see docs/audit.md). */
  checkpoint: {
    origin: string;
    size: number;
    rootHash: string;
    signature: string;
    keyId: string;
    text: string;
  };
}

export interface GitHubWritePlan {
  method: 'POST';
  route: string;
  path: string;
  body: Record<string, unknown>;
}

export type ExecutionResult =
  | { status: 'rejected'; reasons: Reason[]; audit: AuditAnchor }
  | { status: 'blocked_by_mode'; plan: GitHubWritePlan[]; audit: AuditAnchor }
  | { status: 'succeeded'; github: { url: string; id: string; adopted: boolean }; audit: AuditAnchor }
  | { status: 'failed'; code: string; message: string; audit: AuditAnchor };

export type Outcome = ExecutionResult['status'];

export type Stage = 'validating' | 'writing' | 'recording' | 'done';

/** Live progress of an execution, answered by a worker while it runs. */
export const progressQuery = defineQuery<Progress>('progress');

export interface Progress {
  stage: Stage;
  receiptId?: string;
  operation?: string;
  writesDone: number;
  rateLimitWaits: number;
  outcome?: Outcome;
}

// Budgets: each GitHub identity's share of GitHub's limits (src/budgets, src/activities/budgets.ts).

/**
 * A GitHub activity without a budget reservation for now ends with this failure type (non-retryable,
 * nothing sent): the workflow sleeps `waitMs` on a durable timer, then calls again with `reservation`,
 * the slot it was given.
 */
export const BUDGET_WAIT_FAILURE_TYPE = 'GITHUB_BUDGET_WAIT';

export interface BudgetWaitDetails {
  waitMs: number;
  reservation: string;
}
