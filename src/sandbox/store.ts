import { createHash } from 'node:crypto';
import type { Account } from './accounts.js';
import { isoAt } from './clock.js';
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
import { ReleaseAssets } from './release-assets.js';
import { commitOf, objectType, pullSides, type Repo, seededRepo } from './repo.js';
import type {
  CreatePullInput,
  CreateReleaseInput,
  CreateTagInput,
  PullFilter,
  UpdateReleaseInput,
} from './request-bodies.js';

const SANDBOX_TAGGER = { name: 'MarketOps Sandbox', email: 'sandbox@sandbox.github.local' };

/** The sandbox's wording (GitHub's is not on record) for editing what an immutable release froze. */
export const IMMUTABLE_RELEASE_EDIT = 'Cannot change the tag, target or draft state of an immutable release.';

/**
 * One published release per tag; drafts may share a tag with each other and with a published
 * release (GitHub lets racing jobs create duplicate drafts), and meet this 422 when published.
 */
function refusePublishedTag(
  repo: Repo,
  tag: string,
  self: ReleaseRecord | undefined,
  documentationUrl: string,
): void {
  const taken = repo.releases.some((other) => other !== self && !other.draft && other.tag_name === tag);
  if (taken)
    throw validationFailed(documentationUrl, {
      resource: 'Release',
      code: 'already_exists',
      field: 'tag_name',
    });
}

/** GitHub's 422 for a tag name an immutable release was published under, even after its deletion. */
function refuseUsedTag(repo: Repo, tag: string, documentationUrl: string): void {
  if (!repo.immutable_tags.includes(tag)) return;
  throw validationFailed(documentationUrl, {
    resource: 'Release',
    code: 'custom',
    field: 'tag_name',
    message: 'tag_name was used by an immutable release',
  });
}

/**
 * The repositories and everything created in them, with GitHub's validation rules.
 * Every failure is the GitHubError GitHub would answer with.
 */
