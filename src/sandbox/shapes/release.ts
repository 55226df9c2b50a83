import type { AssetRecord, ReleaseRecord } from '../records.js';
import type { Repo } from '../repo.js';
import { nodeId, refPath, SANDBOX_HTML_HOST, user } from './common.js';

/**
 * Where a release's assets download from without the API: on GitHub, github.com's
 * `/{owner}/{repo}/releases/download/{tag}/{name}` (`untagged-<id>` for a draft); the sandbox
 * serves the same path on its own origin, so tests can read back what was uploaded.
 */
const downloadBase = (api: string, repo: Repo, release: ReleaseRecord | undefined): string =>
  `${api}/${repo.owner}/${repo.name}/releases/download/${
    !release || release.draft ? `untagged-${release?.id ?? 0}` : refPath(release.tag_name)
  }`;

/** The `release-asset` shape. */
export function releaseAsset(api: string, repo: Repo, record: AssetRecord): Record<string, unknown> {
  const release = repo.releases.find((candidate) => candidate.id === record.release_id);
  return {
    url: `${api}/repos/${repo.owner}/${repo.name}/releases/assets/${record.id}`,
    browser_download_url: `${downloadBase(api, repo, release)}/${encodeURIComponent(record.name)}`,
    id: record.id,
    node_id: nodeId('ReleaseAsset', record.id),
    name: record.name,
    label: record.label,
    state: record.state,
    content_type: record.content_type,
    size: record.size,
    digest: record.digest,
    download_count: 0,
    created_at: record.created_at,
    updated_at: record.updated_at,
    uploader: user(api),
  };
}

export function release(api: string, repo: Repo, record: ReleaseRecord): Record<string, unknown> {
  const url = `${api}/repos/${repo.owner}/${repo.name}/releases/${record.id}`;
  const html = `${SANDBOX_HTML_HOST}/${repo.owner}/${repo.name}`;
  const archive = (format: string): string | null =>
    record.draft ? null : `${api}/repos/${repo.owner}/${repo.name}/${format}/${refPath(record.tag_name)}`;
  const assets = repo.assets.filter((asset) => asset.release_id === record.id);
  return {
    url,
    html_url: record.draft
      ? `${html}/releases/tag/untagged-${record.id}`
      : `${html}/releases/tag/${refPath(record.tag_name)}`,
    assets_url: `${url}/assets`,
    // The sandbox plays uploads.github.com on its own origin.
    upload_url: `${url}/assets{?name,label}`,
    tarball_url: archive('tarball'),
    zipball_url: archive('zipball'),
    id: record.id,
    node_id: nodeId('Release', record.id),
    tag_name: record.tag_name,
    target_commitish: record.target_commitish,
    name: record.name,
    body: record.body,
    draft: record.draft,
    prerelease: record.prerelease,
    immutable: record.immutable,
    created_at: record.created_at,
    updated_at: record.created_at,
    published_at: record.published_at,
    author: user(api),
    assets: assets.map((asset) => releaseAsset(api, repo, asset)),
  };
}
