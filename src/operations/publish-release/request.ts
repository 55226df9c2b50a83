import { z } from 'zod';
import { gitRefName, multiLineText, singleLineText } from '../../common/text-fields.js';
import { flag, MAX_BODY_LENGTH, MAX_TITLE_LENGTH, requestSchema } from '../operation.js';
import { assetsSchema } from './assets.js';

export const publishReleaseRequestSchema = requestSchema('publish_release', {
  tag_name: gitRefName(),
  name: singleLineText(0, MAX_TITLE_LENGTH),
  body: multiLineText(0, MAX_BODY_LENGTH),
  target_commitish: gitRefName(),
  draft: flag(),
  prerelease: flag(),
  /**
   * The files the release ships, in order: each named by its sha256 in the artifact store. Absent
   * (not empty) on a release without assets, so its op_digest is what it was before assets existed.
   */
  assets: assetsSchema.optional(),
  /** GitHub's `make_latest`, sent when the release is published; absent = GitHub's default (`true`). */
  make_latest: z
    .enum(['true', 'false', 'legacy'], { error: 'must be "true", "false" or "legacy"' })
    .optional(),
});

export type PublishReleaseRequest = z.infer<typeof publishReleaseRequestSchema>;
