import type { z } from 'zod';
import { assertAdoptable, differences } from '../../github/adoption.js';
import type { GitHubCalls, GitHubEffect } from '../../github/calls.js';
import { gitReads } from '../../github/git-reads.js';
import { type GitHubWrite, postWrite } from '../../github/plan.js';
import { refSchema, responseSha256, tagObjectSchema } from '../../github/responses.js';
import type { WriteStep } from '../operation.js';
import { tagFields } from './adoption.js';
import type { TagRepoRequest } from './request.js';

type Ref = z.infer<typeof refSchema>;

export const tagObjectWrite = (request: TagRepoRequest & { message: string }): GitHubWrite =>
  postWrite(request.repository, 'git/tags', {
    tag: request.tag,
    message: request.message,
    object: request.sha,
    type: 'commit',
  });

/** `sha` is the tag object's for an annotated tag, the commit's for a lightweight one. */
export const tagRefWrite = (request: TagRepoRequest, sha: string): GitHubWrite =>
  postWrite(request.repository, 'git/refs', { ref: `refs/tags/${request.tag}`, sha });

export const TAG_OBJECT_SHA_PLACEHOLDER = '<sha of the tag object created by the previous request>';

const refEffect = (ref: Ref, adopted: boolean): GitHubEffect => ({
  url: ref.url,
  id: ref.object.sha,
  adopted,
  identifiers: { tag_sha: ref.object.sha },
  responseSha256: responseSha256(ref),
});

/** Adopts an existing tag only when it names the same commit with the same kind and message. */
async function adoptTag(calls: GitHubCalls, request: TagRepoRequest): Promise<GitHubEffect | undefined> {
  const existing = await gitReads(calls).findTag(request.repository, request.tag);
  if (!existing) return undefined;
  assertAdoptable(`Tag ${request.tag}`, differences(tagFields, existing, request));
  return refEffect(existing.ref, true);
}

/** Each step: one write, at most two reads (the ref, and an annotated tag's object). */
const COST = { writes: 1, reads: 2 };

/**
 * The first half of an annotated tag. A retry after a lost response may leave an
 * unreferenced tag object behind; that is invisible and harmless, unlike a second ref.
 */
export const tagObjectStep = (message: string): WriteStep<TagRepoRequest> => ({
  cost: COST,
  async run({ calls }, request) {
    const adopted = await adoptTag(calls, request);
    if (adopted) return { effect: adopted };
    const write = tagObjectWrite({ ...request, message });
    const tag = await calls.send(write, request.repository, tagObjectSchema);
    return { carry: tag.sha };
  },
});

/** Points refs/tags/<tag> at the tag object made by the step before, or else at the commit. */
export const tagRefStep: WriteStep<TagRepoRequest> = {
  cost: COST,
  async run({ calls }, request, tagObjectSha) {
    const effect = await calls.adoptOrCreate({
      repository: request.repository,
      adopt: () => adoptTag(calls, request),
      write: tagRefWrite(request, tagObjectSha ?? request.sha),
      schema: refSchema,
      created: (ref) => refEffect(ref, false),
    });
    return { effect };
  },
};
