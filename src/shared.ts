import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

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

export const workflowIdFor = (receiptId: string): string => `receipt-${receiptId}`;

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

export interface Progress {
  stage: Stage;
  receiptId?: string;
  operation?: string;
  writesDone: number;
  rateLimitWaits: number;
  outcome?: Outcome;
}
