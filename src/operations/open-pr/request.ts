import type { z } from 'zod';
import {
  gitRefName,
  isGitRefName,
  MAX_REF_LENGTH,
  multiLineText,
  OWNER_PATTERN,
  singleLineText,
} from '../../common/text-fields.js';
import { flag, MAX_BODY_LENGTH, MAX_TITLE_LENGTH, requestSchema } from '../operation.js';

/** `branch` or, for a pull request from a fork, `owner:branch`. */
function headRef() {
  return singleLineText(1, MAX_REF_LENGTH).refine(
    (value) => {
      const colon = value.indexOf(':');
      if (colon === -1) return isGitRefName(value);
      return OWNER_PATTERN.test(value.slice(0, colon)) && isGitRefName(value.slice(colon + 1));
    },
    { error: 'must be a git branch name, optionally prefixed by "owner:" for a fork' },
  );
}

export const openPrRequestSchema = requestSchema('open_pr', {
  head: headRef(),
  base: gitRefName(),
  title: singleLineText(1, MAX_TITLE_LENGTH),
  body: multiLineText(0, MAX_BODY_LENGTH),
  draft: flag(),
});

export type OpenPrRequest = z.infer<typeof openPrRequestSchema>;
