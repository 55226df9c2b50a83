import { ID_PATTERN } from '../common/text-fields.js';
import { type JsonProblem, parseStrictJsonObject } from './strict-json.js';

/** Far above any genuine receipt (a few hundred bytes), low enough to bound the work on hostile input. */
export const MAX_TOKEN_LENGTH = 16_384;

/** Empty segments pass here so `alg: none` (empty signature) is reported as ALG_NOT_ALLOWED. */
const SEGMENT = /^[A-Za-z0-9_-]*$/;

export type DecodedHeader = { ok: true; header: Record<string, unknown> } | JsonProblem;

/**
 * Checks the compact serialization and decodes the protected header (unverified).
 * Every segment must be canonical base64url: lenient decoders map several spellings of
 * the last character to the same bytes, which would let an altered token verify.
 */
export function decodeCompactHeader(token: string): DecodedHeader {
  if (token.length > MAX_TOKEN_LENGTH) return malformed(`is longer than ${MAX_TOKEN_LENGTH} characters`);
  const segments = token.split('.');
  if (segments.length !== 3) return malformed('must have exactly three dot-separated segments');
  if (!segments.every(isCanonicalBase64url)) {
    return malformed('must consist of canonical unpadded base64url segments');
  }
  const header = parseStrictJsonObject(Buffer.from(segments[0] as string, 'base64url'));
  if (!header.ok) return { ok: false, code: header.code, problem: `header ${header.problem}` };
  return { ok: true, header: header.value };
}

export function isCanonicalBase64url(segment: string): boolean {
  return SEGMENT.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

const malformed = (problem: string): DecodedHeader => ({ ok: false, code: 'MALFORMED', problem });

/**
 * The receipt id (jti) a token claims, read without verifying anything: for records of refusals, which
 * say it is only a claim. Null unless the token is a compact JWS whose payload holds a well-formed id.
 */
export function claimedReceiptId(token: unknown): string | null {
  if (typeof token !== 'string' || !decodeCompactHeader(token).ok) return null;
  const payload = parseStrictJsonObject(Buffer.from(token.split('.')[1] as string, 'base64url'));
  const jti = payload.ok ? payload.value.jti : undefined;
  return typeof jti === 'string' && ID_PATTERN.test(jti) ? jti : null;
}
