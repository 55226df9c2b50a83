import { z } from 'zod';
import { firstIssueSentence, requiredAs } from '../common/zod-sentence.js';
import {
  gitRefName,
  identifier,
  isGitRefName,
  MAX_REF_LENGTH,
  multiLineText,
  OWNER_PATTERN,
  patternText,
  repositoryName,
  singleLineText,
} from './text-fields.js';

export const operationKinds = ['publish_release', 'tag_repo', 'open_pr'] as const;

/** Titles and release names: GitHub shows them on one line. */
export const MAX_TITLE_LENGTH = 256;
/**
 * Bodies and tag messages. GitHub accepts 65536 characters in a pull request body and
 * 125000 in a release body; one limit for both keeps the contract simple and fits either.
 */
export const MAX_BODY_LENGTH = 65536;

const flag = () => z.boolean({ error: requiredAs('true or false') });

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

const common = { run_id: identifier(), repository: repositoryName() };

export const publishReleaseRequestSchema = z.strictObject({
  operation_kind: z.literal('publish_release'),
  ...common,
  tag_name: gitRefName(),
  name: singleLineText(0, MAX_TITLE_LENGTH),
  body: multiLineText(0, MAX_BODY_LENGTH),
  target_commitish: gitRefName(),
  draft: flag(),
  prerelease: flag(),
});

export const tagRepoRequestSchema = z.strictObject({
  operation_kind: z.literal('tag_repo'),
  ...common,
  tag: gitRefName(),
  sha: patternText(/^[0-9a-f]{40}$/, 'a full commit SHA: 40 lowercase hexadecimal digits'),
  /** Present: an annotated tag with this message. Absent: a lightweight tag. */
  message: multiLineText(1, MAX_BODY_LENGTH).optional(),
});

export const openPrRequestSchema = z.strictObject({
  operation_kind: z.literal('open_pr'),
  ...common,
  head: headRef(),
  base: gitRefName(),
  title: singleLineText(1, MAX_TITLE_LENGTH),
  body: multiLineText(0, MAX_BODY_LENGTH),
  draft: flag(),
});

export const operationRequestSchema = z.discriminatedUnion(
  'operation_kind',
  [publishReleaseRequestSchema, tagRepoRequestSchema, openPrRequestSchema],
  {
    // zod types this issue as a union error, but a non-object input arrives here too.
    error: (issue) =>
      typeof issue.input === 'object' && issue.input !== null && !Array.isArray(issue.input)
        ? `must be one of ${operationKinds.join(', ')}`
        : 'must be a JSON object',
  },
);

export type OperationRequest = z.infer<typeof operationRequestSchema>;
export type PublishReleaseRequest = z.infer<typeof publishReleaseRequestSchema>;
export type TagRepoRequest = z.infer<typeof tagRepoRequestSchema>;
export type OpenPrRequest = z.infer<typeof openPrRequestSchema>;

export type ParsedOperationRequest = { ok: true; request: OperationRequest } | { ok: false; message: string };

/** Parses an untrusted operation request; on failure the message names the field to fix. */
export function parseOperationRequest(input: unknown): ParsedOperationRequest {
  const result = operationRequestSchema.safeParse(input);
  if (result.success) return { ok: true, request: result.data };
  return { ok: false, message: firstIssueSentence(result.error, 'operation request') };
}
