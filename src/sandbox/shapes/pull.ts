import type { PullRecord } from '../records.js';
import type { Repo } from '../repo.js';
import { nodeId, owner, SANDBOX_HTML_HOST, user } from './common.js';
import { repository } from './repository.js';

/** The hypermedia `_links` of a pull request. */
function pullLinks(
  repoApi: string,
  url: string,
  html: string,
  pull: PullRecord,
): Record<string, { href: string }> {
  const link = (href: string): { href: string } => ({ href });
  return {
    self: link(url),
    html: link(html),
    issue: link(`${repoApi}/issues/${pull.number}`),
    comments: link(`${repoApi}/issues/${pull.number}/comments`),
    review_comments: link(`${url}/comments`),
    review_comment: link(`${repoApi}/pulls/comments{/number}`),
    commits: link(`${url}/commits`),
    statuses: link(`${repoApi}/statuses/${pull.head.sha}`),
  };
}

/** The `pull-request-simple` shape used by list; `pullRequest` adds the single-PR fields. */
export function pullRequestSimple(api: string, repo: Repo, pull: PullRecord): Record<string, unknown> {
  const repoApi = `${api}/repos/${repo.owner}/${repo.name}`;
  const url = `${repoApi}/pulls/${pull.number}`;
  const html = `${SANDBOX_HTML_HOST}/${repo.owner}/${repo.name}/pull/${pull.number}`;
  const side = (branch: PullRecord['head']): Record<string, unknown> => ({
    label: `${repo.owner}:${branch.ref}`,
    ref: branch.ref,
    sha: branch.sha,
    user: owner(api, repo),
    repo: repository(api, repo),
  });
  return {
    url,
    id: pull.id,
    node_id: nodeId('PullRequest', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${repoApi}/issues/${pull.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${repoApi}/pulls/comments{/number}`,
    comments_url: `${repoApi}/issues/${pull.number}/comments`,
    statuses_url: `${repoApi}/statuses/${pull.head.sha}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: user(api),
    body: pull.body,
    labels: [],
    milestone: null,
    active_lock_reason: null,
    created_at: pull.created_at,
    updated_at: pull.created_at,
    closed_at: null,
    merged_at: null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(pull.head),
    base: side(pull.base),
    _links: pullLinks(repoApi, url, html, pull),
    author_association: 'CONTRIBUTOR',
    auto_merge: null,
    draft: pull.draft,
  };
}

/** The `pull-request` shape of a single pull request. */
export function pullRequest(api: string, repo: Repo, pull: PullRecord): Record<string, unknown> {
  return {
    ...pullRequestSimple(api, repo, pull),
    merged: false,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}
