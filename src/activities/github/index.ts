import type { Octokit } from '@octokit/rest';
import { ApplicationFailure } from '@temporalio/common';
import { isRateLimit } from '../../codes.js';
import { type CallHooks, githubCalls } from '../../github/calls.js';
import type { GitHubIdentities, GitHubIdentity } from '../../github/identities.js';
import { rateLimitBodyObservation } from '../../github/rate-headers.js';
import type { ExecutorMetrics } from '../../metrics/executor-metrics.js';
import type { WriteAnswer } from '../../operations/operation.js';
import { type OperationRequest, operationOf } from '../../operations/registry.js';
import { assertBeforeExpiry, authorizationNow } from '../authorization-window.js';
import { type Budgets, type Pace, type Spend, withBudget } from '../budgets.js';
import { toFailure } from './failures.js';

export type { GitHubEffect } from '../../github/calls.js';

/** Who the GitHub activities act as, and each identity's budget. */
export interface GitHubAccess {
  identities: GitHubIdentities;
  budgets: Budgets;
}

/** One write of an operation: its request's kind (src/operations) says what each write is. */
export interface GitHubWriteInput {
  request: OperationRequest;
  /** Which of the operation's writes, from 0. */
  write: number;
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
      const { request, notAfter } = input;
      const operation = operationOf(request);
      const step = operation.writes(request)[input.write];
      if (!step) throw new RangeError(`${request.operation_kind} has no write ${input.write}`);
      const failed = (error: unknown): never => {
        throw toFailure(error, { now: authorizationNow(), notAfter });
      };
      const { octokit, identity } = await access.identities
        .forOperation(request.repository, operation.permission)
        .catch(failed);
      const spend: Spend = {
        identity: identity.id,
        reservation: input.reservation,
        cost: step.cost,
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
        return guarded(metrics, notAfter, () => step.run(calls, request, input.carry));
      }).catch((error: unknown) => {
        throw withIdentity(error, identity);
      });
      return stamped(answer, identity);
    },
  };
}
