import { createHash } from 'node:crypto';
import type { SandboxConfig } from './config.js';
import { docs, notFound, unprocessable, validationFailed } from './github-errors.js';
import type {
  PullRecord,
  RefRecord,
  ReleaseRecord,
  RepoState,
  SandboxState,
  TagObjectRecord,
} from './records.js';
import type { CreatePullInput, CreateReleaseInput, CreateTagInput, PullFilter } from './request-bodies.js';

interface Repo extends Omit<RepoState, 'refs'> {
  refs: Map<string, RefRecord>;
  /** Commits the sandbox knows; seeded from the branches, since it stores no history. */
  commits: Set<string>;
}

const SANDBOX_TAGGER = { name: 'MarketOps Sandbox', email: 'sandbox@sandbox.github.local' };
const isoAt = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/**
 * The repositories and everything created in them, with GitHub's validation rules.
 * Every failure is the GitHubError GitHub would answer with.
 */
export class GitHubStore {
  private repos = new Map<string, Repo>();
  private nextReleaseId = 1;
  private nextPullId = 1;
  private objectCounter = 0;

  constructor(
    private readonly config: SandboxConfig,
    private readonly now: () => number,
  ) {
    this.reset();
  }

  reset(): void {
    this.repos = new Map();
    this.nextReleaseId = 1;
    this.nextPullId = 1;
    this.objectCounter = 0;
    const createdAt = isoAt(this.now());
    this.config.repos.forEach((seed, index) => {
      const branches = Object.entries(seed.branches);
      this.repos.set(this.key(seed.owner, seed.name), {
        id: 100_001 + index,
        owner: seed.owner,
        name: seed.name,
        default_branch: seed.default_branch,
        created_at: createdAt,
        refs: new Map(branches.map(([branch, sha]) => [`refs/heads/${branch}`, { sha, type: 'commit' }])),
        commits: new Set(branches.map(([, sha]) => sha)),
        tags: [],
        releases: [],
        pulls: [],
      });
    });
  }

  snapshot(): SandboxState {
    return {
      repos: [...this.repos.values()].map(({ commits: _commits, refs, ...repo }) =>
        structuredClone({ ...repo, refs: Object.fromEntries(refs) }),
      ),
    };
  }

  repo(owner: string, name: string, documentationUrl: string): Repo {
    const repo = this.repos.get(this.key(owner, name));
    if (!repo) throw notFound(documentationUrl);
    return repo;
  }

  /** `ref` as GitHub's get-ref takes it: without the `refs/` prefix, e.g. `heads/main`. */
  getRef(repo: Repo, ref: string): { ref: string; record: RefRecord } {
    const full = `refs/${ref}`;
    const record = repo.refs.get(full);
    if (!record) throw notFound(docs.getRef);
    return { ref: full, record };
  }

  createRef(repo: Repo, ref: string, sha: string): { ref: string; record: RefRecord } {
    if (!/^refs\/[^/]+\/.+/.test(ref) || ref.split('/').some((part) => part === '' || part.startsWith('.'))) {
      throw unprocessable(`${ref} is not a valid ref name.`, docs.createRef);
    }
    const type = this.objectType(repo, sha);
    if (!type) throw unprocessable('Object does not exist', docs.createRef);
    if (repo.refs.has(ref)) throw unprocessable('Reference already exists', docs.createRef);
    const record: RefRecord = { sha, type };
    repo.refs.set(ref, record);
    return { ref, record };
  }

  createTag(repo: Repo, input: CreateTagInput): TagObjectRecord {
    if (this.objectType(repo, input.object) !== 'commit' || input.type !== 'commit') {
      throw unprocessable('Object does not exist', docs.createTag);
    }
    const tag: TagObjectRecord = {
      sha: this.newSha('tag', repo, input.tag, input.message, input.object),
      tag: input.tag,
      message: input.message,
      object: { sha: input.object, type: input.type },
      tagger: {
        name: input.tagger?.name ?? SANDBOX_TAGGER.name,
        email: input.tagger?.email ?? SANDBOX_TAGGER.email,
        date: input.tagger?.date ?? isoAt(this.now()),
      },
    };
    repo.tags.push(tag);
    return tag;
  }

  getTag(repo: Repo, sha: string): TagObjectRecord {
    const tag = repo.tags.find((candidate) => candidate.sha === sha);
    if (!tag) throw notFound(docs.getTag);
    return tag;
  }

  /** GET /commits/{ref}: GitHub answers a commit-ish that names nothing with this 422. */
  getCommit(repo: Repo, ref: string): string {
    const sha = this.commitOf(repo, ref);
    if (!sha) throw unprocessable(`No commit found for SHA: ${ref}`, docs.getCommit);
    return sha;
  }

  /**
   * Admin only: points `branch` at `sha`, creating the branch or moving it, and makes `sha` a
   * known commit. This is how tests push a commit, which the sandbox otherwise has no way to do.
   */
  setBranch(repo: Repo, branch: string, sha: string): { ref: string; record: RefRecord } {
    const ref = `refs/heads/${branch}`;
    const record: RefRecord = { sha, type: 'commit' };
    repo.commits.add(sha);
    repo.refs.set(ref, record);
    return { ref, record };
  }

