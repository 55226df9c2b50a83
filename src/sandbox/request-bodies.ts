import { z } from 'zod';

/**
 * The bodies and queries GitHub's endpoints accept, as the sandbox checks them. The routes
 * parse with these; the store takes what they parse to.
 */
export const createRefBody = z.object({ ref: z.string(), sha: z.string() });

export const createTagBody = z.object({
  tag: z.string(),
  message: z.string(),
  object: z.string(),
  type: z.enum(['commit', 'tree', 'blob']),
  tagger: z.object({ name: z.string(), email: z.string(), date: z.string().optional() }).optional(),
});
export type CreateTagInput = z.infer<typeof createTagBody>;

export const createReleaseBody = z.object({
  tag_name: z.string().min(1),
  target_commitish: z.string().min(1).optional(),
  name: z.string().optional(),
  body: z.string().optional(),
  draft: z.boolean().optional(),
  prerelease: z.boolean().optional(),
  /** GitHub's default is `true`: a published, non-prerelease release becomes the latest. */
  make_latest: z.enum(['true', 'false', 'legacy']).optional(),
});
export type CreateReleaseInput = z.infer<typeof createReleaseBody>;

/** PATCH /releases/{release_id}: every field optional; `draft: false` publishes. */
export const updateReleaseBody = createReleaseBody.partial();
export type UpdateReleaseInput = z.infer<typeof updateReleaseBody>;

export const updateAssetBody = z.object({ name: z.string().min(1).optional(), label: z.string().optional() });
export type UpdateAssetInput = z.infer<typeof updateAssetBody>;

export const updateRefBody = z.object({ sha: z.string(), force: z.boolean().optional() });

export const createPullBody = z.object({
  title: z.string().min(1),
  head: z.string().min(1),
  base: z.string().min(1),
  body: z.string().optional(),
  draft: z.boolean().optional(),
});
export type CreatePullInput = z.infer<typeof createPullBody>;

export const pullStateQuery = z.enum(['open', 'closed', 'all']);

export interface PullFilter {
  state: z.infer<typeof pullStateQuery>;
  head?: string | undefined;
  base?: string | undefined;
}

/** POST /app/installations/{installation_id}/access_tokens; GitHub takes at most 500 repositories. */
export const accessTokenBody = z.object({
  repositories: z.array(z.string().min(1)).max(500).optional(),
  repository_ids: z.array(z.number().int()).max(500).optional(),
  permissions: z.record(z.string(), z.enum(['read', 'write'])).optional(),
});
export type AccessTokenRequest = z.infer<typeof accessTokenBody>;
