import { ApplicationFailure } from '@temporalio/common';
import type { Cost } from '../../budgets/limits.js';
import { type GitHubIdentities, type GitHubIdentity, permissionFor } from '../../github/identities.js';
import { rateLimitBodyObservation } from '../../github/rate-headers.js';
import type { ExecutorMetrics } from '../../metrics/executor-metrics.js';
import type { OpenPrRequest, PublishReleaseRequest, TagRepoRequest } from '../../receipts/index.js';
import { authorizationNow } from '../authorization-window.js';
import { type Budgets, type Spend, withBudget } from '../budgets.js';
import { toFailure } from './failures.js';
import {
  type GitHubActivityInput,
  type GitHubCalls,
  type GitHubEffect,
  githubCalls,
} from './github-calls.js';
import { pullRequestActivities } from './pull-requests.js';
import { releaseActivities } from './releases.js';
import { tagActivities } from './tags.js';

export type { GitHubEffect } from './github-calls.js';

/** Who the GitHub activities act as, and each identity's budget. */
export interface GitHubAccess {
  identities: GitHubIdentities;
  budgets: Budgets;
}

/**
 * What each activity may spend: its one write and at most this many reads (a release resolves
 * its commit, looks for the release and the tag, peels an annotated tag, may resolve a target).
 */
const COST = {
  release: { writes: 1, reads: 5 },
  tag: { writes: 1, reads: 2 },
  pull: { writes: 1, reads: 1 },
} satisfies Record<string, Cost>;

type TagObjectResult = { adopted: GitHubEffect } | { tagObjectSha: string };

const stamped = (effect: GitHubEffect, identity: GitHubIdentity): GitHubEffect => ({
  ...effect,
  identifiers: { ...effect.identifiers, identity },
});

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
 * One activity per GitHub write; each reads before it writes and makes at most one write, as
 * the identity the repository's owner calls for, with the least permission, within its budget.
 */
export function createGitHubActivities(access: GitHubAccess, metrics: ExecutorMetrics) {
  async function operate<R extends { repository: string; operation_kind: string }, T>(
    input: GitHubActivityInput<R>,
    cost: Cost,
    body: (calls: GitHubCalls) => Promise<T>,
  ): Promise<{ result: T; identity: GitHubIdentity }> {
    const failed = (error: unknown): never => {
      throw toFailure(error, { now: authorizationNow(), notAfter: input.notAfter });
    };
    const { octokit, identity } = await access.identities
      .forOperation(input.request.repository, permissionFor(input.request))
      .catch(failed);
    const spend: Spend = {
      identity: identity.id,
      reservation: input.reservation,
      cost,
      notAfter: input.notAfter,
      lookUp: async () => {
        const { data, headers } = await octokit.request('GET /rate_limit').catch(failed);
        return rateLimitBodyObservation(data.resources.core, headers.date);
      },
    };
    const result = await withBudget(access.budgets, spend, (pace) =>
      body(githubCalls(octokit, metrics, pace)),
    ).catch((error: unknown) => {
      throw withIdentity(error, identity);
    });
    return { result, identity };
  }

  return {
    async publishRelease(input: GitHubActivityInput<PublishReleaseRequest>): Promise<GitHubEffect> {
      const { result, identity } = await operate(input, COST.release, (calls) =>
        releaseActivities(calls).publishRelease(input),
      );
      return stamped(result, identity);
    },

    async createTagObject(
      input: GitHubActivityInput<TagRepoRequest & { message: string }>,
    ): Promise<TagObjectResult> {
      const { result, identity } = await operate(input, COST.tag, (calls) =>
        tagActivities(calls).createTagObject(input),
      );
      return 'adopted' in result ? { adopted: stamped(result.adopted, identity) } : result;
    },

    async createTagRef(
      input: GitHubActivityInput<TagRepoRequest> & { targetSha: string },
    ): Promise<GitHubEffect> {
      const { result, identity } = await operate(input, COST.tag, (calls) =>
        tagActivities(calls).createTagRef(input),
      );
      return stamped(result, identity);
    },

    async openPullRequest(input: GitHubActivityInput<OpenPrRequest>): Promise<GitHubEffect> {
      const { result, identity } = await operate(input, COST.pull, (calls) =>
        pullRequestActivities(calls).openPullRequest(input),
      );
      return stamped(result, identity);
    },
  };
}
