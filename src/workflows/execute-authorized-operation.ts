import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  setCurrentDetails,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import { Code, type FailureCode, failedWith } from '../codes.js';
import type { GitHubEffect } from '../github/calls.js';
import { MODE_BLOCKED, outcomeLine } from '../runs/outcome-line.js';
import { endedFailedType } from '../runs/reasons.js';
import {
  type AuditAnchor,
  type ExecuteOperationInput,
  type ExecutionResult,
  type Outcome,
  type Progress,
  progressQuery,
  type Reason,
  searchAttributes,
} from '../shared.js';
import { coreActivities } from './core-activities.js';
import { performOperation } from './github-steps.js';

type Effect = GitHubEffect;
type Facts = activities.SubmissionFacts;

/**
 * A write that ended in a known way becomes a `failed` outcome; anything else is a bug
 * of ours, rethrown so the workflow task fails and the execution waits for a fix.
 */
function failureOrRethrow(error: unknown): { code: FailureCode; message: string } {
  if (isCancellation(error)) {
    return {
      code: Code.CANCELLED,
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
      code: Code.EXPIRED_DURING_EXECUTION,
      message: 'The receipt expired before GitHub accepted the write; no write was sent after expiry.',
    };
  }
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return failedWith(cause.type, cause.message);
  throw error;
}

const effectFields = (effect: Effect) => ({
  ...effect.identifiers,
  url: effect.url,
  response_sha256: effect.responseSha256,
  adopted: effect.adopted,
});

/**
 * Who acted, when a GitHub activity got as far as choosing an identity before it failed: the
 * activity puts it beside the failure's other details.
 */
function actingIdentity(error: unknown): activities.IdentityDetails | null {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return null;
  const identity = (cause.details?.[0] as Partial<activities.IdentityDetails> | undefined)?.identity;
  return identity ? { identity } : null;
}

/** Every outcome is recorded, a cancelled execution's included, so the record is not cancellable. */
function recordOutcome(
  facts: Facts,
  progress: Progress,
  outcome: Outcome,
  reasons: Reason[],
  github: Effect | activities.IdentityDetails | null,
): Promise<AuditAnchor> {
  return CancellationScope.nonCancellable(async () => {
    progress.stage = 'recording';
    const anchor = await coreActivities.recordOutcome({
      step: 'final',
      startedAt: workflowInfo().startTime.getTime(),
      draft: {
        recorded_at: new Date(Date.now()).toISOString(),
        run_id: facts.runId,
        run_id_verified: facts.runIdVerified,
        receipt_id: facts.receiptId,
        operation_kind: facts.operationKind,
        repository: facts.repository,
        op_digest: facts.opDigest,
        key_id: facts.keyId,
        ...facts.approval,
        outcome,
        reasons,
        github: github && ('url' in github ? effectFields(github) : github),
        run: null,
        authorization: null,
      },
    });
    upsertSearchAttributes([{ key: searchAttributes.outcome, value: outcome }]);
    progress.stage = 'done';
    progress.outcome = outcome;
    return anchor;
  });
}

/**
 * A rejected or failed execution ends failed, with the result in the failure's details and the outcome
 * line as its message, which the Web UI shows above the fold: the id policy then lets the genuine
 * receipt run after a forged start under its id, and the workflows list tells what did not ship
 * from what did. A failed execution's receipt stays consumed (the ledger), so a rerun under its id is refused.
 */
function failUnlessShippedOrBlocked(result: ExecutionResult, line: string): ExecutionResult {
  if (result.status !== 'rejected' && result.status !== 'failed') return result;
  throw ApplicationFailure.create({
    type: endedFailedType[result.status],
    message: line,
    nonRetryable: true,
    details: [result],
  });
}

async function ship(
  accepted: Extract<activities.Validation, { decision: 'accepted' }>,
  progress: Progress,
): Promise<ExecutionResult> {
  const { request, writes, notAfter } = accepted;
  const recheck = await coreActivities.recheckApprovals({ request, approval: accepted.facts.approval });
  const facts = { ...accepted.facts, approval: recheck.facts };
  if (!recheck.satisfied) {
    const audit = await recordOutcome(facts, progress, 'rejected', recheck.reasons, null);
    return { status: 'rejected', reasons: recheck.reasons, audit };
  }
  progress.stage = 'writing';
  try {
    const effect = await performOperation(request, writes, notAfter, progress);
    progress.writesDone += effect.adopted ? 0 : 1;
    const { url, id, adopted } = effect;
    const audit = await recordOutcome(facts, progress, 'succeeded', [], effect);
    return { status: 'succeeded', github: { url, id, adopted }, audit };
  } catch (error) {
    const { code, message } = failureOrRethrow(error);
    const audit = await recordOutcome(facts, progress, 'failed', [{ code, message }], actingIdentity(error));
    return { status: 'failed', code, message, audit };
  }
}

async function outcomeOf(validation: activities.Validation, progress: Progress): Promise<ExecutionResult> {
  const { facts } = validation;
  switch (validation.decision) {
    case 'rejected': {
      const { reasons } = validation;
      const audit = await recordOutcome(facts, progress, 'rejected', reasons, null);
      return { status: 'rejected', reasons, audit };
    }
    case 'blocked_by_mode': {
      const audit = await recordOutcome(facts, progress, 'blocked_by_mode', [MODE_BLOCKED], null);
      return { status: 'blocked_by_mode', plan: validation.plan, audit };
    }
    case 'accepted':
      return ship(validation, progress);
  }
}

/**
 * One authorized GitHub operation, keyed by its receipt: authorize (validate, then consume
 * in the ledger), write, record. Deterministic; every effect and every clock read happens in activities.
 */
export async function executeAuthorizedOperation(input: ExecuteOperationInput): Promise<ExecutionResult> {
  const progress: Progress = { stage: 'validating', writesDone: 0, rateLimitWaits: 0 };
  setHandler(progressQuery, () => progress);

  // Quick and consuming: let it finish even when a cancellation arrives meanwhile.
  const validation = await CancellationScope.nonCancellable(() => coreActivities.authorizeSubmission(input));
  progress.receiptId = validation.facts.receiptId ?? undefined;
  progress.operation = validation.facts.operationKind ?? undefined;

  const result = await outcomeOf(validation, progress);
  // The Web UI shows current details on the workflow's page.
  const line = outcomeLine(validation, result);
  setCurrentDetails(line);
  return failUnlessShippedOrBlocked(result, line);
}
