import type { ReleaseRecord } from '../records.js';
import type { Repo } from '../repo.js';
import { nodeId, refPath, SANDBOX_HTML_HOST, user } from './common.js';

export function release(api: string, repo: Repo, record: ReleaseRecord): Record<string, unknown> {
  const url = `${api}/repos/${repo.owner}/${repo.name}/releases/${record.id}`;
  const html = `${SANDBOX_HTML_HOST}/${repo.owner}/${repo.name}`;
  const archive = (format: string): string | null =>
    record.draft ? null : `${api}/repos/${repo.owner}/${repo.name}/${format}/${refPath(record.tag_name)}`;
  return {
    url,
    html_url: record.draft
      ? `${html}/releases/tag/untagged-${record.id}`
      : `${html}/releases/tag/${refPath(record.tag_name)}`,
    assets_url: `${url}/assets`,
    upload_url: `${SANDBOX_HTML_HOST}/uploads/repos/${repo.owner}/${repo.name}/releases/${record.id}/assets{?name,label}`,
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
    immutable: false,
    created_at: record.created_at,
    updated_at: record.created_at,
    published_at: record.published_at,
    author: user(api),
    assets: [],
  };
}
