import { Context } from '@temporalio/activity';
import { expiredDuringExecution } from '../github/failures.js';

/**
 * The latest of the local clock, the server's schedule time of this attempt and, for
 * local activities (scheduled by the worker itself), the workflow's time: under a
 * time-skipping server only Temporal's clocks move, and no check may fall behind
 * whichever clock is ahead.
 */
export function authorizationNow(workflowTime = 0): number {
  return Math.max(Date.now(), Context.current().info.currentAttemptScheduledTimestampMs, workflowTime);
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
