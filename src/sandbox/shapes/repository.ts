import type { Repo } from '../repo.js';
import { nodeId, owner, SANDBOX_HTML_HOST } from './common.js';

/** The API link templates of a repository, in GitHub's order; `git_url` and `ssh_url` sit among them. */
function repositoryLinks(url: string, fullName: string): Record<string, string> {
  return {
    archive_url: `${url}/{archive_format}{/ref}`,
    assignees_url: `${url}/assignees{/user}`,
    blobs_url: `${url}/git/blobs{/sha}`,
    branches_url: `${url}/branches{/branch}`,
    collaborators_url: `${url}/collaborators{/collaborator}`,
    comments_url: `${url}/comments{/number}`,
    commits_url: `${url}/commits{/sha}`,
    compare_url: `${url}/compare/{base}...{head}`,
    contents_url: `${url}/contents/{+path}`,
    contributors_url: `${url}/contributors`,
    deployments_url: `${url}/deployments`,
    downloads_url: `${url}/downloads`,
    events_url: `${url}/events`,
    forks_url: `${url}/forks`,
    git_commits_url: `${url}/git/commits{/sha}`,
    git_refs_url: `${url}/git/refs{/sha}`,
    git_tags_url: `${url}/git/tags{/sha}`,
    git_url: `git://sandbox.github.local/${fullName}.git`,
    issue_comment_url: `${url}/issues/comments{/number}`,
    issue_events_url: `${url}/issues/events{/number}`,
    issues_url: `${url}/issues{/number}`,
    keys_url: `${url}/keys{/key_id}`,
    labels_url: `${url}/labels{/name}`,
    languages_url: `${url}/languages`,
    merges_url: `${url}/merges`,
    milestones_url: `${url}/milestones{/number}`,
    notifications_url: `${url}/notifications{?since,all,participating}`,
    pulls_url: `${url}/pulls{/number}`,
    releases_url: `${url}/releases{/id}`,
    ssh_url: `git@sandbox.github.local:${fullName}.git`,
    stargazers_url: `${url}/stargazers`,
    statuses_url: `${url}/statuses/{sha}`,
    subscribers_url: `${url}/subscribers`,
    subscription_url: `${url}/subscription`,
    tags_url: `${url}/tags`,
    teams_url: `${url}/teams`,
    trees_url: `${url}/git/trees{/sha}`,
  };
}

/** The `repository` schema; `fullRepository` adds what GET /repos/{owner}/{repo} has on top. */
export function repository(api: string, repo: Repo): Record<string, unknown> {
  const fullName = `${repo.owner}/${repo.name}`;
  const url = `${api}/repos/${fullName}`;
  const html = `${SANDBOX_HTML_HOST}/${fullName}`;
  const openPulls = repo.pulls.filter((pull) => pull.state === 'open').length;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: fullName,
    owner: owner(api, repo),
    private: false,
    html_url: html,
    description: `Sandbox copy of ${fullName}`,
    fork: false,
    url,
    ...repositoryLinks(url, fullName),
    clone_url: `${html}.git`,
    mirror_url: null,
    hooks_url: `${url}/hooks`,
    svn_url: html,
    homepage: null,
    language: 'TypeScript',
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 0,
    default_branch: repo.default_branch,
    open_issues: openPulls,
    open_issues_count: openPulls,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: 'public',
    pushed_at: repo.created_at,
    created_at: repo.created_at,
    updated_at: repo.created_at,
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
  };
}

/**
 * GET /repos/{owner}/{repo} answers `full-repository`: `repository` with the caller's permissions,
 * its merge settings, and `organization` when an organization owns it. Only an admin gets a
 * `temp_clone_token`, and for a public repository (as every sandbox repository is) GitHub sends it
 * empty (octokit/fixtures, scenario get-repository); anyone else gets null.
 */
export function fullRepository(api: string, repo: Repo, callerIsAdmin: boolean): Record<string, unknown> {
  const shown = repository(api, repo);
  return {
    ...shown,
    permissions: { ...(shown.permissions as object), admin: callerIsAdmin, maintain: callerIsAdmin },
    temp_clone_token: callerIsAdmin ? '' : null,
    ...repo.settings,
    ...(repo.account.type === 'Organization' ? { organization: owner(api, repo) } : {}),
    network_count: 0,
    subscribers_count: 0,
  };
}
