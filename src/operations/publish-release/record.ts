import { z } from 'zod';

/** What a release adds to its audit record's `github` object. */
export const publishReleaseRecordFields = {
  release_id: z.number().int().optional(),
  /** A release's assets as GitHub reported them when the executor read the release back. */
  assets: z
    .array(z.strictObject({ name: z.string(), size: z.number().int(), digest: z.string().nullable() }))
    .optional(),
  /** Whether GitHub reported the release immutable (a release with assets). */
  immutable: z.boolean().optional(),
};
