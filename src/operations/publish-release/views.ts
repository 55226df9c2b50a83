import { z } from 'zod';
import { gitRefName, repositoryName } from '../../common/text-fields.js';
import { assetSchema, MAX_ASSETS } from './assets.js';
import { type PublishReleaseRequest, publishReleaseRequestSchema } from './request.js';

/**
 * An upload's view of a release with assets: its one asset, where it goes, and how many the release
 * has (the pages its asset list reads). Not the release's body nor the other assets, so a release's
 * writes together carry each asset about once.
 */
export const uploadViewSchema = z.strictObject({
  repository: repositoryName(),
  tag_name: gitRefName(),
  asset_count: z.number().int().min(1).max(MAX_ASSETS),
  /** Which asset, from 0: the upload is write `index + 1`. */
  index: z.number().int().min(0),
  asset: assetSchema,
});
export type UploadView = z.infer<typeof uploadViewSchema>;

/** A write's view of a release: the whole request (the draft, the publication, a release without assets), or an upload's. */
export const releaseViewSchema = z.union([publishReleaseRequestSchema, uploadViewSchema]);
export type ReleaseView = PublishReleaseRequest | UploadView;
