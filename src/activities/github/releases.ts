import type { z } from 'zod';
import { type AuthorizedRelease, differences, type ExistingReleaseCommit } from '../../github/adoption.js';
import { releaseWrite, splitRepository } from '../../github/plan.js';
import { releaseSchema, responseSha256 } from '../../github/responses.js';
import type { PublishReleaseRequest } from '../../receipts/index.js';
import { gitReads } from './git-reads.js';
import {
  assertAdoptable,
  type GitHubActivityInput,
  type GitHubCalls,
  type GitHubEffect,
} from './github-calls.js';

type Release = z.infer<typeof releaseSchema>;

const releaseEffect = (release: Release, adopted: boolean): GitHubEffect => ({
  url: release.html_url,
  id: String(release.id),
  adopted,
  identifiers: { release_id: release.id },
  responseSha256: responseSha256(release),
});

export function releaseActivities(calls: GitHubCalls) {
  const { call, find, guarded, adoptOrCreate } = calls;
  const git = gitReads(calls);

  async function findRelease(request: PublishReleaseRequest) {
    const repo = splitRepository(request.repository);
    if (!request.draft) {
      return find(
        'GET /repos/{owner}/{repo}/releases/tags/{tag}',
        { ...repo, tag: request.tag_name },
        releaseSchema,
      );
    }
    // A draft has no tag yet, so GitHub's by-tag lookup never returns it: search the newest releases.
    const releases = await call(
      'GET /repos/{owner}/{repo}/releases',
      { ...repo, per_page: 100 },
      releaseSchema.array(),
    );
    return releases.find((release) => release.tag_name === request.tag_name);
  }

  /**
   * Adopts an existing release only when every authorized field matches, its commit included.
   * Without a release, an existing tag must already name the authorized commit, because GitHub
   * attaches a new release to an existing tag whatever target_commitish says.
   */
  async function adoptRelease(authorized: PublishReleaseRequest & AuthorizedRelease) {
    const existing = await findRelease(authorized);
    const tag = await git.findTag(authorized.repository, authorized.tag_name);
    if (!existing) {
      if (tag) assertAdoptable(`Tag ${authorized.tag_name}`, differences('release_tag', tag, authorized));
      return undefined;
    }
    const commit: ExistingReleaseCommit = tag
      ? { via: 'tag', sha: tag.commit }
      : {
          via: 'target',
          target: existing.target_commitish,
          sha: await git.findCommit(authorized.repository, existing.target_commitish),
        };
    assertAdoptable(
      `Release ${authorized.tag_name}`,
      differences('release', { ...existing, commit }, authorized),
    );
    return releaseEffect(existing, true);
  }

  return {
    async publishRelease({
      request,
      notAfter,
    }: GitHubActivityInput<PublishReleaseRequest>): Promise<GitHubEffect> {
      return guarded(notAfter, async () => {
        // Resolved once per attempt and sent as the SHA, so what is compared is what is released.
        const commit = await git.resolveCommit(request.repository, request.target_commitish);
        const authorized = { ...request, commit };
        return adoptOrCreate({
          repository: request.repository,
          notAfter,
          adopt: () => adoptRelease(authorized),
          write: releaseWrite({ ...request, target_commitish: commit }),
          schema: releaseSchema,
          created: (release) => releaseEffect(release, false),
        });
      });
    },
  };
}
