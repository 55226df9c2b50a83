import type { z } from 'zod';
import { gitRefName, multiLineText, patternText } from '../../common/text-fields.js';
import { MAX_BODY_LENGTH, requestSchema } from '../operation.js';

export const tagRepoRequestSchema = requestSchema('tag_repo', {
  tag: gitRefName(),
  sha: patternText(/^[0-9a-f]{40}$/, 'a full commit SHA: 40 lowercase hexadecimal digits'),
  /** Present: an annotated tag with this message. Absent: a lightweight tag. */
  message: multiLineText(1, MAX_BODY_LENGTH).optional(),
});

export type TagRepoRequest = z.infer<typeof tagRepoRequestSchema>;