  /** Like GitHub: a missing tag is created at target_commitish (default branch by default), except for drafts. */
  createRelease(repo: Repo, input: CreateReleaseInput): ReleaseRecord {
    if (repo.releases.some((release) => release.tag_name === input.tag_name)) {
      throw validationFailed(docs.createRelease, {
        resource: 'Release',
        code: 'already_exists',
        field: 'tag_name',
      });
    }
    const target = input.target_commitish ?? repo.default_branch;
    const tagRef = `refs/tags/${input.tag_name}`;
    if (!repo.refs.has(tagRef)) {
      const sha = this.commitOf(repo, target);
      if (!sha) {
        throw validationFailed(docs.createRelease, {
          resource: 'Release',
          code: 'invalid',
          field: 'target_commitish',
        });
      }
      if (!input.draft) repo.refs.set(tagRef, { sha, type: 'commit' });
    }
    const now = isoAt(this.now());
    const release: ReleaseRecord = {
      id: this.nextReleaseId++,
      tag_name: input.tag_name,
      target_commitish: target,
      name: input.name ?? null,
      body: input.body ?? null,
      draft: input.draft ?? false,
      prerelease: input.prerelease ?? false,
      created_at: now,
      published_at: input.draft ? null : now,
    };
    repo.releases.push(release);
    return release;
  }

  /** Drafts have no tag yet, so GitHub does not find them by tag. */
  getReleaseByTag(repo: Repo, tag: string): ReleaseRecord {
    const release = repo.releases.find((candidate) => candidate.tag_name === tag && !candidate.draft);
    if (!release) throw notFound(docs.getReleaseByTag);
    return release;
  }

  listReleases(repo: Repo): ReleaseRecord[] {
    return [...repo.releases].reverse();
  }

  createPull(repo: Repo, input: CreatePullInput): PullRecord {
    const headBranch = this.headBranch(repo, input.head);
    const head = headBranch === undefined ? undefined : repo.refs.get(`refs/heads/${headBranch}`);
    const base = repo.refs.get(`refs/heads/${input.base}`);
    if (!head || headBranch === undefined) {
      throw validationFailed(docs.createPull, { resource: 'PullRequest', field: 'head', code: 'invalid' });
    }
    if (!base)
      throw validationFailed(docs.createPull, { resource: 'PullRequest', field: 'base', code: 'invalid' });
    const label = `${repo.owner}:${headBranch}`;
    const open = repo.pulls.some(
      (p) => p.state === 'open' && p.head.ref === headBranch && p.base.ref === input.base,
    );
    if (open) {
      throw validationFailed(docs.createPull, {
        resource: 'PullRequest',
        code: 'custom',
        message: `A pull request already exists for ${label}.`,
      });
    }
    if (head.sha === base.sha) {
      throw validationFailed(docs.createPull, {
        resource: 'PullRequest',
        code: 'custom',
        message: `No commits between ${input.base} and ${headBranch}`,
      });
    }
    const pull: PullRecord = {
      id: this.nextPullId,
      number: repo.pulls.length + 1,
      title: input.title,
      body: input.body ?? null,
      head: { ref: headBranch, sha: head.sha },
      base: { ref: input.base, sha: base.sha },
      state: 'open',
      draft: input.draft ?? false,
      created_at: isoAt(this.now()),
    };
    this.nextPullId++;
    repo.pulls.push(pull);
    return pull;
  }

  /** Newest first, as GitHub's default sort (created, desc). `head` is `owner:branch`. */
  listPulls(repo: Repo, filter: PullFilter): PullRecord[] {
    return [...repo.pulls]
      .reverse()
      .filter((pull) => filter.state === 'all' || pull.state === filter.state)
      .filter((pull) => filter.base === undefined || pull.base.ref === filter.base)
      .filter((pull) => filter.head === undefined || filter.head === `${repo.owner}:${pull.head.ref}`);
  }

  private key(owner: string, name: string): string {
    return `${owner}/${name}`.toLowerCase();
  }

  /** `branch` or `owner:branch`; only same-repository heads exist in the sandbox. */
  private headBranch(repo: Repo, head: string): string | undefined {
    const colon = head.indexOf(':');
    if (colon === -1) return head;
    return head.slice(0, colon).toLowerCase() === repo.owner.toLowerCase()
      ? head.slice(colon + 1)
      : undefined;
  }

  private objectType(repo: Repo, sha: string): RefRecord['type'] | undefined {
    if (repo.commits.has(sha)) return 'commit';
    return repo.tags.some((tag) => tag.sha === sha) ? 'tag' : undefined;
  }

  /**
   * The commit a commit-ish names, as git's rev-parse resolves it: a full known SHA, then
   * `refs/<ref>` (so `heads/x` and `tags/x` work), `refs/tags/<ref>`, `refs/heads/<ref>`;
   * an annotated tag is peeled to its commit. A `ref` already starting with `refs/` is a full name.
   */
  private commitOf(repo: Repo, ref: string): string | undefined {
    if (repo.commits.has(ref)) return ref;
    const names = [ref, `refs/${ref}`, `refs/tags/${ref}`, `refs/heads/${ref}`];
    const record = names.map((name) => repo.refs.get(name)).find((found) => found !== undefined);
    if (record?.type === 'commit') return record.sha;
    return repo.tags.find((tag) => tag.sha === record?.sha)?.object.sha;
  }

  private newSha(...parts: (string | Repo)[]): string {
    const text = parts
      .map((part) => (typeof part === 'string' ? part : `${part.owner}/${part.name}`))
      .join('\0');
    return createHash('sha1')
      .update(`${text}\0${this.objectCounter++}`)
      .digest('hex');
  }
}

export type { Repo };
