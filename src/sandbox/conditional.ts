import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The opaque part of a body's entity tag: a SHA-256, hex, as GitHub's are. */
const tagOf = (body: unknown): string => createHash('sha256').update(JSON.stringify(body)).digest('hex');

/**
 * GitHub's caching headers on a GET it answers and on what it creates: private to the credential,
 * revalidated after a minute.
 */
export const CACHING = {
  'cache-control': 'private, max-age=60, s-maxage=60',
  vary: 'Accept, Authorization, Cookie',
};

/**
 * The headers of a repository object's `201 Created`: the caching ones and a strong ETag of the
 * created object's representation, which a later GET of it matches (octokit/fixtures, scenarios
 * git-refs and release-assets).
 */
export const createdHeaders = (body: unknown): Record<string, string> => ({
  ...CACHING,
  etag: `"${tagOf(body)}"`,
});

/** The validators GitHub sends on a GET: a weak ETag of the body, and Last-Modified when known. */
export function validators(body: unknown, lastModifiedMs: number | undefined): Record<string, string> {
  return {
    etag: `W/"${tagOf(body)}"`,
    ...(lastModifiedMs === undefined ? {} : { 'last-modified': new Date(lastModifiedMs).toUTCString() }),
  };
}

/** Weak comparison (RFC 9110 §8.8.3.2): `W/"x"` and `"x"` name the same representation. */
const opaque = (tag: string): string => tag.trim().replace(/^W\//, '');

/**
 * Whether a conditional GET gets 304 Not Modified: If-None-Match when sent (`*` or any listed
 * tag matching), else If-Modified-Since at the resolution of HTTP dates (seconds).
 */
export function isNotModified(headers: IncomingHttpHeaders, current: Record<string, string>): boolean {
  const ifNoneMatch = headers['if-none-match'];
  const etag = current.etag;
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === '*') return true;
    return etag !== undefined && ifNoneMatch.split(',').some((tag) => opaque(tag) === opaque(etag));
  }
  const since = Date.parse(headers['if-modified-since'] ?? '');
  const modified = Date.parse(current['last-modified'] ?? '');
  return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since;
}
