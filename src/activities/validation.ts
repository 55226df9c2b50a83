import { type GitHubWrite, planFor } from '../github/plan.js';
import type { ReceiptLedger } from '../ledger/index.js';
import type { ExecutorMetrics } from '../metrics/executor-metrics.js';
import {
  type KeyRing,
  type OperationRequest,
  opDigest,
  parseOperationRequest,
  verifyReceipt,
} from '../receipts/index.js';
import type { ExecuteOperationInput, Reason } from '../shared.js';
import { authorizationNow } from './authorization-window.js';
import { currentWorkflowId } from './workflow-execution.js';

export interface ValidationSettings {
  keys: KeyRing;
  mode: 'prod' | 'dry-run';
  audience: string;
  clockSkewSeconds: number;
  maxAgeSeconds: number;
}

/** What the audit record can say about a submission even when it is rejected. */
export interface SubmissionFacts {
  receiptId: string | null;
  keyId: string | null;
  runId: string | null;
  operationKind: string | null;
  repository: string | null;
  opDigest: string | null;
}

export type Validation =
  | { decision: 'rejected'; facts: SubmissionFacts; reasons: Reason[] }
  | { decision: 'blocked_by_mode'; facts: SubmissionFacts; plan: GitHubWrite[] }
  | { decision: 'accepted'; facts: SubmissionFacts; request: OperationRequest; notAfter: number };

type ParsedRequest = ReturnType<typeof parseOperationRequest>;

function factsFrom(
  request: unknown,
  parsed: ParsedRequest,
  receiptId?: string,
  keyId?: string,
): SubmissionFacts {
  const loose = (request ?? {}) as Record<string, unknown>;
  // Whatever the request claims, the record keeps at most a short, non-empty string.
  const text = (value: unknown) =>
    typeof value === 'string' && value.length > 0 ? value.slice(0, 256) : null;
  return {
    receiptId: receiptId ?? null,
    keyId: keyId ?? null,
    runId: text(loose.run_id),
    operationKind: text(loose.operation_kind),
    repository: text(loose.repository),
    opDigest: parsed.ok ? opDigest(parsed.request) : null,
  };
}

const onlyModeFailed = (reasons: Reason[]) => reasons.length === 1 && reasons[0]?.code === 'MODE_NOT_PROD';

function decide(settings: ValidationSettings, metrics: ExecutorMetrics) {
  return async ({ receipt, request }: ExecuteOperationInput): Promise<Validation> => {
    const verdict = await verifyReceipt(receipt, request, { ...settings, now: new Date(authorizationNow()) });
    const parsed = parseOperationRequest(request);
    const facts = factsFrom(request, parsed, verdict.receiptId, verdict.kid);
    if (verdict.accepted) {
      if (!parsed.ok) throw new Error('an accepted receipt must come with a valid request');
      return { decision: 'accepted', facts, request: parsed.request, notAfter: verdict.claims.exp * 1000 };
    }
    if (settings.mode === 'dry-run' && onlyModeFailed(verdict.reasons) && parsed.ok) {
      metrics.receipt('blocked_by_mode', 'MODE_NOT_PROD');
      return { decision: 'blocked_by_mode', facts, plan: planFor(parsed.request) };
    }
    for (const reason of verdict.reasons) metrics.receipt('rejected', reason.code);
    return { decision: 'rejected', facts, reasons: verdict.reasons };
  };
}

export function createValidationActivities(
  settings: ValidationSettings,
  metrics: ExecutorMetrics,
  ledger: ReceiptLedger,
) {
  const validate = decide(settings, metrics);
  return {
    /**
     * Every receipt invariant, the signature and the mode, decided in one place; an
     * accepted receipt is then consumed in the durable ledger, before any GitHub write.
     * One activity, so one server round trip, for both.
     */
    async authorizeSubmission(input: ExecuteOperationInput): Promise<Validation> {
      const validation = await validate(input);
      if (validation.decision !== 'accepted') return validation;
      const consumption = await ledger.consume(String(validation.facts.receiptId), currentWorkflowId());
      if (consumption.consumed) {
        metrics.receipt('accepted');
        return validation;
      }
      metrics.receipt('rejected', 'ALREADY_CONSUMED');
      const message = `This receipt was already used by ${consumption.consumedBy}.`;
      return {
        decision: 'rejected',
        facts: validation.facts,
        reasons: [{ code: 'ALREADY_CONSUMED', message }],
      };
    },
  };
}
