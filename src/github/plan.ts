import type {
  OpenPrRequest,
  OperationRequest,
  PublishReleaseRequest,
  TagRepoRequest,
} from '../receipts/index.js';
import type { GitHubWritePlan } from '../shared.js';

/**
 * The exact GitHub write requests an operation sends. Dry-run returns them as its
 * plan, and the activities send these same bodies, so the plan cannot drift from
 * what production does.
 */
export type GitHubWrite = GitHubWritePlan;

export function splitRepository(repository: string): { owner: string; repo: string } {
  const [owner = '', repo = ''] = repository.split('/');
  return { owner, repo };
}

const write = (repository: string, suffix: string, body: Record<string, unknown>): GitHubWrite => ({
  method: 'POST',
  route: `/repos/{owner}/{repo}/${suffix}`,
  path: `/repos/${repository}/${suffix}`,
  body,
});

/**
 * The activity sends the SHA that target_commitish resolved to (see docs/github-adoption.md), so
 * a branch moving after the check cannot change what is released.
 */
export const releaseWrite = (request: PublishReleaseRequest): GitHubWrite =>
  write(request.repository, 'releases', {
    tag_name: request.tag_name,
    name: request.name,
    body: request.body,
    target_commitish: request.target_commitish,
    draft: request.draft,
    prerelease: request.prerelease,
  });

export const tagObjectWrite = (request: TagRepoRequest & { message: string }): GitHubWrite =>
  write(request.repository, 'git/tags', {
    tag: request.tag,
    message: request.message,
    object: request.sha,
    type: 'commit',
  });

/** `sha` is the tag object's for an annotated tag, the commit's for a lightweight one. */
export const tagRefWrite = (request: TagRepoRequest, sha: string): GitHubWrite =>
  write(request.repository, 'git/refs', { ref: `refs/tags/${request.tag}`, sha });

export const pullRequestWrite = (request: OpenPrRequest): GitHubWrite =>
  write(request.repository, 'pulls', {
    title: request.title,
    head: request.head,
    base: request.base,
    body: request.body,
    draft: request.draft,
  });

const TAG_OBJECT_SHA_PLACEHOLDER = '<sha of the tag object created by the previous request>';
/** A dry run reads nothing from GitHub, so the commit is named by what it will be resolved from. */
const resolvedCommitPlaceholder = (commitish: string) => `<sha of the commit ${commitish} resolves to>`;

export function planFor(request: OperationRequest): GitHubWrite[] {
  switch (request.operation_kind) {
    case 'publish_release':
      return [
        releaseWrite({ ...request, target_commitish: resolvedCommitPlaceholder(request.target_commitish) }),
      ];
    case 'open_pr':
      return [pullRequestWrite(request)];
    case 'tag_repo':
      return request.message === undefined
        ? [tagRefWrite(request, request.sha)]
        : [
            tagObjectWrite({ ...request, message: request.message }),
            tagRefWrite(request, TAG_OBJECT_SHA_PLACEHOLDER),
          ];
  }
}

export function summaryOf(request: OperationRequest): string {
  switch (request.operation_kind) {
    case 'publish_release':
      return `publish_release ${request.repository} ${request.tag_name}`;
    case 'tag_repo':
      return `tag_repo ${request.repository} ${request.tag}`;
    case 'open_pr':
      return `open_pr ${request.repository} ${request.head} → ${request.base}`;
  }
}
