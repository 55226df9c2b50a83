import { isoAt } from './clock.js';
import { docs, notFound, unprocessable, validationFailed } from './github-errors.js';
import type { ReleaseRecord } from './records.js';
import type { ReleaseAssets } from './release-assets.js';
import { commitOf, type Repo } from './repo.js';
import type { CreateReleaseInput, UpdateReleaseInput } from './request-bodies.js';

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
 * The releases of every repository, with GitHub's rules for tags, publishing, immutable releases
 * and the latest release. Every refusal is the GitHubError GitHub would answer with.
 */
export class Releases {
  private nextId = 1;

  /** `changed` stamps the repository, which moves its `Last-Modified`; a deleted release takes its assets along. */
  constructor(
    private readonly now: () => number,
    private readonly changed: (repo: Repo) => void,
    private readonly assets: ReleaseAssets,
  ) {}

  reset(): void {
    this.nextId = 1;
  }

  /** Like GitHub: a missing tag is created at target_commitish (default branch by default), except for drafts. */
  create(repo: Repo, input: CreateReleaseInput): ReleaseRecord {
    if (!input.draft) refusePublishedTag(repo, input.tag_name, undefined, docs.createRelease);
    refuseUsedTag(repo, input.tag_name, docs.createRelease);
    const target = input.target_commitish ?? repo.default_branch;
    const sha = this.releaseTarget(repo, input.tag_name, target, docs.createRelease);
    const now = isoAt(this.now());
    const release: ReleaseRecord = {
      id: this.nextId++,
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

  get(repo: Repo, id: number, withDrafts: boolean): ReleaseRecord {
    const release = repo.releases.find((candidate) => candidate.id === id);
    if (!release || (release.draft && !withDrafts)) throw notFound(docs.getRelease);
    return release;
  }

  /**
   * PATCH of a release. `draft: false` publishes: the tag is created at target_commitish if
   * missing, and with immutable releases on, the release becomes immutable. An immutable release
   * keeps its tag and stays published; its title, notes, prerelease flag and `make_latest` stay editable.
   */
  update(repo: Repo, id: number, input: UpdateReleaseInput): ReleaseRecord {
    const release = this.get(repo, id, true);
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
  async delete(repo: Repo, id: number): Promise<void> {
    const release = this.get(repo, id, true);
    repo.releases = repo.releases.filter((candidate) => candidate !== release);
    if (repo.latest_release_id === id) repo.latest_release_id = null;
    this.changed(repo);
    await this.assets.removeAll(repo, release);
  }

  /** GitHub's latest release: the one `make_latest` chose, else the newest published non-prerelease. */
  latest(repo: Repo): ReleaseRecord {
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
  setImmutable(repo: Repo, enabled: boolean): void {
    repo.immutable_releases = enabled;
    this.changed(repo);
  }

  /** Drafts have no tag yet, so GitHub does not find them by tag. */
  byTag(repo: Repo, tag: string): ReleaseRecord {
    const release = repo.releases.find((candidate) => candidate.tag_name === tag && !candidate.draft);
    if (!release) throw notFound(docs.getReleaseByTag);
    return release;
  }

  /** Newest first; drafts only for a caller with push access, as on GitHub. */
  list(repo: Repo, withDrafts: boolean): ReleaseRecord[] {
    return [...repo.releases].reverse().filter((release) => withDrafts || !release.draft);
  }
}
