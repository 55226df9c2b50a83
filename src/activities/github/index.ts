import type { Octokit } from '@octokit/rest';
import type { ExecutorMetrics } from '../../metrics/executor-metrics.js';
import { githubCalls } from './github-calls.js';
import { pullRequestActivities } from './pull-requests.js';
import { releaseActivities } from './releases.js';
import { tagActivities } from './tags.js';

export type { GitHubEffect } from './github-calls.js';

/** One activity per GitHub write; each reads before it writes and makes at most one write. */
export function createGitHubActivities(octokit: Octokit, metrics: ExecutorMetrics) {
  const calls = githubCalls(octokit, metrics);
  return { ...releaseActivities(calls), ...tagActivities(calls), ...pullRequestActivities(calls) };
}
