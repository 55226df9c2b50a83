import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { OperationRequest } from '../operations/registry.js';

/** RFC 8785 (JCS) canonical JSON of a request: the exact bytes a receipt binds. */
export function canonicalRequest(request: OperationRequest): string {
  const canonical = canonicalize(request);
  // Unreachable for a parsed request (strings and booleans only); kept so a misuse fails loudly.
  if (canonical === undefined) throw new TypeError('An operation request must be a JSON object.');
  return canonical;
}

/** base64url (no padding) of SHA-256 over the UTF-8 bytes of the canonical request. */
export function opDigest(request: OperationRequest): string {
  return createHash('sha256').update(canonicalRequest(request), 'utf8').digest('base64url');
}
