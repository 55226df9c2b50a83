import { createHash } from 'node:crypto';
import type { PullRecord, RefRecord, ReleaseRecord, TagObjectRecord } from './records.js';
import type { Repo } from './store.js';

/** Web links point at a host that cannot be mistaken for github.com. */
export const SANDBOX_HTML_HOST = 'http://sandbox.github.local';

const nodeId = (kind: string, id: string | number): string => Buffer.from(`${kind}:${id}`).toString('base64');

/** Characters a URL path segment may carry raw (RFC 3986 pchar) that encodeURIComponent escapes anyway. */
const RAW_IN_SEGMENT = /%(?:24|26|2B|2C|3B|3D|3A|40)/g;

/**
 * A ref or tag name as URL path segments, the way GitHub sends it: UTF-8 percent-encoded
 * (`release/リリース` → `release/%E3%83%AA…`), slashes kept as separators. Such URLs also go
 * out as `Location` headers, which cannot carry raw non-ASCII text; ASCII names read as before.
 */
const refPath = (name: string): string =>
  name
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(RAW_IN_SEGMENT, decodeURIComponent))
    .join('/');

/**
 * Renders sandbox records in GitHub's REST response shapes (the OpenAPI schemas
 * full-repository, git-ref, git-tag, commit, release, pull-request, pull-request-simple).
 * `api` is the sandbox's own URL, which plays api.github.com.
 */
export class Representations {
  constructor(private readonly api: string) {}

  /** The fixed account every sandbox object is authored by. */
  user(login = 'marketops-sandbox[bot]', id = 900_001): Record<string, unknown> {
    const url = `${this.api}/users/${encodeURIComponent(login)}`;
    const isBot = login.endsWith('[bot]');
    return {
      login,
      id,
      node_id: nodeId('User', id),
      avatar_url: `${SANDBOX_HTML_HOST}/avatars/${id}`,
      gravatar_id: '',
      url,
      // Bots live under /apps/ on GitHub; `[bot]` would not be a valid URI path either.
      html_url: `${SANDBOX_HTML_HOST}/${isBot ? `apps/${login.replace('[bot]', '')}` : login}`,
      followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`,
      starred_url: `${url}/starred{/owner}{/repo}`,
      subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`,
      repos_url: `${url}/repos`,
      events_url: `${url}/events{/privacy}`,
      received_events_url: `${url}/received_events`,
      type: isBot ? 'Bot' : 'Organization',
      user_view_type: 'public',
      site_admin: false,
    };
  }

