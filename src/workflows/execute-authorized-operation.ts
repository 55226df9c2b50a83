import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import {
  type AuditAnchor,
  type ExecuteOperationInput,
  type ExecutionResult,
  FailureCode,
  type Outcome,
  type Progress,
  progressQuery,
  REJECTED_FAILURE_TYPE,
  type Reason,
  searchAttributes,
} from '../shared.js';
import { coreActivities } from './core-activities.js';
import { performOperation } from './github-steps.js';

type Effect = activities.GitHubEffect;
type Facts = activities.SubmissionFacts;
type Rejected = Extract<ExecutionResult, { status: 'rejected' }>;

/**
 * A write that ended in a known way becomes a `failed` outcome; anything else is a bug
 * of ours, rethrown so the workflow task fails and the execution waits for a fix.
 */
function failureOrRethrow(error: unknown): Reason {
  if (isCancellation(error)) {
    return {
      code: FailureCode.cancelled,
      message:
        'The execution was cancelled; any GitHub write in flight was waited for, and none was sent after.',
    };
  }
  // Retries end at exp either by the schedule-to-close timeout itself or because the next one would pass it.
  const expired =
    error instanceof ActivityFailure &&
    (error.cause instanceof TimeoutFailure || error.retryState === 'TIMEOUT');
  if (expired) {
    return {
      code: FailureCode.expiredDuringExecution,
      message: 'The receipt expired before GitHub accepted the write; no write was sent after expiry.',
    };
  }
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return { code: cause.type ?? 'FAILED', message: cause.message };
  throw error;
}

/** Every outcome is recorded, a cancelled execution's included, so the record is not cancellable. */
function recordOutcome(
  facts: Facts,
  progress: Progress,
  outcome: Outcome,
  reasons: Reason[],
  github: Effect | null,
): Promise<AuditAnchor> {
  return CancellationScope.nonCancellable(async () => {
    progress.stage = 'recording';
    const anchor = await coreActivities.recordOutcome({
      step: 'final',
      draft: {
        recorded_at: new Date(Date.now()).toISOString(),
        run_id: facts.runId,
        run_id_verified: facts.runIdVerified,
        receipt_id: facts.receiptId,
        operation_kind: facts.operationKind,
        repository: facts.repository,
        op_digest: facts.opDigest,
        key_id: facts.keyId,
        outcome,
        reasons,
        github: github && {
          ...github.identifiers,
          url: github.url,
          response_sha256: github.responseSha256,
          adopted: github.adopted,
        },
      },
    });
    upsertSearchAttributes([{ key: searchAttributes.outcome, value: outcome }]);
    progress.stage = 'done';
    progress.outcome = outcome;
    return anchor;
  });
}

/**
 * A rejected run ends failed, with the result in the failure's details: the id policy
 * then lets the genuine receipt run after a forged start under its id, and the Web UI
 * tells a refusal from a success. Runs started before this change complete as before.
 */
function endRejected(result: Rejected): Rejected {
  if (!patched('rejected-runs-end-failed')) return result;
  const codes = result.reasons.map((reason) => reason.code).join(', ');
  throw ApplicationFailure.create({
    type: REJECTED_FAILURE_TYPE,
    message: `Receipt rejected (${codes}): ${result.reasons[0]?.message ?? 'no reason given'}`,
    nonRetryable: true,
    details: [result],
  });
}

async function ship(
  accepted: Extract<activities.Validation, { decision: 'accepted' }>,
  progress: Progress,
): Promise<ExecutionResult> {
  const { facts, request, notAfter } = accepted;
  progress.stage = 'writing';
  try {
    const effect = await performOperation(request, notAfter, progress);
    progress.writesDone += effect.adopted ? 0 : 1;
    const { url, id, adopted } = effect;
    const audit = await recordOutcome(facts, progress, 'succeeded', [], effect);
    return { status: 'succeeded', github: { url, id, adopted }, audit };
  } catch (error) {
    const { code, message } = failureOrRethrow(error);
    const audit = await recordOutcome(facts, progress, 'failed', [{ code, message }], null);
    return { status: 'failed', code, message, audit };
  }
}

const modeBlocked: Reason[] = [
  { code: 'MODE_NOT_PROD', message: 'The executor runs in dry-run mode; nothing was written.' },
];

/**
 * One authorized GitHub operation, keyed by its receipt: authorize (validate, then consume
 * in the ledger), write, record. Deterministic; every effect and every clock read happens in activities.
 */
export async function executeAuthorizedOperation(input: ExecuteOperationInput): Promise<ExecutionResult> {
  const progress: Progress = { stage: 'validating', writesDone: 0, rateLimitWaits: 0 };
  setHandler(progressQuery, () => progress);

  // Quick and consuming: let it finish even when a cancellation arrives meanwhile.
  const validation = await CancellationScope.nonCancellable(() => coreActivities.authorizeSubmission(input));
  const { facts } = validation;
  progress.receiptId = facts.receiptId ?? undefined;
  progress.operation = facts.operationKind ?? undefined;

  switch (validation.decision) {
    case 'rejected': {
      const { reasons } = validation;
      const audit = await recordOutcome(facts, progress, 'rejected', reasons, null);
      return endRejected({ status: 'rejected', reasons, audit });
    }
    case 'blocked_by_mode': {
      const audit = await recordOutcome(facts, progress, 'blocked_by_mode', modeBlocked, null);
      return { status: 'blocked_by_mode', plan: validation.plan, audit };
    }
    case 'accepted':
      return ship(validation, progress);
  }
}
