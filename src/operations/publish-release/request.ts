import type { z } from 'zod';
import { gitRefName, multiLineText, singleLineText } from '../../common/text-fields.js';
import { flag, MAX_BODY_LENGTH, MAX_TITLE_LENGTH, requestSchema } from '../operation.js';

export const publishReleaseRequestSchema = requestSchema('publish_release', {
  tag_name: gitRefName(),
  name: singleLineText(0, MAX_TITLE_LENGTH),
  body: multiLineText(0, MAX_BODY_LENGTH),
  target_commitish: gitRefName(),
  draft: flag(),
  prerelease: flag(),
});

export type PublishReleaseRequest = z.infer<typeof publishReleaseRequestSchema>;
