import type { Account } from './accounts.js';
import type { MergeSettings, RepoConfig } from './config.js';
import type { ValidationIssue } from './github-errors.js';
import type { PullRecord, RefRecord, RepoState } from './records.js';

/** A repository as the store keeps it: refs in a map, and the commits it knows. */
export interface Repo extends Omit<RepoState, 'refs'> {
  refs: Map<string, RefRecord>;
  /** Commits the sandbox knows; seeded from the branches, since it stores no history. */
  commits: Set<string>;
  account: Account;
  settings: MergeSettings;
  /** Sandbox epoch ms of the last change to anything in it, for `Last-Modified`. */
  changedAt: number;
}

/** A configured repository as it starts: its branches, their head commits and nothing else. */
export function seededRepo(
  seed: RepoConfig,
  id: number,
  account: Account,
  createdAt: string,
  nowMs: number,
): Repo {
  const branches = Object.entries(seed.branches);
  return {
    id,
    owner: seed.owner,
    name: seed.name,
    default_branch: seed.default_branch,
    created_at: createdAt,
    account,
    settings: seed.settings,
    changedAt: nowMs,
    refs: new Map(branches.map(([branch, sha]) => [`refs/heads/${branch}`, { sha, type: 'commit' }])),
    commits: new Set(branches.map(([, sha]) => sha)),
    tags: [],
    releases: [],
    assets: [],
    pulls: [],
    immutable_releases: false,
    immutable_tags: [],
    latest_release_id: null,
  };
}

/** `branch` or `owner:branch`; only same-repository heads exist in the sandbox. */
function headBranch(repo: Repo, head: string): string | undefined {
  const colon = head.indexOf(':');
  if (colon === -1) return head;
  return head.slice(0, colon).toLowerCase() === repo.owner.toLowerCase() ? head.slice(colon + 1) : undefined;
}

/** What a SHA names in the repository: a known commit, a tag object the sandbox made, or nothing. */
export function objectType(repo: Repo, sha: string): RefRecord['type'] | undefined {
  if (repo.commits.has(sha)) return 'commit';
  return repo.tags.some((tag) => tag.sha === sha) ? 'tag' : undefined;
}

/**
 * The commit a commit-ish names, as git's rev-parse resolves it: a full known SHA, then
 * `refs/<ref>` (so `heads/x` and `tags/x` work), `refs/tags/<ref>`, `refs/heads/<ref>`;
 * an annotated tag is peeled to its commit. A `ref` already starting with `refs/` is a full name.
 */
export function commitOf(repo: Repo, ref: string): string | undefined {
  if (repo.commits.has(ref)) return ref;
  const names = [ref, `refs/${ref}`, `refs/tags/${ref}`, `refs/heads/${ref}`];
  const record = names.map((name) => repo.refs.get(name)).find((found) => found !== undefined);
  if (record?.type === 'commit') return record.sha;
  return repo.tags.find((tag) => tag.sha === record?.sha)?.object.sha;
}

/** The head and base a new pull request gets, or the issue GitHub rejects the request with. */
export function pullSides(
  repo: Repo,
  head: string,
  base: string,
): Pick<PullRecord, 'head' | 'base'> | ValidationIssue {
  const branch = headBranch(repo, head);
  const headRef = branch === undefined ? undefined : repo.refs.get(`refs/heads/${branch}`);
  const baseRef = repo.refs.get(`refs/heads/${base}`);
  if (!headRef || branch === undefined) return { resource: 'PullRequest', field: 'head', code: 'invalid' };
  if (!baseRef) return { resource: 'PullRequest', field: 'base', code: 'invalid' };
  const open = repo.pulls.some((p) => p.state === 'open' && p.head.ref === branch && p.base.ref === base);
  if (open) {
    const message = `A pull request already exists for ${repo.owner}:${branch}.`;
    return { resource: 'PullRequest', code: 'custom', message };
  }
  if (headRef.sha === baseRef.sha) {
    return { resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${branch}` };
  }
  return { head: { ref: branch, sha: headRef.sha }, base: { ref: base, sha: baseRef.sha } };
}
