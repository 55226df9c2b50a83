/** Far above any genuine receipt (a few hundred bytes), low enough to bound the work on hostile input. */
export const MAX_TOKEN_LENGTH = 16_384;

/** Empty segments pass here so `alg: none` (empty signature) is reported as ALG_NOT_ALLOWED. */
const SEGMENT = /^[A-Za-z0-9_-]*$/;

export type DecodedHeader = { ok: true; header: Record<string, unknown> } | { ok: false; problem: string };

/**
 * Checks the compact serialization and decodes the protected header (unverified).
 * Every segment must be canonical base64url: lenient decoders map several spellings of
 * the last character to the same bytes, which would let an altered token verify.
 */
export function decodeCompactHeader(token: string): DecodedHeader {
  if (token.length > MAX_TOKEN_LENGTH)
    return { ok: false, problem: `is longer than ${MAX_TOKEN_LENGTH} characters` };
  const segments = token.split('.');
  if (segments.length !== 3) return { ok: false, problem: 'must have exactly three dot-separated segments' };
  if (!segments.every(isCanonicalBase64url)) {
    return { ok: false, problem: 'must consist of canonical unpadded base64url segments' };
  }
  const header = parseJsonObject(Buffer.from(segments[0] as string, 'base64url'));
  if (!header) return { ok: false, problem: 'must have a protected header that is a JSON object' };
  return { ok: true, header };
}

export function isCanonicalBase64url(segment: string): boolean {
  return SEGMENT.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 JSON that is an object (not an array); undefined otherwise. */
export function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(utf8.decode(bytes));
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // Not UTF-8 or not JSON: reported as malformed by the caller.
  }
  return undefined;
}

/** Shows an untrusted value in a message, bounded so hostile input cannot flood logs. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}
