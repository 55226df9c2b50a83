/** Stable machine codes for every way a receipt can fail. Renaming one breaks the contract. */
export const reasonCodes = [
  'MODE_NOT_PROD',
  'RECEIPT_MISSING',
  'MALFORMED',
  /** A member name repeats in one JSON object of the header or claims: parsers disagree on which wins. */
  'DUPLICATE_MEMBER',
  'BAD_SIGNATURE',
  'UNKNOWN_KEY',
  'WRONG_TYPE',
  'ALG_NOT_ALLOWED',
  'NOT_ENFORCEABLE',
  'AUDIENCE_MISMATCH',
  'RUN_ID_MISMATCH',
  'OPERATION_KIND_MISMATCH',
  'PARAMS_MISMATCH',
  'NOT_YET_VALID',
  'EXPIRED',
  'STALE',
  'LIFETIME_TOO_LONG',
  /** Set by the executor when the receipt_id was already used; never by this module. */
  'ALREADY_CONSUMED',
  /** The operation request itself fails its schema. */
  'INVALID_REQUEST',
] as const;
export type ReasonCode = (typeof reasonCodes)[number];

/** One failed check: a stable code and one human sentence. */
export interface ReceiptReason {
  code: ReasonCode;
  message: string;
}

export const reason = (code: ReasonCode, message: string): ReceiptReason => ({ code, message });
