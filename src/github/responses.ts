import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';

/** The fields of GitHub's responses we rely on, parsed at the boundary; the rest passes through. */
export const releaseSchema = z.looseObject({
  id: z.number(),
  html_url: z.string(),
  tag_name: z.string(),
  name: z.string().nullable(),
  body: z.string().nullable().optional(),
  target_commitish: z.string(),
  draft: z.boolean(),
  prerelease: z.boolean(),
});

export const refSchema = z.looseObject({
  ref: z.string(),
  url: z.string(),
  object: z.looseObject({ sha: z.string(), type: z.string() }),
});

export const tagObjectSchema = z.looseObject({
  sha: z.string(),
  url: z.string(),
  message: z.string(),
  object: z.looseObject({ sha: z.string() }),
});

/** GET /repos/{owner}/{repo}/commits/{ref}: the commit a branch, tag or SHA names. */
export const commitSchema = z.looseObject({ sha: z.string() });

export const pullSchema = z.looseObject({
  number: z.number(),
  html_url: z.string(),
  title: z.string(),
  body: z.string().nullable(),
  draft: z.boolean().optional(),
  head: z.looseObject({ ref: z.string(), label: z.string() }),
  base: z.looseObject({ ref: z.string() }),
});

export function responseSha256(data: unknown): string {
  return createHash('sha256')
    .update(canonicalize(data) ?? '')
    .digest('hex');
}
