import { openPr } from '../operations/open-pr/index.js';
import type { OpenPrRequest } from '../operations/open-pr/request.js';
import { publishRelease } from '../operations/publish-release/index.js';
import type { PublishReleaseRequest } from '../operations/publish-release/request.js';
import { tagRepo } from '../operations/tag-repo/index.js';
import type { TagRepoRequest } from '../operations/tag-repo/request.js';
import { DEFAULT_MAIN_SHA, DEFAULT_REPOSITORY, defaultSandboxConfig } from '../sandbox/index.js';

/** The branch the sandbox seeds beside main: the head of the demo's pull requests. */
export const FEATURE_BRANCH = 'feature/launch-notes';
/** Its commit, which the demo tries to move a published tag to. */
export const FEATURE_SHA = defaultSandboxConfig.repos[0]?.branches[FEATURE_BRANCH] ?? '';

/** Requests against the sandbox's demo repository, for the demo tour and the tests. */
export const releaseRequest = (runId: string, tag: string): PublishReleaseRequest => ({
  run_id: runId,
  operation_kind: publishRelease.kind,
  repository: DEFAULT_REPOSITORY,
  tag_name: tag,
  name: `MarketOps ${tag}`,
  body: `Release notes for ${tag}`,
  target_commitish: 'main',
  draft: false,
  prerelease: false,
});

/** A tag on main: annotated when it has a message, lightweight otherwise. */
export const tagRequest = (runId: string, tag: string, message?: string): TagRepoRequest => ({
  run_id: runId,
  operation_kind: tagRepo.kind,
  repository: DEFAULT_REPOSITORY,
  tag,
  sha: DEFAULT_MAIN_SHA,
  ...(message === undefined ? {} : { message }),
});

export const pullRequest = (runId: string, title: string): OpenPrRequest => ({
  run_id: runId,
  operation_kind: openPr.kind,
  repository: DEFAULT_REPOSITORY,
  head: FEATURE_BRANCH,
  base: 'main',
  title,
  body: 'Launch notes for review',
  draft: false,
});
