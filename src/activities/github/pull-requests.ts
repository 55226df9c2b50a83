import type { z } from 'zod';
import { differences } from '../../github/adoption.js';
import { pullRequestWrite, splitRepository } from '../../github/plan.js';
import { pullSchema, responseSha256 } from '../../github/responses.js';
import type { OpenPrRequest } from '../../receipts/index.js';
import {
  assertAdoptable,
  type GitHubActivityInput,
  type GitHubCalls,
  type GitHubEffect,
} from './github-calls.js';

const pullEffect = (pull: z.infer<typeof pullSchema>, adopted: boolean): GitHubEffect => ({
  url: pull.html_url,
  id: String(pull.number),
  adopted,
  identifiers: { pr_number: pull.number },
  responseSha256: responseSha256(pull),
});

/** `head` may name a fork (`owner:branch`); GitHub's filter and label always carry the owner. */
const headLabel = (request: OpenPrRequest) =>
  request.head.includes(':') ? request.head : `${splitRepository(request.repository).owner}:${request.head}`;

export function pullRequestActivities({ call, guarded, adoptOrCreate }: GitHubCalls) {
  async function adoptPullRequest(request: OpenPrRequest): Promise<GitHubEffect | undefined> {
    const label = headLabel(request);
    const open = await call(
      'GET /repos/{owner}/{repo}/pulls',
      { ...splitRepository(request.repository), head: label, base: request.base, state: 'open' },
      pullSchema.array(),
    );
    // GitHub allows one open pull request per head and base, so this is the one to adopt or refuse.
    const existing = open.find((pull) => pull.head.label === label && pull.base.ref === request.base);
    if (!existing) return undefined;
    const found = differences(
      'pull_request',
      { ...existing, head: existing.head.label, base: existing.base.ref },
      { ...request, head: label },
    );
    assertAdoptable(`Pull request #${existing.number} from ${request.head} into ${request.base}`, found);
    return pullEffect(existing, true);
  }

  return {
    async openPullRequest({ request, notAfter }: GitHubActivityInput<OpenPrRequest>): Promise<GitHubEffect> {
      return guarded(notAfter, () =>
        adoptOrCreate({
          repository: request.repository,
          notAfter,
          adopt: () => adoptPullRequest(request),
          write: pullRequestWrite(request),
          schema: pullSchema,
          created: (pull) => pullEffect(pull, false),
        }),
      );
    },
  };
}
