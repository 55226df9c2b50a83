import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Code, FailureCode, NotShippedCode, WaitingCode } from './codes.js';

/**
 * Names shared by the client, the worker and any Federation Core that starts
 * workflows with its own Temporal SDK. Changing one is a breaking change of the contract.
 */
export const TASK_QUEUE = 'marketops-executor';
export const WORKFLOW_TYPE = 'executeAuthorizedOperation';
/** Records a submission a client refused before any execution workflow started. */
export const REJECTION_WORKFLOW_TYPE = 'recordSubmissionRejection';

/** The executor's mode: exactly `prod` writes; `dry-run` shows what it would write. */
export type Mode = 'prod' | 'dry-run';

export const workflowIdFor = (receiptId: string): string => `receipt-${receiptId}`;

/**
 * Receipt ids, run ids and plan step ids have at most this many characters (of A-Z a-z 0-9 . _ : -):
 * the schemas enforce it, and a run cuts a longer step id it is sent to this length.
 */
export const MAX_ID_LENGTH = 128;

/**
 * Id policies of an execution. An execution that ends failed (a rejected receipt, e.g. a forged
 * start) leaves the id free for the genuine receipt; the ledger makes it one-time.
 */
export const WORKFLOW_ID_REUSE_POLICY = 'ALLOW_DUPLICATE_FAILED_ONLY';
export const WORKFLOW_ID_CONFLICT_POLICY = 'FAIL';

/** A rate limit's failure details: not retried by the activity's policy but by the workflow, after `waitMs`. */
export interface RateLimitDetails {
  waitMs?: number;
}

/** Custom search attributes: operators filter the Web UI and `execution list` by these. */
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
  /** The operation request the receipt authorizes (its schema: src/operations, docs/contracts.md). */
  request: unknown;
}

/** One reason of a rejection, a refusal or a step's detail: a code of src/codes.ts and one sentence. */
export interface Reason {
  code: Code;
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
  method: 'POST' | 'PATCH';
  route: string;
  path: string;
  body: Record<string, unknown>;
}

export type ExecutionResult =
  | { status: 'rejected'; reasons: Reason[]; audit: AuditAnchor }
  | { status: 'blocked_by_mode'; plan: GitHubWritePlan[]; audit: AuditAnchor }
  | { status: 'succeeded'; github: { url: string; id: string; adopted: boolean }; audit: AuditAnchor }
  | { status: 'failed'; code: FailureCode; message: string; audit: AuditAnchor };

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

// ---------------------------------------------------------------------------------------------
// Publication runs (docs/runs.md): one workflow per run holds a plan of steps; each step still
// ships through its own execution (`receipt-<jti>`), started as the run's child.

export const RUN_WORKFLOW_TYPE = 'executePublicationRun';
export const runWorkflowIdFor = (runId: string): string => `run-${runId}`;
/** A run's deadline is at most this far after its start: a receipt never lives longer. */
export const MAX_RUN_SECONDS = 86_400;

/** Where a step is: waiting for its receipt, for its needs, executing, or ended. */
export type StepStatus = 'waiting_authorization' | 'authorized' | 'running' | 'shipped' | 'not_shipped';

/**
 * How many refused authorizations a run keeps in its history (each read its receipt, so each adds
 * events). Beyond it every authorization is refused before it enters the history, a genuine one too:
 * the run fails closed, and its steps end NEVER_AUTHORIZED at the deadline. See docs/runs.md.
 */
export const RUN_REFUSAL_LIMIT = 100;

/** The run workflow's input; the run's plan is validated again by the workflow's first activity. */
export interface RunInput {
  /** The publication plan, as `marketops plan` reads it: `{ run_id, steps: [{ id, request, needs? }] }`. */
  plan: unknown;
  /** Seconds from the run's start until it stops waiting for authorizations; default and maximum 86400. */
  deadlineSeconds?: number;
}

/** The Update's argument: one receipt for one step. */
export interface StepAuthorization {
  step: string;
  receipt: string;
}

/**
 * `pending`: the approvals collected so far for the step verify but do not yet satisfy the approval policy;
 * `missing` says, per unsatisfied rule, what is still needed ("1 of 2: … missing one of release-managers").
 */
export type AuthorizationAnswer =
  | { status: 'accepted'; step: string; receiptId: string; workflowId: string }
  | { status: 'pending'; step: string; receiptId: string; missing: string[] }
  | { status: 'refused'; step: string; reasons: Reason[] };

export const authorizeStepUpdate = defineUpdate<AuthorizationAnswer, [StepAuthorization]>('authorizeStep');

