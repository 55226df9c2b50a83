/** The signed-receipt authorization core: pure (no Temporal), shared by client, worker and CLI. */

export {
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  RECEIPT_TYPE,
  type ReceiptClaims,
} from './claims.js';
export { claimedReceiptId } from './compact-jws.js';
export { addSignature, type IssueOptions, issueReceipt } from './issue.js';
export { KeyRing, loadKeyRing, readKeyRingFile } from './key-ring.js';
export { canonicalRequest, opDigest } from './op-digest.js';
export { parseOperationRequest } from './operation-request.js';
export { generateSigningKey, loadSigningKey } from './signing-key.js';
export { type ReceiptVerdict, verifyReceipt } from './verify.js';
export { verifyReceiptSignature } from './verify-signature.js';
