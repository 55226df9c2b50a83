import type { z } from 'zod';
import { differences } from '../../github/adoption.js';
import { tagObjectWrite, tagRefWrite } from '../../github/plan.js';
import { refSchema, responseSha256, tagObjectSchema } from '../../github/responses.js';
import type { TagRepoRequest } from '../../receipts/index.js';
import { gitReads } from './git-reads.js';
import {
  assertAdoptable,
  type GitHubActivityInput,
  type GitHubCalls,
  type GitHubEffect,
} from './github-calls.js';

type Ref = z.infer<typeof refSchema>;

const refEffect = (ref: Ref, adopted: boolean): GitHubEffect => ({
  url: ref.url,
  id: ref.object.sha,
  adopted,
  identifiers: { tag_sha: ref.object.sha },
  responseSha256: responseSha256(ref),
});

export function tagActivities(calls: GitHubCalls) {
  const { send, guarded, adoptOrCreate } = calls;
  const { findTag } = gitReads(calls);

  /** Adopts an existing tag only when it names the same commit with the same kind and message. */
  async function adoptTag(request: TagRepoRequest): Promise<GitHubEffect | undefined> {
    const existing = await findTag(request.repository, request.tag);
    if (!existing) return undefined;
    assertAdoptable(`Tag ${request.tag}`, differences('tag', existing, request));
    return refEffect(existing.ref, true);
  }

  return {
    /**
     * The first half of an annotated tag. A retry after a lost response may leave an
     * unreferenced tag object behind; that is invisible and harmless, unlike a second ref.
     */
    async createTagObject({
      request,
      notAfter,
    }: GitHubActivityInput<TagRepoRequest & { message: string }>): Promise<
      { adopted: GitHubEffect } | { tagObjectSha: string }
    > {
      return guarded(notAfter, async () => {
        const adopted = await adoptTag(request);
        if (adopted) return { adopted };
        const tag = await send(tagObjectWrite(request), request.repository, tagObjectSchema, notAfter);
        return { tagObjectSha: tag.sha };
      });
    },

    /** Points refs/tags/<tag> at `targetSha`: the tag object's, or the commit's for a lightweight tag. */
    async createTagRef({
      request,
      notAfter,
      targetSha,
    }: GitHubActivityInput<TagRepoRequest> & { targetSha: string }): Promise<GitHubEffect> {
      return guarded(notAfter, () =>
        adoptOrCreate({
          repository: request.repository,
          notAfter,
          adopt: () => adoptTag(request),
          write: tagRefWrite(request, targetSha),
          schema: refSchema,
          created: (ref) => refEffect(ref, false),
        }),
      );
    },
  };
}
