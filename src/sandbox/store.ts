import { createHash } from 'node:crypto';
import type { Account } from './accounts.js';
import { isoAt } from './clock.js';
import type { SandboxConfig } from './config.js';
import { docs, notFound, unprocessable, validationFailed } from './github-errors.js';
import type { NamedRef, PullRecord, RefRecord, SandboxState, TagObjectRecord } from './records.js';
import { ReleaseAssets } from './release-assets.js';
import { Releases } from './releases.js';
import { commitOf, objectType, pullSides, type Repo, seededRepo } from './repo.js';
import type { CreatePullInput, CreateTagInput, PullFilter } from './request-bodies.js';

const SANDBOX_TAGGER = { name: 'MarketOps Sandbox', email: 'sandbox@sandbox.github.local' };

/**
 * The repositories and everything created in them, with GitHub's validation rules.
 * Every failure is the GitHubError GitHub would answer with.
 */
export class GitHubStore {
  private repos = new Map<string, Repo>();
  private nextPullId = 1;
  private objectCounter = 0;
  /** The assets of every release; a lambda, since `now` is not assigned yet when fields initialise. */
  readonly assets = new ReleaseAssets(() => this.now());
  /** Releases, with GitHub's publishing rules; created after `assets`, which it removes with a release. */
  readonly releases = new Releases(
    () => this.now(),
    (repo) => this.changed(repo),
    this.assets,
  );

  constructor(
    private readonly config: SandboxConfig,
    private readonly accounts: ReadonlyMap<string, Account>,
    private readonly now: () => number,
  ) {
    this.reset();
  }

  reset(): void {
    this.repos = new Map();
    this.nextPullId = 1;
    this.objectCounter = 0;
    this.assets.reset();
    this.releases.reset();
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

  /** PATCH /git/refs/{ref}: the sandbox keeps no history, so every move is allowed, as with `force`. */
  updateRef(repo: Repo, ref: string, sha: string): NamedRef {
    const { ref: full } = this.protectedRef(repo, ref, 'move', docs.updateRef);
    const type = objectType(repo, sha);
    if (!type) throw unprocessable('Object does not exist', docs.updateRef);
    const record: RefRecord = { sha, type };
    repo.refs.set(full, record);
    this.changed(repo);
    return { ref: full, record };
  }

  deleteRef(repo: Repo, ref: string): void {
    const { ref: full } = this.protectedRef(repo, ref, 'delete', docs.deleteRef);
    repo.refs.delete(full);
    this.changed(repo);
  }

  /** An existing ref that may change: GitHub refuses to move or delete the tag of an immutable release. */
  private protectedRef(
    repo: Repo,
    ref: string,
    change: 'move' | 'delete',
    documentationUrl: string,
  ): NamedRef {
    const full = `refs/${ref}`;
    const record = repo.refs.get(full);
    if (!record) throw unprocessable('Reference does not exist', documentationUrl);
    const tag = full.startsWith('refs/tags/') ? full.slice('refs/tags/'.length) : undefined;
    if (tag !== undefined && repo.immutable_tags.includes(tag)) {
      throw unprocessable(`Cannot ${change} a tag used by an immutable release.`, documentationUrl);
    }
    return { ref: full, record };
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
