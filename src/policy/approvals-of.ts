import type { KeyRing } from '../receipts/key-ring.js';
import { type SignatureResult, verifyReceiptSignature } from '../receipts/verify-signature.js';
import type { Approval } from './approval.js';

/** Signatures whose header names a kid are approvals; one without a kid approves for no one. */
export const approvalsFrom = (signatures: readonly SignatureResult[]): Approval[] =>
  signatures.flatMap((s) =>
    s.kid === null ? [] : [{ kid: s.kid, thumbprint: s.thumbprint, verified: s.valid }],
  );

/**
 * A receipt's signatures as approvals, compact or JWS JSON general serialization alike: each one's kid,
 * the RFC 7638 thumbprint of the ring key it names (null when the ring has none), and whether it verifies,
 * as the receipts module checks each signature. A token that is not a receipt approves nothing.
 */
export async function approvalsOf(token: string, ring: KeyRing): Promise<Approval[]> {
  return approvalsFrom((await verifyReceiptSignature(token, ring)).signatures);
}
