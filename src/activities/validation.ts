import { log } from '@temporalio/activity';
import { z } from 'zod';
import type { ApprovalFacts } from '../audit/record.js';
import { Code } from '../codes.js';
import type { GitHubWrite } from '../github/plan.js';
import type { ReceiptLedger } from '../ledger/index.js';
import type { ExecutorMetrics } from '../metrics/executor-metrics.js';
import type { OperationRequest } from '../operations/registry.js';
import { planFor } from '../operations/registry.js';
import type { PolicySource } from '../policy/index.js';
import { claimedFields } from '../receipts/claimed-fields.js';
import { keepSignatures, mergeReceipts } from '../receipts/compact-jws.js';
import {
  type KeyRing,
  opDigest,
  parseOperationRequest,
  type ReceiptVerdict,
  verifyReceipt,
  verifyReceiptSignature,
} from '../receipts/index.js';
import { type Mode, type Reason, workflowIdFor } from '../shared.js';
import { decideApprovals, recheckApprovals, refreshRing } from './approval-check.js';
import { authorizationNow } from './authorization-window.js';
import { internalError, isBugClass } from './bug-class.js';
import { type OperationWrites, operationWrites } from './github/write-views.js';
import { currentWorkflowExecution } from './workflow-execution.js';

export interface ValidationSettings {
  /** Re-read when its file changed, at each decision. */
  keys: KeyRing;
  /** The approval policy and revocations in force; unset: none (any ring key's one valid signature). */
  policy?: PolicySource;
  mode: Mode;
  audience: string;
  clockSkewSeconds: number;
  maxAgeSeconds: number;
}

/** What the audit record can say about a submission even when it is rejected. */
export interface SubmissionFacts {
  receiptId: string | null;
  keyId: string | null;
  runId: string | null;
  /** Whether a verified receipt's op_digest covers `runId`; otherwise it is only what the request claims. */
  runIdVerified: boolean;
  operationKind: string | null;
  repository: string | null;
  opDigest: string | null;
  /** The approval decision's versions and every signature's fate; null when no decision was reached. */
  approval: ApprovalFacts | null;
}

export type Validation =
  | { decision: 'rejected'; facts: SubmissionFacts; reasons: Reason[] }
  | { decision: 'blocked_by_mode'; facts: SubmissionFacts; plan: GitHubWrite[] }
  | {
      decision: 'accepted';
      facts: SubmissionFacts;
      request: OperationRequest;
      /** Each write's view of the request, so each write's activity input is only its own part. */
      writes: OperationWrites;
      notAfter: number;
    };

type ParsedRequest = ReturnType<typeof parseOperationRequest>;

/** The contract's one argument. Anything else a starter can send is refused, not crashed on. */
const inputSchema = z.strictObject({ receipt: z.unknown(), request: z.unknown() });

const noFacts: SubmissionFacts = {
  receiptId: null,
  keyId: null,
  runId: null,
  runIdVerified: false,
  operationKind: null,
  repository: null,
  opDigest: null,
  approval: null,
};

/** The digest covers run_id, so a verified signature with no binding failure vouches for it. */
const bindingFailures = new Set<Code>([Code.INVALID_REQUEST, Code.RUN_ID_MISMATCH, Code.PARAMS_MISMATCH]);
const runIdVerified = (verdict: ReceiptVerdict) =>
  verdict.accepted ||
  (verdict.receiptId !== undefined && !verdict.reasons.some((reason) => bindingFailures.has(reason.code)));

function factsFrom(request: unknown, parsed: ParsedRequest, verdict: ReceiptVerdict): SubmissionFacts {
  return {
    receiptId: verdict.receiptId ?? null,
    keyId: verdict.kid ?? null,
    ...claimedFields(request),
    runIdVerified: runIdVerified(verdict),
    opDigest: parsed.ok ? opDigest(parsed.request) : null,
    approval: null,
  };
}

/** A receipt valid on its own still needs its approvals to satisfy the policy in force (docs/policy.md). */
async function withPolicy(
  settings: ValidationSettings,
  verdict: ReceiptVerdict,
  parsed: ParsedRequest,
  now: Date,
): Promise<{ reasons: Reason[]; approval: ApprovalFacts | null }> {
  if (!verdict.accepted || !parsed.ok || !settings.policy) return { reasons: [], approval: null };
  const decision = await decideApprovals(
    settings.policy,
    parsed.request,
    settings.mode,
    verdict.signatures,
    now,
  );
  return { reasons: decision.satisfied ? [] : decision.reasons, approval: decision.facts };
}

