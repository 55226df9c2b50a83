import { resolve } from 'node:path';
import { z } from 'zod';
import { parseStoreLocation } from '../common/store-location.js';

/**
 * Where artifact bytes are kept (MARKETOPS_ARTIFACT_STORE): a folder on this host, or an
 * S3-compatible bucket that every worker shares. It lives here so the configuration can parse it
 * without importing the stores that open it.
 */
export type ArtifactStoreLocation =
  | { kind: 'local'; dir: string }
  /** `prefix` is empty or ends with "/"; `endpoint` is set for an S3-compatible server. */
  | { kind: 's3'; bucket: string; prefix: string; endpoint?: string; region: string };

type S3Parts = Omit<Extract<ArtifactStoreLocation, { kind: 's3' }>, 'kind' | 'region'>;

// S3's rules for a bucket name that also works with path-style addressing.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const endpointSchema = z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).refine(
  (endpoint) => !/^https?:\/\/[^/]*@/.test(endpoint),
  // The value is never echoed: it may hold a secret.
  'must not hold credentials; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY instead',
);

function s3Parts(value: string, ctx: z.RefinementCtx): S3Parts | undefined {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || url.username || url.password || !BUCKET.test(url.hostname)) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be s3://BUCKET/PREFIX with a valid bucket name and no credentials (they come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
    });
    return undefined;
  }
  const endpoint = url.searchParams.get('endpoint') ?? undefined;
  if (endpoint !== undefined && !endpointSchema.safeParse(endpoint).success) {
    ctx.addIssue({
      code: 'custom',
      message: 'has an endpoint= that is not an http(s) URL without credentials',
    });
    return undefined;
  }
  const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '');
  return { bucket: url.hostname, prefix: path === '' ? '' : `${path}/`, endpoint };
}

function localFolder(value: string): { kind: 'local'; dir: string } | undefined {
  try {
    const location = parseStoreLocation(value);
    return location.kind === 'file' ? { kind: 'local', dir: location.dir } : undefined;
  } catch {
    return undefined;
  }
}

/** A path, `file:PATH`, `file:///abs/path` or `s3://bucket/prefix[?endpoint=URL]`; unset: undefined. */
export const artifactStoreSchema = z
  .string()
  .optional()
  .transform((value, ctx): { kind: 'local'; dir: string } | ({ kind: 's3' } & S3Parts) | undefined => {
    if (!value) return undefined;
    if (value.startsWith('s3://')) {
      const parts = s3Parts(value, ctx);
      return parts && { kind: 's3', ...parts };
    }
    const location = /^(?!file:)[a-z][a-z0-9+.-]*:\/\//i.test(value) ? undefined : localFolder(value);
    if (!location)
      ctx.addIssue({ code: 'custom', message: 'must be a folder path or an s3://BUCKET/PREFIX URL' });
    return location;
  });

// Empty, as compose passes an unset value: no endpoint.
export const artifactS3EndpointSchema = z.preprocess(
  (value) => value || undefined,
  endpointSchema.optional(),
);

/** The store's location: the default folder under the data directory, and the endpoint variable. */
export function artifactStoreLocation(
  parsed: z.infer<typeof artifactStoreSchema>,
  options: { dataDir: string; endpoint: string | undefined; region: string | undefined },
): ArtifactStoreLocation {
  if (parsed === undefined) return { kind: 'local', dir: resolve(options.dataDir, 'artifacts') };
  if (parsed.kind === 'local') return parsed;
  // S3-compatible servers take any region name; AWS's own default keeps the SDK content.
  return { ...parsed, endpoint: parsed.endpoint ?? options.endpoint, region: options.region ?? 'us-east-1' };
}
