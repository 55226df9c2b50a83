import { randomUUID } from 'node:crypto';
import { CompactSign, type JWK } from 'jose';
import { firstIssueSentence } from '../common/zod-sentence.js';
import type { OperationRequest } from '../operations/registry.js';
import {
  DEFAULT_ISSUER,
  MAX_LIFETIME_SECONDS,
  RECEIPT_ALG,
  RECEIPT_TYPE,
  type ReceiptClaims,
  receiptClaimsSchema,
} from './claims.js';
import { opDigest } from './op-digest.js';
import { parseOperationRequest } from './operation-request.js';
import { loadSigningKey } from './signing-key.js';

export interface IssueOptions {
  /** 1..86400: exp = iat + ttlSeconds. */
  ttlSeconds: number;
  audience: string;
  /** Default "federation-core". */
  issuer?: string;
  /** Default true; false makes an advisory receipt, which verifiers always reject. */
  enforceable?: boolean;
  now?: Date;
  /** Default: a random UUID. */
  receiptId?: string;
}

/**
 * Signs a receipt authorizing exactly `request` (the issuer side: Federation Core and tests).
 * Throws one sentence for an invalid key, request or option; never includes key material.
 */
export async function issueReceipt(
  privateJwk: JWK,
  request: OperationRequest,
  options: IssueOptions,
): Promise<string> {
  const signing = loadSigningKey(privateJwk);
  const parsed = parseOperationRequest(request);
  if (!parsed.ok) throw new Error(parsed.message);
  const { ttlSeconds } = options;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX_LIFETIME_SECONDS) {
    throw new Error(`The receipt TTL must be a whole number of seconds from 1 to ${MAX_LIFETIME_SECONDS}.`);
  }
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const claims = receiptClaimsSchema.safeParse({
    jti: options.receiptId ?? randomUUID(),
    iss: options.issuer ?? DEFAULT_ISSUER,
    aud: options.audience,
    sub: parsed.request.run_id,
    run_id: parsed.request.run_id,
    operation_kind: parsed.request.operation_kind,
    enforceable: options.enforceable ?? true,
    iat,
    nbf: iat,
    exp: iat + ttlSeconds,
    op_digest: opDigest(parsed.request),
  } satisfies ReceiptClaims);
  if (!claims.success) throw new Error(firstIssueSentence(claims.error, 'receipt claims'));
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims.data)))
    .setProtectedHeader({ alg: RECEIPT_ALG, typ: RECEIPT_TYPE, kid: signing.kid })
    .sign(signing.key);
}
