import { Context } from '@temporalio/activity';
import { expiredDuringExecution } from './github/failures.js';

/**
 * The later of the local clock and the server's schedule time of this attempt:
 * under a time-skipping server only the latter moves, and a write must never
 * slip past the receipt's exp because one of the two clocks lags.
 */
export function authorizationNow(): number {
  return Math.max(Date.now(), Context.current().info.currentAttemptScheduledTimestampMs);
}

/** Called immediately before every GitHub write. */
export function assertBeforeExpiry(notAfter: number): void {
  const now = authorizationNow();
  if (now >= notAfter) {
    throw expiredDuringExecution(
      `it was due at ${new Date(now).toISOString()}, the receipt expired at ${new Date(notAfter).toISOString()}`,
    );
  }
}
