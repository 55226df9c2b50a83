import type { KeyObject } from 'node:crypto';
import type { KeyRing } from '../receipts/key-ring.js';
import type { Approval } from './approval.js';

/**
 * The one place that reads a receipt's signatures as approvals: each signature's kid, the
 * thumbprint of the ring key it names, and whether it verifies. A compact JWS has one.
 */
export async function approvalsOf(token: string, ring: KeyRing): Promise<Approval[]> {
  throw new Error('not yet');
}

/** RFC 7638 SHA-256 thumbprint (base64url) of a public key. */
export async function keyThumbprint(key: KeyObject): Promise<string> {
  throw new Error('not yet');
}
