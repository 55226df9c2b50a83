import { RequestError } from '@octokit/request-error';
import type { Octokit } from '@octokit/rest';
import { ApplicationFailure } from '@temporalio/common';
import { type GitHubIdentities, permissionFor } from '../github/identities.js';
import { planFor, summaryOf } from '../github/plan.js';
import type { ExecutorMetrics } from '../metrics/executor-metrics.js';
import {
  claimedReceiptId,
  type KeyRing,
  type OperationRequest,
  opDigest,
  verifyReceiptSignature,
} from '../receipts/index.js';
import { inExecutionOrder, parsePlan, planDigest } from '../runs/plan.js';
import type { PreparedRun, ReceiptCheck } from '../runs/prepared.js';
import {
  AuthorizationCode,
  FailureCode,
  MAX_RUN_SECONDS,
  type Mode,
  PLAN_INVALID_FAILURE_TYPE,
  type RunInput,
  type StepPreview,
} from '../shared.js';
import { githubCalls } from './github/github-calls.js';
import { pullRequestActivities } from './github/pull-requests.js';
import { releaseActivities } from './github/releases.js';
import { tagActivities } from './github/tags.js';

function parsePlanOrFail(plan: unknown) {
  const parsed = parsePlan(plan);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(parsed.message, PLAN_INVALID_FAILURE_TYPE);
  return parsed.plan;
}

function deadlineOrFail(seconds: number | undefined): number {
  if (seconds === undefined) return MAX_RUN_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_RUN_SECONDS)
    throw ApplicationFailure.nonRetryable(
      `The run's deadline must be a whole number of seconds from 1 to ${MAX_RUN_SECONDS}, not ${seconds}.`,
      PLAN_INVALID_FAILURE_TYPE,
    );
  return seconds;
}

/** Thrown instead of sending a write: the preview runs the executor's own read-then-write code, read-only. */
const WOULD_WRITE = 'WOULD_WRITE';

/**
 * The same Octokit, except that any route but a GET ends the call before anything is sent. The
 * activities call `request(route, params)` with the method in the route, so that is where to look.
 */
function readOnly(octokit: Octokit): Octokit {
  const request = (route: string, params?: Record<string, unknown>) => {
    if (!route.startsWith('GET ')) throw ApplicationFailure.nonRetryable(route, WOULD_WRITE);
    return octokit.request(route, params);
  };
  // Octokit's request type lists every endpoint's overload; the wrapper forwards them all unchanged.
  return Object.assign(Object.create(octokit) as Octokit, {
    request: request as unknown as Octokit['request'],
  });
}

/** No write is ever sent during a preview, so no receipt's expiry applies to it. */
const PREVIEW_NOT_AFTER = Number.MAX_SAFE_INTEGER;

/** What one step would do on GitHub now, decided by the activities' own adopt-or-create code. */
type ReadOnlyGitHub = ReturnType<typeof releaseActivities> &
  ReturnType<typeof tagActivities> &
  ReturnType<typeof pullRequestActivities>;

async function previewStep(
  settings: RunActivitySettings,
  request: OperationRequest,
): Promise<Omit<StepPreview, 'id'>> {
  const notAfter = PREVIEW_NOT_AFTER;
  try {
    // The identity that would ship the step, with read access only: an App installation's token
    // is scoped to the step's repository, as the write's would be.
    const { octokit } = await settings.identities.forOperation(
      request.repository,
      permissionFor(request),
      'read',
    );
    const calls = githubCalls(readOnly(octokit), settings.metrics);
    const github: ReadOnlyGitHub = {
      ...releaseActivities(calls),
      ...tagActivities(calls),
      ...pullRequestActivities(calls),
    };
    const effect =
      request.operation_kind === 'publish_release'
        ? await github.publishRelease({ request, notAfter })
        : request.operation_kind === 'open_pr'
          ? await github.openPullRequest({ request, notAfter })
          : request.message === undefined
            ? await github.createTagRef({ request, notAfter, targetSha: request.sha })
            : await github.createTagObject({ request: { ...request, message: request.message }, notAfter });
    const adopted = 'adopted' in effect && typeof effect.adopted === 'object' ? effect.adopted : effect;
    if (!('url' in adopted)) throw new TypeError('a tag object was created during a preview');
    return { action: 'adopt', detail: `An identical object exists and would be adopted: ${adopted.url}` };
  } catch (error) {
    if (error instanceof RequestError)
      return { action: 'fail', detail: `GitHub answered ${error.status}: ${error.message}` };
    if (!(error instanceof ApplicationFailure)) throw error;
    if (error.type === WOULD_WRITE)
      return { action: 'create', detail: `Nothing exists yet; it would create it (${error.message}).` };
    if (error.type === FailureCode.conflict) return { action: 'conflict', detail: error.message };
    return { action: 'fail', detail: `${error.type}: ${error.message}` };
  }
}

export interface RunActivitySettings {
  keys: KeyRing;
  mode: Mode;
  /** Who would ship each step: the preview reads as that identity. */
  identities: GitHubIdentities;
  metrics: ExecutorMetrics;
}

/** The run's own checks, in activities because workflow code cannot parse, hash or verify signatures. */
export function createRunActivities(settings: RunActivitySettings) {
  return {
    /** Read-only: each step of a plan against GitHub as it is now; nothing is written or consumed. */
    async previewPlan(plan: unknown): Promise<StepPreview[]> {
      const parsed = parsePlanOrFail(plan);
      const previews: StepPreview[] = [];
      // One step at a time: a preview is no reason to spend GitHub's budget in bursts.
      for (const step of inExecutionOrder(parsed))
        previews.push({ id: step.id, ...(await previewStep(settings, step.request)) });
      return previews;
    },

    /** Validates the run's input and fixes its mode: the worker's, recorded once in the run's history. */
    async prepareRun(input: RunInput): Promise<PreparedRun> {
      const plan = parsePlanOrFail(input.plan);
      const deadlineSeconds = deadlineOrFail(input.deadlineSeconds);
      return {
        runId: plan.run_id,
        mode: settings.mode,
        planDigest: planDigest(plan),
        deadlineSeconds,
        steps: inExecutionOrder(plan).map((step) => ({
          id: step.id,
          needs: step.needs ?? [],
          request: step.request,
          opDigest: opDigest(step.request),
          operation: step.request.operation_kind,
          repository: step.request.repository,
          summary: summaryOf(step.request),
          writes: planFor(step.request).map((write) => `${write.method} ${write.path}`),
        })),
      };
    },

    /** A receipt whose signature does not verify with the key ring is refused before it can occupy a step. */
    async checkStepReceipt(receipt: unknown): Promise<ReceiptCheck> {
      const check = await verifyReceiptSignature(receipt, settings.keys);
      if (!check.ok) {
        const codes = check.reasons.map((reason) => reason.code).join(', ');
        return {
          ok: false,
          claimedId: claimedReceiptId(receipt),
          reasons: [
            {
              code: AuthorizationCode.receiptUnverified,
              message: `The receipt does not verify with the executor's key ring (${codes}).`,
            },
          ],
        };
      }
      const { jti, run_id, operation_kind, op_digest } = check.claims;
      return { ok: true, receiptId: jti, runId: run_id, operationKind: operation_kind, opDigest: op_digest };
    },
  };
}
