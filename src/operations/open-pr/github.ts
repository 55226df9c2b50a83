import { z } from 'zod';
import { assertAdoptable, differences } from '../../github/adoption.js';
import type { GitHubCalls, GitHubEffect } from '../../github/calls.js';
import { type GitHubWrite, postFields, splitRepository } from '../../github/plan.js';
import { responseSha256 } from '../../github/responses.js';
import type { WriteStep } from '../operation.js';
import { pullRequestFields } from './adoption.js';
import type { OpenPrRequest } from './request.js';

/** The fields of GitHub's answer we rely on; the rest passes through. */
const pullSchema = z.looseObject({
  number: z.number(),
  html_url: z.string(),
  title: z.string(),
  body: z.string().nullable(),
  draft: z.boolean().optional(),
  head: z.looseObject({ ref: z.string(), label: z.string() }),
  base: z.looseObject({ ref: z.string() }),
});

export const pullRequestWrite = (request: OpenPrRequest): GitHubWrite =>
  postFields(request, 'pulls', ['title', 'head', 'base', 'body', 'draft']);

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

async function adoptPullRequest({ call }: GitHubCalls, request: OpenPrRequest) {
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
    pullRequestFields,
    { ...existing, head: existing.head.label, base: existing.base.ref },
    { ...request, head: label },
  );
  assertAdoptable(`Pull request #${existing.number} from ${request.head} into ${request.base}`, found);
  return pullEffect(existing, true);
}

/** One write, one read: the open pull requests for the same head and base. */
export const openStep: WriteStep<OpenPrRequest> = {
  cost: { writes: 1, reads: 1 },
  async run({ calls }, request) {
    const effect = await calls.adoptOrCreate({
      repository: request.repository,
      adopt: () => adoptPullRequest(calls, request),
      write: pullRequestWrite(request),
      schema: pullSchema,
      created: (pull) => pullEffect(pull, false),
    });
    return { effect };
  },
};