export interface WaitingFor {
  step: string;
  code: WaitingCode;
}

/** One line of a run's timeline. */
export interface StepView {
  id: string;
  operation: string;
  repository: string;
  needs: string[];
  opDigest: string;
  status: StepStatus;
  /** Set once authorized, or once its first approval is held while the policy needs more. */
  receiptId?: string;
  /** While approvals are collected: what the approval policy still misses, per rule. */
  missingApprovals?: string[];
  workflowId?: string;
  /** Shipped: the object's link, and whether it already existed exactly as authorized. */
  url?: string;
  adopted?: boolean;
  /**
   * Not shipped: the one primary reason; `detail` carries the receipt's or GitHub's own reasons, and
   * `waitingFor` the step it needed when the run closed before it could start, with why that one did not run.
   */
  reason?: { code: NotShippedCode; message: string; detail: Reason[]; waitingFor?: WaitingFor };
  /** The leaf hash of the step's own audit record, once it has one. */
  auditLeafHash?: string;
}

export interface RunTimeline {
  runId: string;
  mode: Mode;
  /** SHA-256 (hex) of the canonical plan. */
  planDigest: string;
  state: 'open' | 'closing' | 'closed';
  /** ISO time after which the run stops waiting for authorizations. */
  deadline: string;
  steps: StepView[];
  /** The run record, once appended at the end. */
  audit?: AuditAnchor;
}

/** The run's timeline, answered by a worker; a closed run's result has the same shape. */
export const timelineQuery = defineQuery<RunTimeline>('timeline');

/** What a step would do on GitHub now, read-only: create it, adopt an identical object, or neither. */
export interface StepPreview {
  id: string;
  action: 'create' | 'adopt' | 'conflict' | 'fail';
  detail: string;
  /** A release's assets: what GitHub has now under each authorized name. */
  assets?: AssetNow[];
}

/** One authorized asset in a preview: its name and what exists on GitHub for it now. */
export interface AssetNow {
  name: string;
  now: string;
}

/** Previews a plan on the executor's workers, which hold the GitHub credentials; it writes and consumes nothing. */
export const PREVIEW_WORKFLOW_TYPE = 'previewPublicationPlan';

// Budgets: each GitHub identity's share of GitHub's limits (src/budgets, src/activities/budgets.ts).

/**
 * A GitHub activity's start-to-close timeout, and so how long its budget reservation counts as in
 * flight (the lease, src/budgets/limits.ts): a write whose worker died may have gone out any time
 * until the timeout ends the attempt, so its reservation must hold the next write back that long.
 */
export const GITHUB_ACTIVITY_TIMEOUT_MS = 30_000;

/**
 * The heartbeat timeout of a write that runs longer than GITHUB_ACTIVITY_TIMEOUT_MS (an upload):
 * its activity heartbeats every 5 s, so a worker that died mid-upload is retried after this,
 * not after the upload's whole start-to-close timeout.
 */
export const UPLOAD_HEARTBEAT_TIMEOUT_MS = 30_000;

/**
 * A secondary rate limit's first wait when GitHub sends no retry-after. GitHub's rule: "Otherwise,
 * wait for at least one minute before retrying" (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit).
 * Our choice within it: exactly the minute, the shortest wait GitHub allows.
 */
export const SECONDARY_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * How often that wait doubles while secondary refusals go on. GitHub's rule: "If your request
 * continues to fail due to a secondary rate limit, wait for an exponentially increasing amount of
 * time between retries" (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#handle-rate-limit-errors-appropriately).
 * Our choice within it: doubling (exponential), capped at 2^5, so the longest wait is 32 minutes;
 * GitHub's "throw an error after a specific number of retries" is the receipt's expiry instead: a
 * wait that would end after it fails the execution with EXPIRED_DURING_EXECUTION. Unmeasured: the
 * benchmarks (docs/benchmarks.md) see no secondary refusal under best practices.
 */
export const SECONDARY_MAX_DOUBLINGS = 5;

/**
 * A primary rate limit's wait when the refusal carries no x-ratelimit-reset. GitHub's rule: with
 * x-ratelimit-remaining 0, wait until x-ratelimit-reset; without a reset (or retry-after),
 * "Otherwise, wait for at least one minute before retrying" (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit).
 * Our choice within it: exactly the minute; a retry GitHub refuses again waits again.
 */
export const PRIMARY_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * The details of a `GITHUB_BUDGET_WAIT` failure (nothing was sent): the workflow sleeps `waitMs` on a
 * durable timer, then calls again with `reservation`, the slot it was given.
 */
export interface BudgetWaitDetails {
  waitMs: number;
  reservation: string;
}
