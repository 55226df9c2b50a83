import { createHash } from 'node:crypto';
import type { Account } from './accounts.js';
import type { SandboxConfig } from './config.js';
import { docs, notFound, unprocessable, validationFailed } from './github-errors.js';
import type {
  NamedRef,
  PullRecord,
  RefRecord,
  ReleaseRecord,
  SandboxState,
  TagObjectRecord,
} from './records.js';
import { commitOf, objectType, pullSides, type Repo, seededRepo } from './repo.js';
import type { CreatePullInput, CreateReleaseInput, CreateTagInput, PullFilter } from './request-bodies.js';

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
    private readonly accounts: ReadonlyMap<string, Account>,
    private readonly now: () => number,
  ) {
    this.reset();
  }

  reset(): void {
    this.repos = new Map();
    this.nextReleaseId = 1;
    this.nextPullId = 1;
    this.objectCounter = 0;
    const now = this.now();
    this.config.repos.forEach((seed, index) => {
      // biome-ignore lint/style/noNonNullAssertion: accountsOf lists every repository owner.
      const account = this.accounts.get(seed.owner.toLowerCase())!;
      this.repos.set(
        this.key(seed.owner, seed.name),
        seededRepo(seed, 100_001 + index, account, isoAt(now), now),
      );
    });
  }

  snapshot(): SandboxState {
    return {
      repos: this.all().map(({ commits: _c, account: _a, settings: _s, changedAt: _t, refs, ...repo }) =>
        structuredClone({ ...repo, refs: Object.fromEntries(refs) }),
      ),
    };
  }

  all(): Repo[] {
    return [...this.repos.values()];
  }

  repo(owner: string, name: string, documentationUrl: string): Repo {
    const repo = this.repos.get(this.key(owner, name));
    if (!repo) throw notFound(documentationUrl);
    return repo;
  }

  /** `ref` as GitHub's get-ref takes it: without the `refs/` prefix, e.g. `heads/main`. */
  getRef(repo: Repo, ref: string): NamedRef {
    const full = `refs/${ref}`;
    const record = repo.refs.get(full);
    if (!record) throw notFound(docs.getRef);
    return { ref: full, record };
  }

  createRef(repo: Repo, ref: string, sha: string): NamedRef {
    if (!/^refs\/[^/]+\/.+/.test(ref) || ref.split('/').some((part) => part === '' || part.startsWith('.'))) {
      throw unprocessable(`${ref} is not a valid ref name.`, docs.createRef);
    }
    const type = objectType(repo, sha);
    if (!type) throw unprocessable('Object does not exist', docs.createRef);
    if (repo.refs.has(ref)) throw unprocessable('Reference already exists', docs.createRef);
    const record: RefRecord = { sha, type };
    repo.refs.set(ref, record);
    this.changed(repo);
    return { ref, record };
  }

  createTag(repo: Repo, input: CreateTagInput): TagObjectRecord {
    if (objectType(repo, input.object) !== 'commit' || input.type !== 'commit') {
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
    this.changed(repo);
    return tag;
  }

  getTag(repo: Repo, sha: string): TagObjectRecord {
    const tag = repo.tags.find((candidate) => candidate.sha === sha);
    if (!tag) throw notFound(docs.getTag);
    return tag;
  }

  /** GET /commits/{ref}: GitHub answers a commit-ish that names nothing with this 422. */
  getCommit(repo: Repo, ref: string): string {
    const sha = commitOf(repo, ref);
    if (!sha) throw unprocessable(`No commit found for SHA: ${ref}`, docs.getCommit);
    return sha;
  }

  /**
   * Admin only: points `branch` at `sha`, creating the branch or moving it, and makes `sha` a
   * known commit. This is how tests push a commit, which the sandbox otherwise has no way to do.
   */
  setBranch(repo: Repo, branch: string, sha: string): NamedRef {
    const ref = `refs/heads/${branch}`;
    const record: RefRecord = { sha, type: 'commit' };
    repo.commits.add(sha);
    repo.refs.set(ref, record);
    this.changed(repo);
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
      const sha = commitOf(repo, target);
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
    this.changed(repo);
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
    const sides = pullSides(repo, input.head, input.base);
    if ('resource' in sides) throw validationFailed(docs.createPull, sides);
    const pull: PullRecord = {
      id: this.nextPullId,
      number: repo.pulls.length + 1,
      title: input.title,
      body: input.body ?? null,
      head: sides.head,
      base: sides.base,
      state: 'open',
      draft: input.draft ?? false,
      created_at: isoAt(this.now()),
    };
    this.nextPullId++;
    repo.pulls.push(pull);
    this.changed(repo);
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

  /** Stamps a change, which moves the repository's `Last-Modified`. */
  private changed(repo: Repo): void {
    repo.changedAt = this.now();
  }

  private key(owner: string, name: string): string {
    return `${owner}/${name}`.toLowerCase();
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
