import { z } from 'zod';
import { assertAdoptable, differences } from '../../github/adoption.js';
import type { GitHubCalls, GitHubEffect } from '../../github/calls.js';
import { gitReads } from '../../github/git-reads.js';
import { type GitHubWrite, postFields, splitRepository } from '../../github/plan.js';
import { responseSha256 } from '../../github/responses.js';
import type { WriteStep } from '../operation.js';
import {
  type AuthorizedRelease,
  type ExistingReleaseCommit,
  releaseFields,
  releaseTagFields,
} from './adoption.js';
import type { PublishReleaseRequest } from './request.js';

/** The fields of GitHub's answer we rely on; the rest passes through. */
export const releaseSchema = z.looseObject({
  id: z.number(),
  html_url: z.string(),
  tag_name: z.string(),
  name: z.string().nullable(),
  body: z.string().nullable().optional(),
  target_commitish: z.string(),
  draft: z.boolean(),
  prerelease: z.boolean(),
});

type Release = z.infer<typeof releaseSchema>;

/**
 * The executor sends the SHA that target_commitish resolved to (see docs/github-adoption.md), so
 * a branch moving after the check cannot change what is released.
 */
export const releaseWrite = (request: PublishReleaseRequest): GitHubWrite =>
  postFields(request, 'releases', [...RELEASE_FIELDS, 'make_latest']);

const RELEASE_FIELDS = ['tag_name', 'name', 'body', 'target_commitish', 'draft', 'prerelease'] as const;

/** The draft a release with assets starts as; `make_latest` waits for its publication. */
export const draftWrite = (request: PublishReleaseRequest): GitHubWrite =>
  postFields({ ...request, draft: true }, 'releases', RELEASE_FIELDS);

/**
 * The publication of a draft: `draft: false`, at the resolved SHA (a draft adopted with a branch as
 * its target would otherwise be tagged wherever the branch is by then), with `make_latest`.
 */
export const publicationBody = (request: PublishReleaseRequest) => ({
  draft: false,
  target_commitish: request.target_commitish,
  ...(request.make_latest === undefined ? {} : { make_latest: request.make_latest }),
});

/** A dry run reads nothing from GitHub, so the commit is named by what it will be resolved from. */
export const plannedCommit = (request: PublishReleaseRequest): PublishReleaseRequest => ({
  ...request,
  target_commitish: `<sha of the commit ${request.target_commitish} resolves to>`,
});

const releaseEffect = (release: Release, adopted: boolean): GitHubEffect => ({
  url: release.html_url,
  id: String(release.id),
  adopted,
  identifiers: { release_id: release.id },
  responseSha256: responseSha256(release),
});

async function findRelease({ call, find }: GitHubCalls, request: PublishReleaseRequest) {
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
async function adoptRelease(calls: GitHubCalls, authorized: PublishReleaseRequest & AuthorizedRelease) {
  const git = gitReads(calls);
  const existing = await findRelease(calls, authorized);
  const tag = await git.findTag(authorized.repository, authorized.tag_name);
  if (!existing) {
    if (tag) assertAdoptable(`Tag ${authorized.tag_name}`, differences(releaseTagFields, tag, authorized));
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
    differences(releaseFields, { ...existing, commit }, authorized),
  );
  return releaseEffect(existing, true);
}

/**
 * One write, at most five reads: it resolves its commit, looks for the release and the tag,
 * peels an annotated tag, may resolve an existing release's target.
 */
export const publishStep: WriteStep<PublishReleaseRequest> = {
  cost: { writes: 1, reads: 5 },
  async run({ calls }, request) {
    // Resolved once per attempt and sent as the SHA, so what is compared is what is released.
    const commit = await gitReads(calls).resolveCommit(request.repository, request.target_commitish);
    const effect = await calls.adoptOrCreate({
      repository: request.repository,
      adopt: () => adoptRelease(calls, { ...request, commit }),
      write: releaseWrite({ ...request, target_commitish: commit }),
      schema: releaseSchema,
      created: (release) => releaseEffect(release, false),
    });
    return { effect };
  },
};
