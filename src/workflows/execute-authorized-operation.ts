import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  TimeoutFailure,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import type {
  OpenPrRequest,
  OperationRequest,
  PublishReleaseRequest,
  TagRepoRequest,
} from '../receipts/index.js';
import {
  type AuditAnchor,
  type ExecuteOperationInput,
  type ExecutionResult,
  GITHUB_WRITES_TASK_QUEUE,
  type Outcome,
  type Progress,
  REJECTED_FAILURE_TYPE,
  type Reason,
  searchAttributes,
} from '../shared.js';
import { core } from './core-activities.js';
import { withRateLimitWaits } from './rate-limit-waits.js';

export const progressQuery = defineQuery<Progress>('progress');

const EXPIRED = 'EXPIRED_DURING_EXECUTION';

/**
 * GitHub writes may retry only while the receipt is valid: the schedule-to-close timeout
 * ends at exp, so the proxy is made per call, after any rate-limit wait. A cancelled
 * workflow waits for a write in flight, so its record says what happened.
 */
function githubActivities(notAfter: number) {
  return proxyActivities<activities.GitHubWriteActivities>({
    taskQueue: GITHUB_WRITES_TASK_QUEUE,
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: Math.max(1, notAfter - Date.now()),
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
}

type Effect = activities.GitHubEffect;
type Failure = { code: string; message: string };

function failureOf(error: unknown): Failure {
  if (isCancellation(error)) {
    return {
      code: 'CANCELLED',
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
      code: EXPIRED,
      message: 'The receipt expired before GitHub accepted the write; no write was sent after expiry.',
    };
  }
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return { code: cause.type ?? 'FAILED', message: cause.message };
  throw error;
}

type Paced = <T>(call: (github: ReturnType<typeof githubActivities>) => Promise<T>) => Promise<T>;

/** An annotated tag is two writes, a tag object then its ref; a lightweight tag is the ref alone. */
async function tagRepository(request: TagRepoRequest, notAfter: number, progress: Progress, paced: Paced) {
  const { message } = request;
  if (message === undefined)
    return paced((github) => github.createTagRef({ request, notAfter, targetSha: request.sha }));
  const created = await paced((github) =>
    github.createTagObject({ request: { ...request, message }, notAfter }),
  );
  if ('adopted' in created) return created.adopted;
  progress.writesDone += 1;
  return paced((github) => github.createTagRef({ request, notAfter, targetSha: created.tagObjectSha }));
}

function perform(request: OperationRequest, notAfter: number, progress: Progress): Promise<Effect> {
  const paced: Paced = (call) =>
    withRateLimitWaits(() => call(githubActivities(notAfter)), notAfter, progress);
  switch (request.operation_kind) {
    case 'publish_release':
      return paced((github) =>
        github.publishRelease({ request: request as PublishReleaseRequest, notAfter }),
      );
    case 'open_pr':
      return paced((github) => github.openPullRequest({ request: request as OpenPrRequest, notAfter }));
    case 'tag_repo':
      return tagRepository(request, notAfter, progress, paced);
  }
}

type Rejected = Extract<ExecutionResult, { status: 'rejected' }>;

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

/**
 * One authorized GitHub operation, keyed by its receipt: authorize (validate, then
 * consume in the ledger), write, record. Deterministic; every effect and every clock read happens in activities.
 */
export async function executeAuthorizedOperation(input: ExecuteOperationInput): Promise<ExecutionResult> {
  const progress: Progress = { stage: 'validating', writesDone: 0, rateLimitWaits: 0 };
  setHandler(progressQuery, () => progress);

  // Quick and consuming: let it finish even when a cancellation arrives meanwhile.
  const validation = await CancellationScope.nonCancellable(() => core.authorizeSubmission(input));
  const { facts } = validation;
  progress.receiptId = facts.receiptId ?? undefined;
  progress.operation = facts.operationKind ?? undefined;

  // Every outcome is recorded, a cancelled execution's included.
  const record = (outcome: Outcome, reasons: Reason[], github: Effect | null) =>
    CancellationScope.nonCancellable(() => recordFinal(outcome, reasons, github));
  const recordFinal = async (
    outcome: Outcome,
    reasons: Reason[],
    github: Effect | null,
  ): Promise<AuditAnchor> => {
    progress.stage = 'recording';
    const anchor = await core.recordOutcome({
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
  };

  if (validation.decision === 'rejected') {
    const audit = await record('rejected', validation.reasons, null);
    return endRejected({ status: 'rejected', reasons: validation.reasons, audit });
  }
  if (validation.decision === 'blocked_by_mode') {
    const reasons = [
      { code: 'MODE_NOT_PROD', message: 'The executor runs in dry-run mode; nothing was written.' },
    ];
    return {
      status: 'blocked_by_mode',
      plan: validation.plan,
      audit: await record('blocked_by_mode', reasons, null),
    };
  }

  progress.stage = 'writing';
  try {
    const effect = await perform(validation.request, validation.notAfter, progress);
    progress.writesDone += effect.adopted ? 0 : 1;
    const { url, id, adopted } = effect;
    return {
      status: 'succeeded',
      github: { url, id, adopted },
      audit: await record('succeeded', [], effect),
    };
  } catch (error) {
    const { code, message } = failureOf(error);
    return { status: 'failed', code, message, audit: await record('failed', [{ code, message }], null) };
  }
}
