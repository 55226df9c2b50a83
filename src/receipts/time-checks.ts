import { MAX_LIFETIME_SECONDS, type ReceiptClaims } from './claims.js';
import { type ReceiptReason, reason } from './reasons.js';

export interface TimeRules {
  /** Whole seconds since the Unix epoch (the verifier's clock, floored). */
  nowSeconds: number;
  clockSkewSeconds: number;
  maxAgeSeconds: number;
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

/**
 * The time rules, all evaluated (see docs/receipt-format.md, "Time rules"):
 * valid from max(nbf, iat) − skew, inclusive; expired from exp + skew, inclusive;
 * stale once now − iat > max age; too long when exp − iat > 24 h.
 */
export function timeReasons(claims: ReceiptClaims, rules: TimeRules): ReceiptReason[] {
  const { nowSeconds: now, clockSkewSeconds: skew, maxAgeSeconds: maxAge } = rules;
  const reasons: ReceiptReason[] = [];
  const validFrom = Math.max(claims.nbf, claims.iat);
  if (now < validFrom - skew) {
    reasons.push(
      reason(
        'NOT_YET_VALID',
        `The receipt is not valid before ${iso(validFrom)} (${skew} s clock skew allowed).`,
      ),
    );
  }
  if (now >= claims.exp + skew) {
    reasons.push(
      reason('EXPIRED', `The receipt expired at ${iso(claims.exp)} (${skew} s clock skew allowed).`),
    );
  }
  if (now - claims.iat > maxAge) {
    reasons.push(
      reason(
        'STALE',
        `The receipt was issued at ${iso(claims.iat)}, more than ${maxAge} s ago; ask for a new one.`,
      ),
    );
  }
  if (claims.exp - claims.iat > MAX_LIFETIME_SECONDS) {
    reasons.push(
      reason(
        'LIFETIME_TOO_LONG',
        `The receipt lives ${claims.exp - claims.iat} s from iat to exp; at most ${MAX_LIFETIME_SECONDS} s is allowed.`,
      ),
    );
  }
  return reasons;
}