const onlyModeFailed = (reasons: Reason[]) => reasons.length === 1 && reasons[0]?.code === Code.MODE_NOT_PROD;

/** A receipt runs only as `receipt-<jti>`, so workflow-id uniqueness and the records stay one per receipt. */
function workflowIdReasons(receiptId: string | undefined): Reason[] {
  const { workflowId } = currentWorkflowExecution();
  if (receiptId === undefined || workflowIdFor(receiptId) === workflowId) return [];
  const message = `Receipt ${receiptId} runs only as workflow ${workflowIdFor(receiptId)}, not ${workflowId}; start it under that id.`;
  return [{ code: Code.WORKFLOW_ID_MISMATCH, message }];
}

function describeInput(input: unknown): string {
  if (input === null || input === undefined) return String(input);
  if (Array.isArray(input)) return 'an array';
  if (typeof input !== 'object') return `a ${typeof input}`;
  const extra = Object.keys(input).filter((key) => key !== 'receipt' && key !== 'request');
  return `an object with the unknown member ${JSON.stringify(extra[0]?.slice(0, 64))}`;
}

function inputReasons(input: unknown): Reason[] {
  if (inputSchema.safeParse(input).success) return [];
  const message = `The workflow input must be one object { receipt, request } and nothing else, not ${describeInput(input)}.`;
  return [{ code: Code.MALFORMED, message }];
}

function decide(settings: ValidationSettings, metrics: ExecutorMetrics) {
  return async (input: unknown): Promise<Validation> => {
    const malformed = inputReasons(input);
    if (malformed.length > 0) {
      for (const reason of malformed) metrics.receipt('rejected', reason.code);
      return { decision: 'rejected', facts: noFacts, reasons: malformed };
    }
    const { receipt, request } = inputSchema.parse(input);
    const now = new Date(authorizationNow());
    const ringProblem = await refreshRing(settings.keys);
    if (ringProblem) {
      metrics.receipt('rejected', Code.POLICY_UNREADABLE);
      const reasons = [{ code: Code.POLICY_UNREADABLE, message: ringProblem.message }];
      return { decision: 'rejected', facts: noFacts, reasons };
    }
    const verdict = await verifyReceipt(receipt, request, { ...settings, now });
    const parsed = parseOperationRequest(request);
    const policy = await withPolicy(settings, verdict, parsed, now);
    const facts = { ...factsFrom(request, parsed, verdict), approval: policy.approval };
    const reasons = [
      ...(verdict.accepted ? [] : verdict.reasons),
      ...policy.reasons,
      ...workflowIdReasons(verdict.receiptId),
    ];
    if (verdict.accepted && reasons.length === 0) {
      if (!parsed.ok) throw new Error('an accepted receipt must come with a valid request');
      const { request: accepted } = parsed;
      const writes = operationWrites(accepted);
      return { decision: 'accepted', facts, request: accepted, writes, notAfter: verdict.claims.exp * 1000 };
    }
    if (settings.mode === 'dry-run' && onlyModeFailed(reasons) && parsed.ok) {
      metrics.receipt('blocked_by_mode', Code.MODE_NOT_PROD);
      return { decision: 'blocked_by_mode', facts, plan: planFor(parsed.request) };
    }
    for (const reason of reasons) metrics.receipt('rejected', reason.code);
    return { decision: 'rejected', facts, reasons };
  };
}

/**
 * Fails closed on our own bugs: a rejection that says so, rather than an activity retried forever.
 * The rejection carries only the error's first line, so the stack is logged here, where it is caught.
 */
async function rejectingBugs(validate: () => Promise<Validation>, metrics: ExecutorMetrics) {
  try {
    return await validate();
  } catch (error) {
    if (!isBugClass(error)) throw error;
    log.error('The executor failed while validating a receipt; rejected it as INTERNAL_ERROR', { error });
    metrics.receipt('rejected', Code.INTERNAL_ERROR);
    const message = `The executor failed while validating (${internalError(error)}); nothing was consumed or written.`;
    const reasons = [{ code: Code.INTERNAL_ERROR, message }];
    return { decision: 'rejected' as const, facts: noFacts, reasons };
  }
}

