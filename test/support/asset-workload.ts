import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { openArtifactStore } from '../../src/artifacts/index.js';
import type { Asset } from '../../src/operations/publish-release/assets.js';
import { publishRelease } from '../../src/operations/publish-release/index.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import type { SandboxState } from '../../src/sandbox/index.js';
import { BENCH_REPO } from './workload.js';

const CHUNK = 1024 ** 2;

/** `bytes` random bytes, a MiB at a time: every asset is new content, nothing compresses or dedupes. */
function* randomChunks(bytes: number) {
  for (let left = bytes; left > 0; left -= CHUNK) yield randomBytes(Math.min(CHUNK, left));
}

/** Stores `count` random files of `bytes` each in the local artifact store at `dir`; returns their assets. */
export async function storeRandomAssets(dir: string, count: number, bytes: number, prefix: string) {
  const store = await openArtifactStore({ kind: 'local', dir });
  const assets: Asset[] = [];
  for (let i = 0; i < count; i++) {
    const { sha256, size } = await store.put(Readable.from(randomChunks(bytes)));
    assets.push({ name: `${prefix}-${i}.bin`, size, sha256, content_type: 'application/octet-stream' });
  }
  return assets;
}

/** A published release of the bench repository shipping `assets`. */
export const assetReleaseRequest = (runId: string, tag: string, assets: Asset[]): OperationRequest => ({
  operation_kind: publishRelease.kind,
  run_id: runId,
  repository: `${BENCH_REPO.owner}/${BENCH_REPO.name}`,
  tag_name: tag,
  name: `Release ${tag}`,
  body: `Ships ${assets.length} assets.`,
  target_commitish: 'main',
  draft: false,
  prerelease: false,
  assets,
});

export interface AssetVerdict {
  releases: number;
  published: number;
  /** Assets of one release sharing a name (GitHub refuses that; a second copy would be a bug). */
  duplicateAssets: number;
  /** Releases with more than one record under their tag. */
  duplicateReleases: number;
  /** Published releases whose assets are not exactly the authorized ones, all uploaded with their digest. */
  publishedWithMissingOrWrongAsset: number;
  /** Published assets whose downloaded bytes do not hash to the authorized sha256. */
  downloadsNotMatching: number;
  downloadedBytes: number;
}

async function sha256Of(response: Response): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/**
 * What shipped, checked against what was authorized, from the sandbox's admin state (assets with
 * their state and digest) and by downloading every published asset and hashing its bytes.
 */
export async function judgeAssetReleases(
  state: SandboxState,
  requests: readonly OperationRequest[],
  sandbox: { url: string; token: string },
): Promise<AssetVerdict> {
  const repo = state.repos.find((r) => r.owner === BENCH_REPO.owner && r.name === BENCH_REPO.name);
  const verdict: AssetVerdict = {
    releases: requests.length,
    published: 0,
    duplicateAssets: 0,
    duplicateReleases: 0,
    publishedWithMissingOrWrongAsset: 0,
    downloadsNotMatching: 0,
    downloadedBytes: 0,
  };
  for (const request of requests) {
    if (request.operation_kind !== publishRelease.kind) continue;
    const releases = repo?.releases.filter((release) => release.tag_name === request.tag_name) ?? [];
    if (releases.length > 1) verdict.duplicateReleases += 1;
    for (const release of releases) {
      const assets = repo?.assets.filter((asset) => asset.release_id === release.id) ?? [];
      verdict.duplicateAssets += assets.length - new Set(assets.map((asset) => asset.name)).size;
      if (release.draft) continue;
      verdict.published += 1;
      const wanted = request.assets ?? [];
      const exact =
        assets.length === wanted.length &&
        wanted.every((want) =>
          assets.some(
            (a) => a.name === want.name && a.state === 'uploaded' && a.digest === `sha256:${want.sha256}`,
          ),
        );
      if (!exact) verdict.publishedWithMissingOrWrongAsset += 1;
      for (const want of wanted) {
        const url = `${sandbox.url}/${BENCH_REPO.owner}/${BENCH_REPO.name}/releases/download/${request.tag_name}/${want.name}`;
        const response = await fetch(url, { headers: { authorization: `token ${sandbox.token}` } });
        const got = response.ok ? await sha256Of(response) : { sha256: '', bytes: 0 };
        verdict.downloadedBytes += got.bytes;
        if (got.sha256 !== want.sha256) verdict.downloadsNotMatching += 1;
      }
    }
  }
  return verdict;
}
