import { z } from 'zod';
import { base64url32Bytes, identifier, singleLineText } from '../common/text-fields.js';
import { requiredAs } from '../common/zod-sentence.js';
import { operationKinds } from '../operations/registry.js';

/** The pinned `typ` of the protected header: no other JWS, JWT or receipt type is ever accepted. */
export const RECEIPT_TYPE = 'marketops-receipt+jwt';
/**
 * The `alg` this code issues: "EdDSA" (RFC 8037), which every JOSE library verifies.
 * RFC 9864 deprecates that polymorphic name for the fully specified "Ed25519", so both are
 * accepted; with the ring holding only OKP Ed25519 keys they name the same pure Ed25519.
 */
export const RECEIPT_ALG = 'EdDSA';
export const ACCEPTED_ALGS = [RECEIPT_ALG, 'Ed25519'] as const;
/** For messages: `"EdDSA" or "Ed25519"`. */
export const ACCEPTED_ALGS_TEXT = ACCEPTED_ALGS.map((alg) => `"${alg}"`).join(' or ');
/** The executor's identity, the `aud` a receipt must carry unless configured otherwise. */
export const DEFAULT_AUDIENCE = 'marketops-executor';
export const DEFAULT_ISSUER = 'federation-core';
/** exp − iat may not exceed this, and a receipt is stale once now − iat exceeds the max age (default the same). */
export const MAX_LIFETIME_SECONDS = 86_400;

/** 9999-12-31T23:59:59Z: keeps every time printable as an ISO date. */
export const MAX_NUMERIC_DATE = 253_402_300_799;

const numericDate = () =>
  z
    .int({ error: requiredAs('an integer number of seconds since the Unix epoch') })
    .min(0, { error: 'must not be negative' })
    .max(MAX_NUMERIC_DATE, { error: 'must not be after the year 9999' });

export const receiptClaimsSchema = z
  .strictObject({
    jti: identifier(),
    iss: singleLineText(1, 256),
    aud: singleLineText(1, 256),
    sub: identifier(),
    run_id: identifier(),
    operation_kind: z.enum(operationKinds, { error: `must be one of ${operationKinds.join(', ')}` }),
    enforceable: z.boolean({ error: requiredAs('true or false') }),
    iat: numericDate(),
    nbf: numericDate(),
    exp: numericDate(),
    op_digest: base64url32Bytes(),
  })
  .refine((claims) => claims.sub === claims.run_id, { error: 'must equal run_id', path: ['sub'] })
  .refine((claims) => claims.exp > claims.iat, { error: 'must be after iat', path: ['exp'] });

export type ReceiptClaims = z.infer<typeof receiptClaimsSchema>;
