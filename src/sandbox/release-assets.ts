import type { Readable } from 'node:stream';
import { normalizedAssetName } from './asset-names.js';
import { Blobs } from './blobs.js';
import { isoAt } from './clock.js';
import { badGateway } from './faults.js';
import { docs, GitHubError, notFound, unprocessable, validationFailed } from './github-errors.js';
import type { AssetRecord, ReleaseRecord } from './records.js';
import type { Repo } from './repo.js';
import type { UpdateAssetInput } from './request-bodies.js';

/** GitHub: "Each file included in a release must be under 2 GiB." */
export const MAX_ASSET_BYTES = 2 * 1024 ** 3;
/** GitHub: a release has at most 1000 assets. */
export const MAX_ASSETS_PER_RELEASE = 1000;

/** GitHub's message for any asset change on an immutable release (recorded for uploads). */
export const IMMUTABLE_ASSETS = 'Cannot upload assets to an immutable release.';

/** An upload as the route reads it from the query and the headers. */
export interface UploadRequest {
  name: string | null;
  label: string | null;
  contentType: string;
  /** The Content-Length header; null when absent. */
  length: number | null;
  bytes: Readable;
  /** An `upstream-failure` fault: the bytes are taken in, then the upload ends in a 502. */
  upstreamFailure: boolean;
}

const assetIssue = (code: string, extra: { field?: string; message?: string } = {}) => ({
  resource: 'ReleaseAsset',
  code,
  ...extra,
});

/**
 * Release assets: their records live in each repository's `assets`, their bytes in `Blobs`.
 * Every refusal is the GitHubError GitHub answers with.
 */
export class ReleaseAssets {
  private nextId = 1;
  private readonly blobs = new Blobs();

  constructor(private readonly now: () => number) {}

  reset(): void {
    this.nextId = 1;
    this.blobs.clear();
  }

  dispose(): void {
    this.blobs.dispose();
  }

  /** Oldest first, as GitHub lists them. */
  list(repo: Repo, release: ReleaseRecord): AssetRecord[] {
    return repo.assets.filter((asset) => asset.release_id === release.id);
  }

  get(repo: Repo, id: number, documentationUrl: string = docs.getAsset): AssetRecord {
    const asset = repo.assets.find((candidate) => candidate.id === id);
    if (!asset) throw notFound(documentationUrl);
    return asset;
  }

  bytes(asset: AssetRecord): Readable {
    return this.blobs.open(asset.id);
  }

  /**
   * POST to `upload_url`. Everything GitHub can refuse up front is refused before a byte is read;
   * then the asset exists as a `starter` while its bytes stream to disk (so a second upload of the
   * name is `already_exists`), and becomes `uploaded` with its size and digest when they are all in.
   * An upload that fails midway (the client goes away, or an `upstream-failure` fault) leaves the starter.
   */
  async upload(repo: Repo, release: ReleaseRecord, upload: UploadRequest): Promise<AssetRecord> {
    if (release.immutable) throw unprocessable(IMMUTABLE_ASSETS, docs.uploadAsset);
    if (!upload.name)
      throw validationFailed(docs.uploadAsset, assetIssue('missing_field', { field: 'name' }));
    if (upload.length === null) throw new GitHubError(411, 'Length Required', docs.uploadAsset);
    if (upload.length >= MAX_ASSET_BYTES) {
      const message = `size must be less than ${MAX_ASSET_BYTES} bytes (2 GiB)`;
      throw validationFailed(docs.uploadAsset, assetIssue('custom', { field: 'size', message }));
    }
    const name = normalizedAssetName(upload.name);
    this.refuseTaken(repo, release, name, docs.uploadAsset);
    if (this.list(repo, release).length >= MAX_ASSETS_PER_RELEASE) {
      const message = `a release can have at most ${MAX_ASSETS_PER_RELEASE} assets`;
      throw validationFailed(docs.uploadAsset, assetIssue('custom', { message }));
    }
    const now = isoAt(this.now());
    const asset: AssetRecord = {
      id: this.nextId++,
      release_id: release.id,
      name,
      label: upload.label,
      content_type: upload.contentType,
      size: 0,
      digest: null,
      state: 'starter',
      created_at: now,
      updated_at: now,
    };
    repo.assets.push(asset);
    repo.changedAt = this.now();
    const received = await this.blobs.receive(asset.id, upload.bytes).catch(() => {
      // The client went away midway: the starter stays, as on GitHub; nobody reads this answer.
      throw new GitHubError(400, 'The upload ended before its Content-Length', docs.uploadAsset);
    });
    if (upload.upstreamFailure) {
      await this.blobs.remove(asset.id);
      throw badGateway();
    }
    Object.assign(asset, { ...received, state: 'uploaded', updated_at: isoAt(this.now()) });
    return asset;
  }

  /** PATCH: a new name (normalized, and free on the release) or label. */
  update(repo: Repo, id: number, input: UpdateAssetInput, release: ReleaseRecord | undefined): AssetRecord {
    const asset = this.get(repo, id, docs.updateAsset);
    if (release?.immutable) throw unprocessable(IMMUTABLE_ASSETS, docs.updateAsset);
    const name = input.name === undefined ? asset.name : normalizedAssetName(input.name);
    if (name !== asset.name && release) this.refuseTaken(repo, release, name, docs.updateAsset);
    Object.assign(asset, { name, label: input.label ?? asset.label, updated_at: isoAt(this.now()) });
    repo.changedAt = this.now();
    return asset;
  }

  async remove(repo: Repo, id: number, release: ReleaseRecord | undefined): Promise<void> {
    const asset = this.get(repo, id, docs.deleteAsset);
    if (release?.immutable) throw unprocessable(IMMUTABLE_ASSETS, docs.deleteAsset);
    repo.assets = repo.assets.filter((candidate) => candidate !== asset);
    repo.changedAt = this.now();
    await this.blobs.remove(asset.id);
  }

  /** A deleted release takes its assets with it. */
  async removeAll(repo: Repo, release: ReleaseRecord): Promise<void> {
    const gone = this.list(repo, release);
    repo.assets = repo.assets.filter((asset) => !gone.includes(asset));
    await Promise.all(gone.map((asset) => this.blobs.remove(asset.id)));
  }

  /** The 422 of the release-assets-conflict recording. */
  private refuseTaken(repo: Repo, release: ReleaseRecord, name: string, documentationUrl: string): void {
    if (this.list(repo, release).some((asset) => asset.name === name)) {
      throw validationFailed(documentationUrl, assetIssue('already_exists', { field: 'name' }));
    }
  }
}
