import { createPublicKey } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { readTextFile } from '../common/files.js';
import { firstIssue } from '../common/zod-sentence.js';

const sha = z.string().regex(/^[0-9a-f]{40}$/, 'must be a 40-character lowercase hex commit SHA');
const positiveOrOff = z.number().int().positive().nullable();

/** Rate limits; `null` turns one off. Defaults are GitHub's documented numbers. */
export const limitsSchema = z.strictObject({
  /** Primary limit: requests per token per hour (the window resets at x-ratelimit-reset). */
  primaryPerHour: positiveOrOff.default(5000),
  /** Secondary limit: content-creating requests (POST/PATCH/PUT/DELETE) per token per minute. */
  secondaryPerMinute: positiveOrOff.default(80),
  /** Secondary limit: content-creating requests per token per hour. */
  secondaryPerHour: positiveOrOff.default(500),
  /** Secondary limit: requests of one token in flight at once. */
  maxConcurrency: positiveOrOff.default(100),
  /**
   * Secondary limit: points per identity per minute; a read costs 1, a content-creating request 5.
   * Absent means GitHub's 900 (optional so that limits written before it keep their meaning).
   */
  pointsPerMinute: positiveOrOff.optional(),
  /** GitHub answers a rate-limited request with 403 or 429; clients must handle both. */
  status: z.union([z.literal(403), z.literal(429)]).default(403),
});
export type Limits = z.infer<typeof limitsSchema>;
export const GITHUB_POINTS_PER_MINUTE = 900;
export const limitsPatchSchema = limitsSchema.partial();

export const faultSchema = z.strictObject({
  /** `METHOD /template` as in GitHub's docs, e.g. `POST /repos/{owner}/{repo}/releases`; absent = any route. */
  route: z
    .string()
    .regex(/^[A-Z]+ \/\S*$/, 'must look like "POST /repos/{owner}/{repo}/releases"')
    .optional(),
  /**
   * `upstream-failure`: the request is taken in (an upload's bytes are read), then answered 502 as
   * GitHub does when its upstream fails; an upload leaves a `starter` asset, anything else is applied.
   */
  kind: z.enum(['drop-after-apply', 'status', 'latency', 'upstream-failure']),
  /** For kind `status`. */
  status: z.union([z.literal(500), z.literal(502), z.literal(503)]).default(502),
  /** For kind `latency`: real (wall-clock) milliseconds added before the request is handled. */
  latencyMs: z.number().int().nonnegative().default(0),
  /** How many matching requests the fault hits before it is spent. */
  times: z.number().int().positive().default(1),
  /** How many matching requests pass untouched before the fault starts to hit. */
  afterRequests: z.number().int().nonnegative().default(0),
});
export type Fault = z.input<typeof faultSchema>;
export type ParsedFault = z.infer<typeof faultSchema>;

/** The merge settings of `full-repository`, with the values a new repository gets on GitHub. */
export const mergeSettingsSchema = z.strictObject({
  allow_merge_commit: z.boolean().default(true),
  allow_squash_merge: z.boolean().default(true),
  allow_rebase_merge: z.boolean().default(true),
  allow_auto_merge: z.boolean().default(false),
  allow_update_branch: z.boolean().default(false),
  delete_branch_on_merge: z.boolean().default(false),
  use_squash_pr_title_as_default: z.boolean().default(false),
  squash_merge_commit_title: z.enum(['PR_TITLE', 'COMMIT_OR_PR_TITLE']).default('COMMIT_OR_PR_TITLE'),
  squash_merge_commit_message: z.enum(['PR_BODY', 'COMMIT_MESSAGES', 'BLANK']).default('COMMIT_MESSAGES'),
  merge_commit_title: z.enum(['PR_TITLE', 'MERGE_MESSAGE']).default('MERGE_MESSAGE'),
  merge_commit_message: z.enum(['PR_BODY', 'PR_TITLE', 'BLANK']).default('PR_TITLE'),
});
export type MergeSettings = z.infer<typeof mergeSettingsSchema>;

export const repoConfigSchema = z.strictObject({
  owner: z.string().min(1),
  name: z.string().min(1),
  default_branch: z.string().min(1),
  branches: z.record(z.string().min(1), sha),
  settings: mergeSettingsSchema.default(mergeSettingsSchema.parse({})),
});
export type RepoConfig = z.infer<typeof repoConfigSchema>;

/** An account that owns repositories. Installation rate limits scale with an organization's members. */
export const ownerConfigSchema = z.strictObject({
  type: z.enum(['Organization', 'User']).default('Organization'),
  /** Members of the organization (1 for a user). */
  members: z.number().int().positive().default(1),
  /** An organization on GitHub Enterprise Cloud: its installations get 15,000 requests an hour. */
  enterpriseCloud: z.boolean().default(false),
});
export type OwnerConfig = z.infer<typeof ownerConfigSchema>;

