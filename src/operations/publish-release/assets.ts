import { z } from 'zod';
import { singleLineText } from '../../common/text-fields.js';
import { requiredAs } from '../../common/zod-sentence.js';
import { GITHUB_ACTIVITY_TIMEOUT_MS } from '../../shared.js';

/** GitHub's limits: "each file must be under 2 GiB", "up to 1000 assets per release". */
export const MAX_ASSET_BYTES = 2 * 1024 ** 3 - 1;
export const MAX_ASSETS = 1000;

/**
 * The names GitHub keeps as they are (its docs: it "renames asset filenames that have special
 * characters, non-alphanumeric characters, and leading or trailing periods"): ASCII letters,
 * digits, `-`, `_` and single periods between them. Any other name would be renamed on upload, so
 * what shipped would not be what was signed; it is refused instead. docs/sandbox.md states the
 * sandbox's rename rule; test/operations/publish-release-assets.test.ts holds the two to each other.
 */
const KEPT_NAME = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export const assetNameRefusal = (name: string): string | undefined =>
  KEPT_NAME.test(name)
    ? undefined
    : `Asset name ${JSON.stringify(name)} would be renamed by GitHub: use only ASCII letters, digits, "-", "_" and single periods between them.`;

/** A MIME type as `artifact add` prints it: `type/subtype`, parameters allowed. */
const CONTENT_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+( *;[ -~]*)?$/;

export const assetSchema = z.strictObject({
  name: z
    .string({ error: requiredAs('a string') })
    .max(255, { error: 'must be at most 255 characters' })
    .superRefine((name, context) => {
      const refusal = assetNameRefusal(name);
      if (refusal) context.addIssue({ code: 'custom', message: refusal });
    }),
  size: z
    .number({ error: requiredAs('a whole number of bytes') })
    .int({ error: 'must be a whole number of bytes' })
    .min(0, { error: 'must not be negative' })
    .max(MAX_ASSET_BYTES, { error: 'must be under 2 GiB (GitHub refuses larger files)' }),
  sha256: z
    .string({ error: requiredAs('a string') })
    .regex(/^[0-9a-f]{64}$/, { error: 'must be 64 lower-case hex characters' }),
  content_type: z
    .string({ error: requiredAs('a string') })
    .max(255, { error: 'must be at most 255 characters' })
    .regex(CONTENT_TYPE, { error: 'must be a MIME type such as application/gzip' }),
  label: singleLineText(0, 255).optional(),
});

export type Asset = z.infer<typeof assetSchema>;

export const assetsSchema = z
  .array(assetSchema, { error: requiredAs('an array of assets') })
  .max(MAX_ASSETS, { error: `must list at most ${MAX_ASSETS} assets (GitHub's limit per release)` })
  .superRefine((assets, context) => {
    const seen = new Set<string>();
    for (const [index, { name }] of assets.entries()) {
      if (seen.has(name)) {
        context.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `Asset name ${JSON.stringify(name)} is listed twice: each asset needs its own name.`,
        });
      }
      seen.add(name);
    }
  });

/**
 * The slowest upload the executor waits for, in bytes per second: an upload step's start-to-close
 * timeout (and its budget lease) is the usual GitHub activity's plus its size at this rate.
 */
export const SLOWEST_UPLOAD_BYTES_PER_SECOND = 1024 * 1024;

export const uploadTimeoutMs = (asset: Pick<Asset, 'size'>): number =>
  GITHUB_ACTIVITY_TIMEOUT_MS + Math.ceil((asset.size / SLOWEST_UPLOAD_BYTES_PER_SECOND) * 1000);

/** `sha256:<hex>`, as GitHub reports an asset's digest. */
export const githubDigest = (asset: Pick<Asset, 'sha256'>): string => `sha256:${asset.sha256}`;

/** What `plan` and previews show: `app.tar.gz (1.2 MB, sha256:1f3a9c2d…)`. */
export const assetLine = (asset: Asset): string =>
  `${asset.name} (${asset.size} bytes, sha256:${asset.sha256.slice(0, 12)}…)`;
