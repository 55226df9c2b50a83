import type { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, type JWK } from 'jose';
import { ACCEPTED_ALGS } from '../receipts/claims.js';
import { decodeCompactHeader } from '../receipts/compact-jws.js';
import type { KeyRing } from '../receipts/key-ring.js';
import type { Approval } from './approval.js';

/** RFC 7638 SHA-256 thumbprint (base64url) of a public key. */
export const keyThumbprint = (key: KeyObject): Promise<string> =>
  calculateJwkThumbprint(key.export({ format: 'jwk' }) as JWK, 'sha256');

/**
 * The one place that reads a receipt's signatures as approvals: each signature's kid, the
 * thumbprint of the ring key it names, and whether it verifies. A compact JWS has one; a token
 * whose header names no kid has none.
 */
export async function approvalsOf(token: string, ring: KeyRing): Promise<Approval[]> {
  const decoded = decodeCompactHeader(token);
  const kid = decoded.ok ? decoded.header.kid : undefined;
  if (typeof kid !== 'string') return [];
  const key = ring.keyFor(kid);
  if (key === undefined) return [{ kid, thumbprint: null, verified: false }];
  const verified = await compactVerify(token, key, { algorithms: [...ACCEPTED_ALGS] }).then(
    () => true,
    () => false,
  );
  return [{ kid, thumbprint: await keyThumbprint(key), verified }];
}
