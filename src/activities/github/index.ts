import type { Octokit } from '@octokit/rest';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ArtifactStore } from '../../artifacts/index.js';
import { isRateLimit } from '../../codes.js';
import { type CallHooks, githubCalls } from '../../github/calls.js';
import type { GitHubIdentities, GitHubIdentity } from '../../github/identities.js';
import { rateLimitBodyObservation } from '../../github/rate-headers.js';
import type { ExecutorMetrics } from '../../metrics/executor-metrics.js';
import type { WriteAnswer } from '../../operations/operation.js';
import { assertBeforeExpiry, authorizationNow } from '../authorization-window.js';
import { type Budgets, type Pace, type Spend, withBudget } from '../budgets.js';
import { toFailure } from './failures.js';
import { checkedWrite, type WriteOf } from './write-views.js';

/** Who the GitHub activities act as, each identity's budget, and where artifact bytes come from. */
export interface GitHubAccess {
  identities: GitHubIdentities;
  budgets: Budgets;
  artifacts: ArtifactStore;
}

/** How often a long write tells Temporal it is alive (its heartbeat timeout is a few of these). */
const HEARTBEAT_EVERY_MS = 5_000;

/** Runs `body`, heartbeating meanwhile, so a worker that dies mid-upload is noticed within seconds. */
async function heartbeating<T>(body: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await body();
  } finally {
    clearInterval(timer);
  }
}

/** One write of an operation, from its view: its kind (src/operations) says what each write is. */
export interface GitHubWriteInput extends WriteOf {
  /** The previous write's answer (e.g. the tag object's sha); absent for the first write. */
  carry?: string;
  /** The receipt's exp, epoch ms: no write is sent at or after it. */
  notAfter: number;
  /** The budget reservation this call uses (see src/activities/budgets.ts). */
  reservation: string;
}

/** The calls of an operation, counted in the metrics; a write waits for `beforeWrite`. */
export function countedCalls(
  octokit: Octokit,
  metrics: ExecutorMetrics,
  pace: Pick<Pace, 'onHeaders'> & Pick<CallHooks, 'beforeWrite'>,
) {
  return githubCalls(octokit, {
    onResponse: (status, headers) => {
      metrics.githubCall(status);
      pace.onHeaders(headers);
    },
    beforeWrite: pace.beforeWrite,
  });
}

/** Runs GitHub calls so that every error leaves as a Temporal failure carrying its retry decision. */
export async function guarded<T>(
  metrics: ExecutorMetrics,
  notAfter: number,
  body: () => Promise<T>,
): Promise<T> {
  try {
    return await body();
  } catch (error) {
    const failure = toFailure(error, { now: authorizationNow(), notAfter });
    if (isRateLimit(failure.type)) metrics.rateLimitWait(failure.type);
    throw failure;
  }
}

const stamped = (answer: WriteAnswer, identity: GitHubIdentity): WriteAnswer =>
  'effect' in answer
    ? { effect: { ...answer.effect, identifiers: { ...answer.effect.identifiers, identity } } }
    : answer;

/** Beside a GitHub activity's failure details: who acted. */
export interface IdentityDetails {
  identity: GitHubIdentity;
}

/**
 * A failure after the identity was chosen says which identity it was, beside any details it
 * already has (a rate limit's wait), so a failed operation's record names who acted too.
 */
function withIdentity(error: unknown, identity: GitHubIdentity): unknown {
  if (!(error instanceof ApplicationFailure)) return error;
  const first = error.details?.[0];
  const details = typeof first === 'object' && first !== null ? first : {};
  const actor: IdentityDetails = { identity };
  return new ApplicationFailure(
    error.message,
    error.type,
    error.nonRetryable,
    [{ ...details, ...actor }],
    error.cause,
    error.nextRetryDelay,
    error.category,
  );
}

/**
 * One activity for every GitHub write: it runs write `input.write` of the request's operation,
 * which reads before it writes and makes at most one write, as the identity the repository's
 * owner calls for, with the kind's least permission, within the write's budgeted cost.
 */
export function createGitHubActivities(access: GitHubAccess, metrics: ExecutorMetrics) {
  return {
    async githubWrite(input: GitHubWriteInput): Promise<WriteAnswer> {
      const { notAfter } = input;
      const { operation, view, step } = checkedWrite(input);
      const failed = (error: unknown): never => {
        throw toFailure(error, { now: authorizationNow(), notAfter });
      };
      const { octokit, identity } = await access.identities
        .forOperation(view.repository, operation.permission)
        .catch(failed);
      const spend: Spend = {
        identity: identity.id,
        reservation: input.reservation,
        cost: step.cost,
        leaseMs: step.timeoutMs,
        notAfter,
        lookUp: async () => {
          const { data, headers } = await octokit.request('GET /rate_limit').catch(failed);
          return rateLimitBodyObservation(data.resources.core, headers.date);
        },
      };
      const answer = await withBudget(access.budgets, spend, (pace) => {
        const calls = countedCalls(octokit, metrics, {
          onHeaders: pace.onHeaders,
          beforeWrite: async () => {
            await pace.beforeWrite();
            assertBeforeExpiry(notAfter);
          },
        });
        const run = () => step.run({ calls, artifacts: access.artifacts }, view, input.carry);
        return guarded(metrics, notAfter, step.timeoutMs === undefined ? run : () => heartbeating(run));
      }).catch((error: unknown) => {
        throw withIdentity(error, identity);
      });
      return stamped(answer, identity);
    },
  };
}
