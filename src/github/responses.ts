import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';

/**
 * The fields of GitHub's git responses we rely on, parsed at the boundary; the rest passes through.
 * Each operation kind parses its own objects' responses (src/operations).
 */
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

export function responseSha256(data: unknown): string {
  return createHash('sha256')
    .update(canonicalize(data) ?? '')
    .digest('hex');
}
