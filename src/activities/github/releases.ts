import type { z } from 'zod';
import { releaseWrite, splitRepository } from '../../github/plan.js';
import { releaseSchema, responseSha256 } from '../../github/responses.js';
import type { PublishReleaseRequest } from '../../receipts/index.js';
import { conflict, type GitHubActivityInput, type GitHubCalls, type GitHubEffect } from './github-calls.js';

type Release = z.infer<typeof releaseSchema>;

const releaseEffect = (release: Release, adopted: boolean): GitHubEffect => ({
  url: release.html_url,
  id: String(release.id),
  adopted,
  identifiers: { release_id: release.id },
  responseSha256: responseSha256(release),
});

const releaseMatches = (release: Release, request: PublishReleaseRequest): boolean =>
  release.name === request.name &&
  (release.body ?? '') === request.body &&
  release.draft === request.draft &&
  release.prerelease === request.prerelease;

export function releaseActivities({ call, find, guarded, adoptOrCreate }: GitHubCalls) {
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

  async function adoptRelease(request: PublishReleaseRequest): Promise<GitHubEffect | undefined> {
    const existing = await findRelease(request);
    if (!existing) return undefined;
    if (!releaseMatches(existing, request)) throw conflict(`Release ${request.tag_name}`);
    return releaseEffect(existing, true);
  }

  return {
    async publishRelease({
      request,
      notAfter,
    }: GitHubActivityInput<PublishReleaseRequest>): Promise<GitHubEffect> {
      return guarded(notAfter, () =>
        adoptOrCreate({
          repository: request.repository,
          notAfter,
          adopt: () => adoptRelease(request),
          write: releaseWrite(request),
          schema: releaseSchema,
          created: (release) => releaseEffect(release, false),
        }),
      );
    },
  };
}
