import { createHash } from 'node:crypto';
import { z } from 'zod';
import { gitRefName, repositoryName } from '../../common/text-fields.js';
import { assetSchema, MAX_ASSETS } from './assets.js';
import type { AssetRequest } from './release-reads.js';
import { type PublishReleaseRequest, publishReleaseRequestSchema } from './request.js';

const sha256Hex = () => z.string().regex(/^[0-9a-f]{64}$/);

/**
 * An upload's view of a release with assets: its one asset, where it goes, and how many the release
 * has (the pages its asset list reads). Not the release's body nor the other assets, so a release's
 * writes together carry each asset about once. `next` chains it to the authorized request (linkOf).
 */
export const uploadViewSchema = z.strictObject({
  repository: repositoryName(),
  tag_name: gitRefName(),
  asset_count: z.number().int().min(1).max(MAX_ASSETS),
  /** Which asset, from 0: the upload is write `index + 1`. */
  index: z.number().int().min(0),
  asset: assetSchema,
  /** The next upload's link, or LAST_LINK after the last asset. */
  next: sha256Hex(),
});
export type UploadView = z.infer<typeof uploadViewSchema>;

/** A write's view of a release: the whole request (the draft, the publication, a release without assets), or an upload's. */
export const releaseViewSchema = z.union([publishReleaseRequestSchema, uploadViewSchema]);
export type ReleaseView = PublishReleaseRequest | UploadView;

/**
 * How an upload's view is bound to what was authorized, with one hash a view and one in the carry
 * (so the history stays linear): a hash chain over the upload views, built from the last. An
 * upload's link is the sha256 of every field of its view, `next` (the following upload's link)
 * included. The draft (write 0), whose whole request is checked against the op_digest, answers the
 * first upload's link in its carry; each upload runs only when its view hashes to the link it was
 * handed, and hands on its `next`; the publication runs only when the carry reached LAST_LINK.
 * So each upload's repository, tag, asset, index and asset count are the authorized request's, in
 * order: a view of another asset, position, repository or release cannot hash to the link.
 */
export const LAST_LINK = '0'.repeat(64);

export const linkOf = (view: UploadView): string => {
  const { asset } = view;
  const fields = [view.repository, view.tag_name, view.asset_count, view.index, view.next];
  const assetFields = [asset.name, asset.size, asset.sha256, asset.content_type, asset.label ?? null];
  return createHash('sha256')
    .update(JSON.stringify([...fields, ...assetFields]))
    .digest('hex');
};

/** Each asset's upload view, chained (see linkOf): built from the last, so each names its successor's link. */
export function uploadViews(request: AssetRequest): UploadView[] {
  const views = new Array<UploadView>(request.assets.length);
  let next = LAST_LINK;
  for (let index = request.assets.length - 1; index >= 0; index--) {
    const view: UploadView = {
      repository: request.repository,
      tag_name: request.tag_name,
      asset_count: request.assets.length,
      index,
      asset: request.assets[index] as AssetRequest['assets'][number],
      next,
    };
    views[index] = view;
    next = linkOf(view);
  }
  return views;
}
