/** The signed-receipt authorization core: pure (no Temporal), shared by client, worker and CLI. */
export {
  DEFAULT_AUDIENCE,
  DEFAULT_ISSUER,
  MAX_LIFETIME_SECONDS,
  RECEIPT_ALG,
  RECEIPT_TYPE,
  type ReceiptClaims,
  receiptClaimsSchema,
} from './claims.js';
export { type IssueOptions, issueReceipt } from './issue.js';
export { KeyRing, loadKeyRing, readKeyRingFile } from './key-ring.js';
export { canonicalRequest, opDigest } from './op-digest.js';
export {
  MAX_BODY_LENGTH,
  MAX_TITLE_LENGTH,
  type OpenPrRequest,
  type OperationKind,
  type OperationRequest,
  operationKinds,
  operationRequestSchema,
  type PublishReleaseRequest,
  parseOperationRequest,
  type TagRepoRequest,
} from './operation-request.js';
export { type Reason, type ReasonCode, reasonCodes } from './reasons.js';
export { generateSigningKey, loadSigningKey, type SigningKey } from './signing-key.js';
export { MAX_REF_LENGTH } from './text-fields.js';
export { type ReceiptVerdict, type VerifyOptions, verifyReceipt } from './verify.js';
export { type SignatureCheck, verifyReceiptSignature } from './verify-signature.js';
