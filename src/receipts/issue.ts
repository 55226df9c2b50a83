import { randomUUID } from 'node:crypto';
import { CompactSign, FlattenedSign, type JWK } from 'jose';
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
import { headerKid, MAX_SIGNATURES, serializeGeneral, splitReceipt } from './compact-jws.js';
import { opDigest } from './op-digest.js';
import { parseOperationRequest } from './operation-request.js';
import { loadSigningKey, type SigningKey } from './signing-key.js';
import { parseStrictJsonObject } from './strict-json.js';

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
    .setProtectedHeader(headerFor(signing))
    .sign(signing.key);
}

const headerFor = (signing: SigningKey) => ({ alg: RECEIPT_ALG, typ: RECEIPT_TYPE, kid: signing.kid });

/**
 * Co-signs a receipt: `privateJwk` signs the very payload bytes already signed, under its own protected
 * header, and the result is the JWS JSON general serialization with that signature last. Verifies none
 * of the existing signatures (the executor does), but refuses a payload that is not receipt claims for
 * `request` (an approver signs only what they have seen) and a kid that already signed.
 */
export async function addSignature(
  receipt: string,
  privateJwk: unknown,
  request: OperationRequest,
): Promise<string> {
  const signing = loadSigningKey(privateJwk);
  const split = splitReceipt(receipt.trim());
  if (!split.ok) throw new Error(`The receipt ${split.problem}.`);
  const { payload, signatures } = split.parts;
  const json = parseStrictJsonObject(Buffer.from(payload, 'base64url'));
  if (!json.ok) throw new Error(`The receipt payload ${json.problem}.`);
  const claims = receiptClaimsSchema.safeParse(json.value);
  if (!claims.success) throw new Error(firstIssueSentence(claims.error, 'receipt claims'));
  if (claims.data.op_digest !== opDigest(request)) {
    throw new Error(
      'The receipt authorizes another request than the one given (op_digest mismatch); nothing was signed.',
    );
  }
  if (signatures.some((signature) => headerKid(signature.protected) === signing.kid)) {
    throw new Error(`Key "${signing.kid}" has already signed this receipt.`);
  }
  if (signatures.length >= MAX_SIGNATURES) {
    throw new Error(
      `The receipt already carries ${MAX_SIGNATURES} signatures, the most one receipt may carry.`,
    );
  }
  const added = await new FlattenedSign(Buffer.from(payload, 'base64url'))
    .setProtectedHeader(headerFor(signing))
    .sign(signing.key);
  return serializeGeneral(payload, [
    ...signatures,
    { protected: added.protected as string, signature: added.signature },
  ]);
}