/** Permission names as GitHub's `app-permissions` spells them, e.g. contents, pull_requests, metadata. */
const permissionsSchema = z.record(z.string().regex(/^[a-z_]+$/), z.enum(['read', 'write']));
export type Permissions = z.infer<typeof permissionsSchema>;

export const installationConfigSchema = z.strictObject({
  id: z.number().int().positive(),
  /** The owner (user or organization) the App is installed on. */
  account: z.string().min(1),
  /** `all` of the account's repositories, or the names of the selected ones. */
  repositories: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).default('all'),
  /** What the owner granted; GitHub always adds `metadata: read`. */
  permissions: permissionsSchema.default({ contents: 'write', pull_requests: 'write' }),
});
export type InstallationConfig = z.infer<typeof installationConfigSchema>;

/** RS256 verification key of an App's JWTs; a private key PEM works too (its public half is used). */
const publicKeyPem = z.string().refine((pem) => {
  try {
    return createPublicKey(pem).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}, 'must be an RSA key in PEM form (the App private key, or its public key from `openssl rsa -pubout`)');

export const appConfigSchema = z.strictObject({
  /** The App id, the `iss` of its JWTs. */
  id: z.number().int().positive(),
  slug: z
    .string()
    .regex(/^[a-z0-9-]+$/, 'must be lowercase letters, digits and dashes')
    .optional(),
  publicKey: publicKeyPem,
  installations: z.array(installationConfigSchema).default([]),
});
export type AppConfig = z.infer<typeof appConfigSchema>;

export const sandboxConfigSchema = z
  .strictObject({
    tokens: z
      .array(
        z.strictObject({
          id: z.string().min(1),
          token: z.string().min(1),
          /** Its user administers every repository: `permissions.admin`, and a `temp_clone_token`. */
          repoAdmin: z.boolean().optional(),
        }),
      )
      .min(1, 'at least one token is required'),
    repos: z.array(repoConfigSchema).min(1, 'at least one repository is required'),
    /** Owners not listed are organizations with one member. */
    owners: z.record(z.string().min(1), ownerConfigSchema).default({}),
    apps: z.array(appConfigSchema).default([]),
    limits: limitsSchema.default(limitsSchema.parse({})),
    faults: z.array(faultSchema).default([]),
    /** The sandbox clock runs this many times faster than wall time. */
    timeCompression: z.number().positive().default(1),
  })
  .superRefine((config, ctx) => {
    for (const repo of config.repos) {
      if (!(repo.default_branch in repo.branches)) {
        ctx.addIssue({
          code: 'custom',
          path: ['repos', `${repo.owner}/${repo.name}`, 'default_branch'],
          message: `default branch "${repo.default_branch}" must be one of its branches`,
        });
      }
    }
    const installationIds = config.apps.flatMap((app) => app.installations.map(({ id }) => id));
    const duplicate = installationIds.find((id, index) => installationIds.indexOf(id) !== index);
    if (duplicate !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['apps'], message: `installation id ${duplicate} is used twice` });
    }
  });
export type SandboxConfig = z.infer<typeof sandboxConfigSchema>;

/** The default sandbox's first repository and its main commit: what demos and tests act on. */
export const DEFAULT_REPOSITORY = 'omega/marketops';
export const DEFAULT_MAIN_SHA = '1f3a9c2e5b7d4a6c8e0f1a2b3c4d5e6f7a8b9c0d';

export const defaultSandboxConfig: SandboxConfig = sandboxConfigSchema.parse({
  tokens: [{ id: 'sandbox', token: 'sandbox-token' }],
  repos: [
    {
      owner: 'omega',
      name: 'marketops',
      default_branch: 'main',
      branches: {
        main: DEFAULT_MAIN_SHA,
        'feature/launch-notes': '2e4b6d8f0a1c3e5a7c9e1b3d5f7a9c1e3b5d7f9a',
      },
    },
    {
      owner: 'omega',
      name: 'website',
      default_branch: 'main',
      branches: {
        main: '3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c',
        'content/spring-campaign': '4b6d8f0a2c4e6a8c0e2b4d6f8a0c2e4b6d8f0a2c',
      },
    },
  ],
});

/** Parses an already-read config object; the error names the first field to fix. */
export function parseSandboxConfig(raw: unknown, source: string): SandboxConfig {
  const result = sandboxConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const { field, message } = firstIssue(result.error);
  throw new Error(
    `Sandbox config ${source} is invalid at ${field ?? 'the file'}: ${message}; fix that field.`,
  );
}

/** Loads a YAML or JSON sandbox config (JSON is YAML); without a path, the built-in default. */
export async function loadSandboxConfig(path?: string): Promise<SandboxConfig> {
  if (path === undefined) return defaultSandboxConfig;
  const text = await readTextFile(path, 'the sandbox config');
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch {
    throw new Error(`Sandbox config ${path} is neither valid YAML nor JSON; fix its syntax.`);
  }
  return parseSandboxConfig(raw, path);
}
