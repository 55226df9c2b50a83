import { z } from 'zod';
import { faultSchema } from './config.js';

/**
 * The sandbox's own records of what exists. GitHub's response shapes are rendered from these
 * (shapes/); the admin API returns them as they are, so tests assert on plain facts.
 */
export const refRecordSchema = z.object({
  sha: z.string(),
  /** `tag` when the ref points at an annotated tag object, else `commit`. */
  type: z.enum(['commit', 'tag']),
});
export type RefRecord = z.infer<typeof refRecordSchema>;
/** A ref's full name (`refs/heads/main`) with what it points at. */
export interface NamedRef {
  ref: string;
  record: RefRecord;
}

export const tagObjectRecordSchema = z.object({
  sha: z.string(),
  tag: z.string(),
  message: z.string(),
  object: z.object({ sha: z.string(), type: z.string() }),
  tagger: z.object({ name: z.string(), email: z.string(), date: z.string() }),
});
export type TagObjectRecord = z.infer<typeof tagObjectRecordSchema>;

export const releaseRecordSchema = z.object({
  id: z.number(),
  tag_name: z.string(),
  target_commitish: z.string(),
  name: z.string().nullable(),
  body: z.string().nullable(),
  draft: z.boolean(),
  prerelease: z.boolean(),
  created_at: z.string(),
  published_at: z.string().nullable(),
  /** Set when it was published while the repository had immutable releases on; never cleared. */
  immutable: z.boolean(),
  /** `make_latest` as last asked for: `legacy` picks by creation date among published releases. */
  make_latest: z.enum(['true', 'false', 'legacy']),
});
export type ReleaseRecord = z.infer<typeof releaseRecordSchema>;

/**
 * A release asset. `starter` is what an upload that failed upstream leaves behind: GitHub's docs
 * ("This may leave an empty asset with a state of `starter`"); it has no bytes and no digest.
 */
export const assetRecordSchema = z.object({
  id: z.number(),
  release_id: z.number(),
  name: z.string(),
  label: z.string().nullable(),
  content_type: z.string(),
  size: z.number(),
  /** `sha256:<hex>` of the bytes received, computed while they streamed in; null for a starter. */
  digest: z.string().nullable(),
  state: z.enum(['uploaded', 'starter']),
  created_at: z.string(),
  updated_at: z.string(),
});
export type AssetRecord = z.infer<typeof assetRecordSchema>;

export const pullRecordSchema = z.object({
  id: z.number(),
  number: z.number(),
  title: z.string(),
  body: z.string().nullable(),
  head: z.object({ ref: z.string(), sha: z.string() }),
  base: z.object({ ref: z.string(), sha: z.string() }),
  state: z.enum(['open', 'closed']),
  draft: z.boolean(),
  created_at: z.string(),
});
export type PullRecord = z.infer<typeof pullRecordSchema>;

export const repoStateSchema = z.object({
  id: z.number(),
  owner: z.string(),
  name: z.string(),
  default_branch: z.string(),
  created_at: z.string(),
  /** Full ref name (`refs/heads/main`, `refs/tags/v1`) to what it points at. */
  refs: z.record(z.string(), refRecordSchema),
  tags: z.array(tagObjectRecordSchema),
  releases: z.array(releaseRecordSchema),
  /** Every release's assets, oldest first; drills count duplicates here. */
  assets: z.array(assetRecordSchema),
  pulls: z.array(pullRecordSchema),
  /** The repository setting `PUT /repos/{owner}/{repo}/immutable-releases` turns on. */
  immutable_releases: z.boolean(),
  /** Tag names an immutable release was published under: used up for good, even after deletion. */
  immutable_tags: z.array(z.string()),
  /** The release `make_latest` last made the latest; null: GitHub's legacy rule (newest published). */
  latest_release_id: z.number().nullable(),
});
export type RepoState = z.infer<typeof repoStateSchema>;

export const sandboxStateSchema = z.object({ repos: z.array(repoStateSchema) });
export type SandboxState = z.infer<typeof sandboxStateSchema>;

export const requestLogEntrySchema = z.object({
  method: z.string(),
  path: z.string(),
  /** GitHub's route template (`POST /repos/{owner}/{repo}/releases`), null when no route matched. */
  route: z.string().nullable(),
  /** The status sent, or for a dropped response the one that would have been sent. */
  status: z.number(),
  /**
   * The configured id of the personal token used, or for an App `app-<id>` (its JWT) and
   * `installation-<id>-token-<n>` (its n-th token); never the token itself. Null when unauthenticated.
   */
  tokenId: z.string().nullable(),
  /** Whose budget the request counted against: `token:<id>`, `installation:<id>` or `app:<id>`. */
  identity: z.string().nullable(),
  /** Sandbox-clock epoch milliseconds when the request arrived. */
  at: z.number(),
  contentCreating: z.boolean(),
  /** True when the request changed the sandbox's state. */
  applied: z.boolean(),
  /** True when a drop-after-apply fault destroyed the connection instead of answering. */
  dropped: z.boolean(),
  /** The kind of fault that hit this request, if any. */
  fault: faultSchema.shape.kind.nullable(),
});
export type RequestLogEntry = z.infer<typeof requestLogEntrySchema>;

/** One identity's rate-limit windows, as the admin usage lists them. */
export const identityUsageSchema = z.object({
  /** `token:<id>`, `installation:<id>` or `app:<id>`. */
  identity: z.string(),
  limit: z.number(),
  remaining: z.number(),
  /** Epoch seconds when the primary window resets. */
  reset: z.number(),
  used: z.number(),
  inFlight: z.number(),
  contentCreatedLastMinute: z.number(),
  contentCreatedLastHour: z.number(),
  pointsLastMinute: z.number(),
});
export type IdentityUsageReport = z.infer<typeof identityUsageSchema>;
