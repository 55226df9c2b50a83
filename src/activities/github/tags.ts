import type { z } from 'zod';
import { splitRepository, tagObjectWrite, tagRefWrite } from '../../github/plan.js';
import { refSchema, responseSha256, tagObjectSchema } from '../../github/responses.js';
import type { TagRepoRequest } from '../../receipts/index.js';
import { conflict, type GitHubActivityInput, type GitHubCalls, type GitHubEffect } from './github-calls.js';

type Ref = z.infer<typeof refSchema>;

const refEffect = (ref: Ref, adopted: boolean): GitHubEffect => ({
  url: ref.url,
  id: ref.object.sha,
  adopted,
  identifiers: { tag_sha: ref.object.sha },
  responseSha256: responseSha256(ref),
});

export function tagActivities({ call, find, send, guarded, adoptOrCreate }: GitHubCalls) {
  const findTagRef = (request: TagRepoRequest) =>
    find(
      'GET /repos/{owner}/{repo}/git/ref/{ref}',
      { ...splitRepository(request.repository), ref: `tags/${request.tag}` },
      refSchema,
    );

  async function existingTagTarget(request: TagRepoRequest, ref: Ref) {
    if (ref.object.type !== 'tag') return { commit: ref.object.sha, message: undefined };
    const tag = await call(
      'GET /repos/{owner}/{repo}/git/tags/{tag_sha}',
      { ...splitRepository(request.repository), tag_sha: ref.object.sha },
      tagObjectSchema,
    );
    return { commit: tag.object.sha, message: tag.message };
  }

  /** Adopts an existing tag only when it names the same commit with the same kind and message. */
  async function adoptTag(request: TagRepoRequest): Promise<GitHubEffect | undefined> {
    const ref = await findTagRef(request);
    if (!ref) return undefined;
    const target = await existingTagTarget(request, ref);
    const sameMessage = target.message?.trimEnd() === request.message?.trimEnd();
    if (target.commit !== request.sha || !sameMessage) throw conflict(`Tag ${request.tag}`);
    return refEffect(ref, true);
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
      const adopt = async () => {
        const ref = await findTagRef(request);
        if (ref?.object.sha === targetSha) return refEffect(ref, true);
        return ref ? adoptTag(request) : undefined;
      };
      return guarded(notAfter, () =>
        adoptOrCreate({
          repository: request.repository,
          notAfter,
          adopt,
          write: tagRefWrite(request, targetSha),
          schema: refSchema,
          created: (ref) => refEffect(ref, false),
        }),
      );
    },
  };
}
