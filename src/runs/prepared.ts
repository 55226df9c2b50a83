import type { OperationRequest } from '../operations/registry.js';
import type { Mode, Reason } from '../shared.js';

/** A step as the run workflow holds it: validated, in execution order, with what Federation Core signs. */
export interface PreparedStep {
  id: string;
  needs: string[];
  request: OperationRequest;
  opDigest: string;
  operation: string;
  repository: string;
  /** The Web UI's one-line summary of the step's workflow. */
  summary: string;
  /** The GitHub requests it sends, as `POST /repos/…`: what a dry-run run shows. */
  writes: string[];
}

export interface PreparedRun {
  runId: string;
  mode: Mode;
  planDigest: string;
  deadlineSeconds: number;
  steps: PreparedStep[];
}

/** What the run checks of a receipt at authorization time; the step's own workflow validates the rest. */
export type ReceiptCheck =
  | { ok: true; receiptId: string; runId: string; operationKind: string; opDigest: string }
  | {
      ok: false;
      reasons: Reason[];
      /** The id the receipt claims, unverified; null when it claims none. */
      claimedId: string | null;
    };
