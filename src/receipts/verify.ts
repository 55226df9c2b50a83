import { z } from 'zod';
import type { OperationRequest } from '../operations/registry.js';
import { MAX_LIFETIME_SECONDS, type ReceiptClaims } from './claims.js';
import { KeyRing } from './key-ring.js';
import { opDigest } from './op-digest.js';
import { type ParsedOperationRequest, parseOperationRequest } from './operation-request.js';
import { type ReceiptReason, reason } from './reasons.js';
import { show } from './show.js';
import { timeReasons } from './time-checks.js';
import { type SignatureResult, verifyReceiptSignature } from './verify-signature.js';

export interface ReceiptVerifyOptions {
  keys: KeyRing;
  now: Date;
  /** The executor's mode; only "prod" lets a receipt authorize anything. */
  mode: string;
  /** The executor's identity; the receipt's aud must equal it. */
  audience: string;
  /** Default 60. */
  clockSkewSeconds?: number;
  /** Default 86400: a receipt issued longer ago than this is STALE. */
  maxAgeSeconds?: number;
}

/**
 * `kid` is the first valid signature's; `signatures` holds every signature's result (one for a compact
 * receipt, none when the receipt could not be split into signatures), for the approval policy to count.
 */
export type ReceiptVerdict =
  | {
      accepted: true;
      receiptId: string;
      kid: string;
      claims: ReceiptClaims;
      opDigest: string;
      signatures: SignatureResult[];
    }
  | {
      accepted: false;
      receiptId?: string;
      kid?: string;
      claims?: ReceiptClaims;
      reasons: ReceiptReason[];
      signatures: SignatureResult[];
    };

const optionsSchema = z.object({
  keys: z.instanceof(KeyRing),
  now: z.date(),
  mode: z.string(),
  audience: z.string().min(1),
  clockSkewSeconds: z.int().min(0).max(3600).default(60),
  maxAgeSeconds: z.int().min(1).max(MAX_LIFETIME_SECONDS).default(MAX_LIFETIME_SECONDS),
});

/**
 * Decides whether `token` authorizes exactly `request`. Never throws on bad token or request
 * input: it returns a rejection listing every failed check (order: docs/receipt-format.md).
 * Options are the caller's own configuration; invalid options are a programming error and throw.
 */
export async function verifyReceipt(
  token: unknown,
  request: unknown,
  options: ReceiptVerifyOptions,
): Promise<ReceiptVerdict> {
  const settings = optionsSchema.parse(options);
  const reasons: ReceiptReason[] = [];
  if (settings.mode !== 'prod') {
    reasons.push(
      reason(
        'MODE_NOT_PROD',
        `The executor mode is ${show(settings.mode)}; receipts authorize only in mode "prod".`,
      ),
    );
  }
  const parsed = safelyParse(request);
  const signature = await verifyReceiptSignature(token, settings.keys);
  if (!signature.ok)
    return {
      accepted: false,
      reasons: [...reasons, ...signature.reasons, ...requestReasons(parsed)],
      signatures: signature.signatures,
    };

  const { claims, kid, signatures } = signature;
  if (!claims.enforceable) {
    reasons.push(
      reason('NOT_ENFORCEABLE', 'The receipt is advisory (enforceable is false); it authorizes nothing.'),
    );
  }
  if (claims.aud !== settings.audience) {
    reasons.push(
      reason(
        'AUDIENCE_MISMATCH',
        `The receipt is for audience ${show(claims.aud)}, not ${show(settings.audience)}.`,
      ),
    );
  }
  reasons.push(...(parsed.ok ? bindingReasons(claims, parsed.request) : requestReasons(parsed)));
  const nowSeconds = Math.floor(settings.now.getTime() / 1000);
  reasons.push(...timeReasons(claims, { ...settings, nowSeconds }));

  if (reasons.length > 0) return { accepted: false, receiptId: claims.jti, kid, claims, reasons, signatures };
  return { accepted: true, receiptId: claims.jti, kid, claims, opDigest: claims.op_digest, signatures };
}

/** zod reads properties, and a hostile object's getter may throw; that is still just an invalid request. */
function safelyParse(request: unknown): ParsedOperationRequest {
  try {
    return parseOperationRequest(request);
  } catch {
    return { ok: false, message: 'The operation request could not be read as JSON data.' };
  }
}

const requestReasons = (parsed: ParsedOperationRequest): ReceiptReason[] =>
  parsed.ok ? [] : [reason('INVALID_REQUEST', parsed.message)];

/** The receipt must name this run and kind, and its digest must match this exact request. */
function bindingReasons(claims: ReceiptClaims, request: OperationRequest): ReceiptReason[] {
  const reasons: ReceiptReason[] = [];
  if (claims.run_id !== request.run_id) {
    reasons.push(
      reason(
        'RUN_ID_MISMATCH',
        `The receipt is for run ${show(claims.run_id)}, not ${show(request.run_id)}.`,
      ),
    );
  }
  if (claims.operation_kind !== request.operation_kind) {
    reasons.push(
      reason(
        'OPERATION_KIND_MISMATCH',
        `The receipt authorizes ${claims.operation_kind}, not ${request.operation_kind}.`,
      ),
    );
  }
  if (claims.op_digest !== opDigest(request)) {
    reasons.push(
      reason(
        'PARAMS_MISMATCH',
        'The request differs from the one the receipt authorizes (op_digest mismatch).',
      ),
    );
  }
  return reasons;
}
