import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The validators GitHub sends on a GET: a weak ETag of the body, and Last-Modified when known. */
export function validators(body: unknown, lastModifiedMs: number | undefined): Record<string, string> {
  const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 32);
  return {
    etag: `W/"${digest}"`,
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
