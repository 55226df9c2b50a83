import type { ReceiptReasonCode } from '../codes.js';

/** One failed check: a stable code and one human sentence. */
export interface ReceiptReason {
  code: ReceiptReasonCode;
  message: string;
}

export const reason = (code: ReceiptReasonCode, message: string): ReceiptReason => ({ code, message });