export class GitHubStore {
  private repos = new Map<string, Repo>();
  private nextReleaseId = 1;
  private nextPullId = 1;
  private objectCounter = 0;
  /** The assets of every release; a lambda, since `now` is not assigned yet when fields initialise. */
  readonly assets = new ReleaseAssets(() => this.now());

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
    this.assets.reset();
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
    if (!input.draft) refusePublishedTag(repo, input.tag_name, undefined, docs.createRelease);
    refuseUsedTag(repo, input.tag_name, docs.createRelease);
    const target = input.target_commitish ?? repo.default_branch;
    const sha = this.releaseTarget(repo, input.tag_name, target, docs.createRelease);
    const now = isoAt(this.now());
    const release: ReleaseRecord = {
      id: this.nextReleaseId++,
      tag_name: input.tag_name,
      target_commitish: target,
      name: input.name ?? null,
      body: input.body ?? null,
      draft: true,
      prerelease: input.prerelease ?? false,
      created_at: now,
      published_at: null,
      immutable: false,
      make_latest: input.make_latest ?? 'true',
    };
    repo.releases.push(release);
    if (!input.draft) this.publish(repo, release, sha);
    this.changed(repo);
    return release;
  }

  getRelease(repo: Repo, id: number, withDrafts: boolean): ReleaseRecord {
    const release = repo.releases.find((candidate) => candidate.id === id);
    if (!release || (release.draft && !withDrafts)) throw notFound(docs.getRelease);
    return release;
  }

  /**
   * PATCH of a release. `draft: false` publishes: the tag is created at target_commitish if
   * missing, and with immutable releases on, the release becomes immutable. An immutable release
   * keeps its tag and stays published; its title, notes, prerelease flag and `make_latest` stay editable.
   */
  updateRelease(repo: Repo, id: number, input: UpdateReleaseInput): ReleaseRecord {
    const release = this.getRelease(repo, id, true);
    const retag = input.tag_name !== undefined && input.tag_name !== release.tag_name;
    if (release.immutable && (retag || input.draft === true || input.target_commitish !== undefined)) {
      throw unprocessable(IMMUTABLE_RELEASE_EDIT, docs.updateRelease);
    }
    const tag = input.tag_name ?? release.tag_name;
    const publishing = release.draft && input.draft === false;
    if (publishing || (retag && !release.draft)) refusePublishedTag(repo, tag, release, docs.updateRelease);
    if (retag || publishing) refuseUsedTag(repo, tag, docs.updateRelease);
    const target = input.target_commitish ?? release.target_commitish;
    const sha = publishing ? this.releaseTarget(repo, tag, target, docs.updateRelease) : undefined;
    Object.assign(release, {
      tag_name: tag,
      target_commitish: target,
      name: input.name ?? release.name,
      body: input.body ?? release.body,
      prerelease: input.prerelease ?? release.prerelease,
      make_latest: input.make_latest ?? release.make_latest,
      ...(input.draft === true ? { draft: true, published_at: null } : {}),
    });
    if (publishing && sha) this.publish(repo, release, sha);
    else if (input.make_latest !== undefined && !release.draft) this.markLatest(repo, release);
    this.changed(repo);
    return release;
  }

  /** Deletes the release (not its tag, as on GitHub); an immutable one's tag name stays used up. */
  async deleteRelease(repo: Repo, id: number): Promise<void> {
    const release = this.getRelease(repo, id, true);
    repo.releases = repo.releases.filter((candidate) => candidate !== release);
    if (repo.latest_release_id === id) repo.latest_release_id = null;
    this.changed(repo);
    await this.assets.removeAll(repo, release);
  }

  /** GitHub's latest release: the one `make_latest` chose, else the newest published non-prerelease. */
  latestRelease(repo: Repo): ReleaseRecord {
    const chosen = repo.releases.find((release) => release.id === repo.latest_release_id);
    const legacy = repo.releases.filter((release) => !release.draft && !release.prerelease).at(-1);
    const latest = chosen ?? legacy;
    if (!latest) throw notFound(docs.getLatestRelease);
    return latest;
  }

  /** The commit a release's tag points at: the existing tag's, or target_commitish resolved. */
  private releaseTarget(repo: Repo, tag: string, target: string, documentationUrl: string): string {
    const existing = commitOf(repo, `refs/tags/${tag}`);
    const sha = existing ?? commitOf(repo, target);
    if (!sha) {
      throw validationFailed(documentationUrl, {
        resource: 'Release',
        code: 'invalid',
        field: 'target_commitish',
      });
    }
    return sha;
  }

  private publish(repo: Repo, release: ReleaseRecord, sha: string): void {
    const tagRef = `refs/tags/${release.tag_name}`;
    if (!repo.refs.has(tagRef)) repo.refs.set(tagRef, { sha, type: 'commit' });
    release.draft = false;
    release.published_at = isoAt(this.now());
    if (repo.immutable_releases) {
      release.immutable = true;
      repo.immutable_tags.push(release.tag_name);
    }
    this.markLatest(repo, release);
  }

  /** `true` makes a published non-prerelease the latest; `legacy` hands the choice back to GitHub's date rule. */
  private markLatest(repo: Repo, release: ReleaseRecord): void {
    if (release.make_latest === 'legacy') repo.latest_release_id = null;
    else if (release.make_latest === 'true' && !release.prerelease) repo.latest_release_id = release.id;
  }

  /** The repository's immutable-releases setting (PUT and DELETE /immutable-releases). */
  setImmutableReleases(repo: Repo, enabled: boolean): void {
    repo.immutable_releases = enabled;
    this.changed(repo);
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

  /** Drafts have no tag yet, so GitHub does not find them by tag. */
  getReleaseByTag(repo: Repo, tag: string): ReleaseRecord {
    const release = repo.releases.find((candidate) => candidate.tag_name === tag && !candidate.draft);
    if (!release) throw notFound(docs.getReleaseByTag);
    return release;
  }

  /** Newest first; drafts only for a caller with push access, as on GitHub. */
  listReleases(repo: Repo, withDrafts: boolean): ReleaseRecord[] {
    return [...repo.releases].reverse().filter((release) => withDrafts || !release.draft);
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
