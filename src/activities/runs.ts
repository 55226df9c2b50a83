import { RequestError } from '@octokit/request-error';
import type { Octokit } from '@octokit/rest';
import { ApplicationFailure } from '@temporalio/common';
import type { ArtifactStore } from '../artifacts/index.js';
import { Code } from '../codes.js';
import type { GitHubIdentities } from '../github/identities.js';
import type { ExecutorMetrics } from '../metrics/executor-metrics.js';
import { type OperationRequest, operationOf, planFor, summaryOf, writesOf } from '../operations/registry.js';
import { claimedReceiptId, type KeyRing, opDigest, verifyReceiptSignature } from '../receipts/index.js';
import { inExecutionOrder, parsePlan, planDigest } from '../runs/plan.js';
import type { PreparedRun, ReceiptCheck } from '../runs/prepared.js';
import { MAX_RUN_SECONDS, type Mode, type RunInput, type StepPreview } from '../shared.js';
import { countedCalls, guarded } from './github/index.js';

function parsePlanOrFail(plan: unknown) {
  const parsed = parsePlan(plan);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(parsed.message, Code.PLAN_INVALID);
  return parsed.plan;
}

function deadlineOrFail(seconds: number | undefined): number {
  if (seconds === undefined) return MAX_RUN_SECONDS;
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_RUN_SECONDS)
    throw ApplicationFailure.nonRetryable(
      `The run's deadline must be a whole number of seconds from 1 to ${MAX_RUN_SECONDS}, not ${seconds}.`,
      Code.PLAN_INVALID,
    );
  return seconds;
}

/**
 * The same Octokit, except that any route but a GET ends the call before anything is sent. The
 * activities call `request(route, params)` with the method in the route, so that is where to look.
 */
function readOnly(octokit: Octokit): Octokit {
  const request = (route: string, params?: Record<string, unknown>) => {
    if (!route.startsWith('GET ')) throw ApplicationFailure.nonRetryable(route, Code.WOULD_WRITE);
    return octokit.request(route, params);
  };
  // Octokit's request type lists every endpoint's overload; the wrapper forwards them all unchanged,
  // and keeps its endpoint defaults (where an upload's configured origin comes from: calls.ts).
  return Object.assign(Object.create(octokit) as Octokit, {
    request: Object.assign(request, { endpoint: octokit.request.endpoint }) as unknown as Octokit['request'],
  });
}

/** No write is ever sent during a preview, so no receipt's expiry applies to it. */
const PREVIEW_NOT_AFTER = Number.MAX_SAFE_INTEGER;

/** A preview sends no write and reserves nothing. */
const UNPACED = { onHeaders: () => {}, beforeWrite: async () => {} };

/**
 * What one step would do on GitHub now, decided by its operation's own writes, read-only: each
 * write in turn, while it adopts what exists (a release's draft, its uploaded assets), up to the
 * first one that would send something, or the effect an identical object already is.
 */
async function previewStep(
  settings: RunActivitySettings,
  request: OperationRequest,
): Promise<Omit<StepPreview, 'id'>> {
  const seen: Pick<StepPreview, 'assets'> = {};
  return { ...(await previewWrites(settings, request, seen)), ...seen };
}

/** previewStep's action and detail; `seen` gets what GitHub has for each asset, when it could be read. */
async function previewWrites(
  settings: RunActivitySettings,
  request: OperationRequest,
  seen: Pick<StepPreview, 'assets'>,
): Promise<Omit<StepPreview, 'id'>> {
  const operation = operationOf(request);
  const writes = writesOf(request);
  let adopted = 0;
  try {
    // The identity that would ship the step, with read access only: an App installation's token
    // is scoped to the step's repository, as the write's would be.
    const { octokit } = await settings.identities.forOperation(
      request.repository,
      operation.permission,
      'read',
    );
    const context = {
      calls: countedCalls(readOnly(octokit), settings.metrics, UNPACED),
      artifacts: settings.artifacts,
    };
    const { assets } = operation;
    if (assets)
      seen.assets = await guarded(settings.metrics, PREVIEW_NOT_AFTER, () => assets.now(context, request));
    let carry: string | undefined;
    for (const { view, step } of writes) {
      const answer = await guarded(settings.metrics, PREVIEW_NOT_AFTER, () => step.run(context, view, carry));
      if ('effect' in answer)
        return {
          action: 'adopt',
          detail: `An identical object exists and would be adopted: ${answer.effect.url}`,
        };
      carry = answer.carry;
      adopted += 1;
    }
    throw new TypeError(`${request.operation_kind}'s last write answered no effect`);
  } catch (error) {
    if (error instanceof RequestError)
      return { action: 'fail', detail: `GitHub answered ${error.status}: ${error.message}` };
    if (!(error instanceof ApplicationFailure)) throw error;
    if (error.type === Code.WOULD_WRITE && adopted === 0)
      return { action: 'create', detail: `Nothing exists yet; it would create it (${error.message}).` };
    if (error.type === Code.WOULD_WRITE)
      return {
        action: 'create',
        detail: `Part of it exists and would be adopted (${adopted} of ${writes.length} writes); it would go on with ${error.message}.`,
      };
    if (error.type === Code.CONFLICT) return { action: 'conflict', detail: error.message };
    return { action: 'fail', detail: `${error.type}: ${error.message}` };
  }
}

export interface RunActivitySettings {
  keys: KeyRing;
  mode: Mode;
  /** Who would ship each step: the preview reads as that identity. */
  identities: GitHubIdentities;
  metrics: ExecutorMetrics;
  /** A release's first step checks that its artifacts are stored, in a preview too. */
  artifacts: ArtifactStore;
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
              code: Code.RECEIPT_UNVERIFIED,
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