  /** The `repository` schema; `fullRepository` adds what GET /repos/{owner}/{repo} has on top. */
  repository(repo: Repo): Record<string, unknown> {
    const fullName = `${repo.owner}/${repo.name}`;
    const url = `${this.api}/repos/${fullName}`;
    const html = `${SANDBOX_HTML_HOST}/${fullName}`;
    const openPulls = repo.pulls.filter((pull) => pull.state === 'open').length;
    return {
      id: repo.id,
      node_id: nodeId('Repository', repo.id),
      name: repo.name,
      full_name: fullName,
      owner: this.user(repo.owner, 800_000 + repo.id),
      private: false,
      html_url: html,
      description: `Sandbox copy of ${fullName}`,
      fork: false,
      url,
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

  fullRepository(repo: Repo): Record<string, unknown> {
    return { ...this.repository(repo), network_count: 0, subscribers_count: 0 };
  }

  gitRef(repo: Repo, ref: string, record: RefRecord): Record<string, unknown> {
    const url = `${this.api}/repos/${repo.owner}/${repo.name}`;
    const objectPath = record.type === 'tag' ? 'tags' : 'commits';
    return {
      ref,
      node_id: nodeId('Ref', `${repo.id}:${ref}`),
      url: `${url}/git/${refPath(ref)}`,
      object: { type: record.type, sha: record.sha, url: `${url}/git/${objectPath}/${record.sha}` },
    };
  }

  gitTag(repo: Repo, tag: TagObjectRecord): Record<string, unknown> {
    const url = `${this.api}/repos/${repo.owner}/${repo.name}/git`;
    return {
      node_id: nodeId('Tag', tag.sha),
      tag: tag.tag,
      sha: tag.sha,
      url: `${url}/tags/${tag.sha}`,
      message: tag.message,
      tagger: tag.tagger,
      object: { ...tag.object, url: `${url}/commits/${tag.object.sha}` },
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
        verified_at: null,
      },
    };
  }

  /**
   * The `commit` schema. The sandbox stores no history, trees or authors, so a commit has no
   * parents and no files, and its tree SHA and message are derived from its own SHA.
   */
  commit(repo: Repo, sha: string): Record<string, unknown> {
    const api = `${this.api}/repos/${repo.owner}/${repo.name}`;
    const html = `${SANDBOX_HTML_HOST}/${repo.owner}/${repo.name}/commit/${sha}`;
    const person = {
      name: 'MarketOps Sandbox',
      email: 'sandbox@sandbox.github.local',
      date: repo.created_at,
    };
    const tree = createHash('sha1').update(`tree\0${sha}`).digest('hex');
    return {
      url: `${api}/commits/${sha}`,
      sha,
      node_id: nodeId('Commit', sha),
      html_url: html,
      comments_url: `${api}/commits/${sha}/comments`,
      commit: {
        url: `${api}/git/commits/${sha}`,
        author: person,
        committer: person,
        message: `Sandbox commit ${sha.slice(0, 7)}`,
        comment_count: 0,
        tree: { sha: tree, url: `${api}/git/trees/${tree}` },
        verification: {
          verified: false,
          reason: 'unsigned',
          signature: null,
          payload: null,
          verified_at: null,
        },
      },
      author: this.user(),
      committer: this.user(),
      parents: [],
      stats: { additions: 0, deletions: 0, total: 0 },
      files: [],
    };
  }

  release(repo: Repo, release: ReleaseRecord): Record<string, unknown> {
    const url = `${this.api}/repos/${repo.owner}/${repo.name}/releases/${release.id}`;
    const html = `${SANDBOX_HTML_HOST}/${repo.owner}/${repo.name}`;
    const archive = (format: string): string | null =>
      release.draft
        ? null
        : `${this.api}/repos/${repo.owner}/${repo.name}/${format}/${refPath(release.tag_name)}`;
    return {
      url,
      html_url: release.draft
        ? `${html}/releases/tag/untagged-${release.id}`
        : `${html}/releases/tag/${refPath(release.tag_name)}`,
      assets_url: `${url}/assets`,
      upload_url: `${SANDBOX_HTML_HOST}/uploads/repos/${repo.owner}/${repo.name}/releases/${release.id}/assets{?name,label}`,
      tarball_url: archive('tarball'),
      zipball_url: archive('zipball'),
      id: release.id,
      node_id: nodeId('Release', release.id),
      tag_name: release.tag_name,
      target_commitish: release.target_commitish,
      name: release.name,
      body: release.body,
      draft: release.draft,
      prerelease: release.prerelease,
      immutable: false,
      created_at: release.created_at,
      updated_at: release.created_at,
      published_at: release.published_at,
      author: this.user(),
      assets: [],
    };
  }

  /** The `pull-request-simple` shape used by list; `pullRequest` adds the single-PR fields. */
  pullRequestSimple(repo: Repo, pull: PullRecord): Record<string, unknown> {
    const api = `${this.api}/repos/${repo.owner}/${repo.name}`;
    const url = `${api}/pulls/${pull.number}`;
    const html = `${SANDBOX_HTML_HOST}/${repo.owner}/${repo.name}/pull/${pull.number}`;
    const side = (branch: PullRecord['head']): Record<string, unknown> => ({
      label: `${repo.owner}:${branch.ref}`,
      ref: branch.ref,
      sha: branch.sha,
      user: this.user(repo.owner, 800_000 + repo.id),
      repo: this.repository(repo),
    });
    const link = (href: string): { href: string } => ({ href });
    return {
      url,
      id: pull.id,
      node_id: nodeId('PullRequest', pull.id),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${api}/issues/${pull.number}`,
      commits_url: `${url}/commits`,
      review_comments_url: `${url}/comments`,
      review_comment_url: `${api}/pulls/comments{/number}`,
      comments_url: `${api}/issues/${pull.number}/comments`,
      statuses_url: `${api}/statuses/${pull.head.sha}`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: this.user(),
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
      _links: {
        self: link(url),
        html: link(html),
        issue: link(`${api}/issues/${pull.number}`),
        comments: link(`${api}/issues/${pull.number}/comments`),
        review_comments: link(`${url}/comments`),
        review_comment: link(`${api}/pulls/comments{/number}`),
        commits: link(`${url}/commits`),
        statuses: link(`${api}/statuses/${pull.head.sha}`),
      },
      author_association: 'CONTRIBUTOR',
      auto_merge: null,
      draft: pull.draft,
    };
  }

  pullRequest(repo: Repo, pull: PullRecord): Record<string, unknown> {
    return {
      ...this.pullRequestSimple(repo, pull),
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
}