/** A step's approvals so far: refused, still short of the policy (and what it misses), or enough. */
export type CollectedApprovals =
  | { status: 'refused'; reasons: Reason[] }
  | { status: 'pending'; receipt: string; missing: string[]; approval: ApprovalFacts }
  | { status: 'satisfied'; receipt: string; approval: ApprovalFacts | null };

/**
 * A run's step collects approvals as they arrive: `receipt` (whose signature the run has checked)
 * joins the signatures `held` so far, and the policy in force says whether they are enough.
 */
async function collect(
  settings: ValidationSettings,
  input: { request: OperationRequest; held: string | null; receipt: string },
): Promise<CollectedApprovals> {
  const ringProblem = await refreshRing(settings.keys);
  if (ringProblem) {
    return { status: 'refused', reasons: [{ code: Code.POLICY_UNREADABLE, message: ringProblem.message }] };
  }
  // Only signatures that verify are held: a forged one would otherwise occupy its kid's place for good.
  const incoming = await verifyReceiptSignature(input.receipt, settings.keys);
  const verified = new Set(incoming.signatures.flatMap((s) => (s.valid && s.kid !== null ? [s.kid] : [])));
  const receipt = keepSignatures(input.receipt, verified);
  const merged = input.held === null ? { ok: true as const, receipt } : mergeReceipts(input.held, receipt);
  if (!merged.ok) {
    const code = merged.code === 'PARAMS_MISMATCH' ? Code.PARAMS_MISMATCH : Code.MALFORMED;
    return { status: 'refused', reasons: [{ code, message: `The receipt ${merged.problem}.` }] };
  }
  const { policy } = settings;
  if (!policy) return { status: 'satisfied', receipt: merged.receipt, approval: null };
  const check = await verifyReceiptSignature(merged.receipt, settings.keys);
  const now = new Date(authorizationNow());
  const verdict = await decideApprovals(policy, input.request, settings.mode, check.signatures, now);
  const approval = verdict.facts;
  if (verdict.satisfied) return { status: 'satisfied', receipt: merged.receipt, approval };
  const missing = verdict.reasons.filter((reason) => reason.code === Code.NEEDS_APPROVALS);
  if (missing.length === 0) return { status: 'refused', reasons: verdict.reasons };
  return {
    status: 'pending',
    receipt: merged.receipt,
    missing: missing.map((reason) => reason.message),
    approval,
  };
}

export function createValidationActivities(
  settings: ValidationSettings,
  metrics: ExecutorMetrics,
  ledger: ReceiptLedger,
) {
  const validate = decide(settings, metrics);
  return {
    collectStepApprovals: (input: { request: OperationRequest; held: string | null; receipt: string }) =>
      collect(settings, input),
    /**
     * Right before an accepted operation's first GitHub write: its approvals against the key ring, policy
     * and revocations in force now, so a key revoked since the approval stops it with nothing written.
     */
    async recheckApprovals(input: { request: OperationRequest; approval: ApprovalFacts | null }) {
      if (!settings.policy) return { satisfied: true, reasons: [], facts: input.approval };
      // The worker always decides with a policy source, so an accepted operation without its approvals is
      // a bug of ours: refuse it, nothing written, rather than wave it through.
      if (!input.approval) {
        const message = 'The accepted operation carries no record of its approvals; nothing was written.';
        return { satisfied: false, reasons: [{ code: Code.INTERNAL_ERROR, message }], facts: null };
      }
      const { request, approval } = input;
      const now = new Date(authorizationNow());
      return recheckApprovals(
        settings.policy,
        settings.keys,
        request,
        settings.mode,
        approval.approvals,
        now,
      );
    },
    /**
     * Every receipt invariant, the signature, the workflow id and the mode, decided in one
     * place; an accepted receipt is then consumed in the durable ledger by this workflow
     * run, before any GitHub write. One activity, so one server round trip, for both.
     */
    async authorizeSubmission(input: unknown): Promise<Validation> {
      const validation = await rejectingBugs(() => validate(input), metrics);
      if (validation.decision !== 'accepted') return validation;
      const { receiptId } = validation.facts;
      const consumption = await ledger.consume(String(receiptId), currentWorkflowExecution());
      if (consumption.consumed) {
        metrics.receipt('accepted');
        return validation;
      }
      metrics.receipt('rejected', Code.ALREADY_CONSUMED);
      const message = `This receipt was already used by ${consumption.consumedBy}.`;
      return {
        decision: 'rejected',
        facts: validation.facts,
        reasons: [{ code: Code.ALREADY_CONSUMED, message }],
      };
    },
  };
}
