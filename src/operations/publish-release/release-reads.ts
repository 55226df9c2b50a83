import { z } from 'zod';
import type { GitHubCalls } from '../../github/calls.js';
import { splitRepository } from '../../github/plan.js';
import type { ReleaseAsset } from './asset-set.js';
import type { Asset } from './assets.js';
import { releaseSchema } from './github.js';
import type { PublishReleaseRequest } from './request.js';

export const withAssets = releaseSchema.extend({
  upload_url: z.string(),
  immutable: z.boolean().optional(),
  /** GitHub embeds the release's assets; only whether there are any is relied on (see asset-steps.ts). */
  assets: z.array(z.unknown()).optional(),
});
export type Release = z.infer<typeof withAssets>;

export const assetSchema = z.looseObject({
  id: z.number(),
  name: z.string(),
  size: z.number(),
  state: z.string(),
  digest: z.string().nullable().optional(),
});

/** A release request with assets. */
export type AssetRequest = PublishReleaseRequest & { assets: Asset[] };

const PAGE = 100;
/** Pages of a release's asset list: every authorized asset (`count`), and room for one more. */
export const assetPages = (count: number) => Math.ceil((count + 1) / PAGE);

/** The reads of a release and its assets that every step of a release with assets makes. */
export function releaseCalls(
  { call, find }: GitHubCalls,
  request: Pick<PublishReleaseRequest, 'repository' | 'tag_name'>,
) {
  const repo = splitRepository(request.repository);
  const assetPage = (releaseId: number, page: number) =>
    call(
      'GET /repos/{owner}/{repo}/releases/{release_id}/assets',
      { ...repo, release_id: releaseId, per_page: PAGE, page },
      assetSchema.array(),
    );
  /** A release's assets, oldest first, a page at a time. */
  async function* pages(releaseId: number): AsyncGenerator<ReleaseAsset[]> {
    for (let page = 1; ; page++) {
      const batch = await assetPage(releaseId, page);
      yield batch;
      if (batch.length < PAGE) return;
    }
  }
  return {
    get: (releaseId: number) =>
      call('GET /repos/{owner}/{repo}/releases/{release_id}', { ...repo, release_id: releaseId }, withAssets),
    /** The newest releases of the tag, drafts included: GitHub's by-tag lookup never returns a draft. */
    async ofTag(): Promise<Release[]> {
      const releases = await call(
        'GET /repos/{owner}/{repo}/releases',
        { ...repo, per_page: PAGE },
        withAssets.array(),
      );
      return releases.filter((release) => release.tag_name === request.tag_name);
    },
    async assets(releaseId: number): Promise<ReleaseAsset[]> {
      const all: ReleaseAsset[] = [];
      for await (const batch of pages(releaseId)) all.push(...batch);
      return all;
    },
    /**
     * The asset of that name if it is `index`-th in the list (oldest first, as an execution uploads
     * them): one page read, whatever the number of assets. Undefined says only "not there".
     */
    async assetAt(releaseId: number, index: number, name: string): Promise<ReleaseAsset | undefined> {
      const batch = await assetPage(releaseId, Math.floor(index / PAGE) + 1);
      return batch.find((asset) => asset.name === name);
    },
    /** The asset of that name, reading the list's pages only until it is found. */
    async asset(releaseId: number, name: string): Promise<ReleaseAsset | undefined> {
      for await (const batch of pages(releaseId)) {
        const found = batch.find((asset) => asset.name === name);
        if (found) return found;
      }
      return undefined;
    },
    /** On: GET answers 200; off: 404; unknown (an identity without administration read): undefined. */
    async immutableReleases(): Promise<boolean | undefined> {
      try {
        return (await find('GET /repos/{owner}/{repo}/immutable-releases', repo, z.unknown())) !== undefined;
      } catch (error) {
        if ((error as { status?: number }).status === 403) return undefined;
        throw error;
      }
    },
  };
}
