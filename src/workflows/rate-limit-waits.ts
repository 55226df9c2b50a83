import { ActivityFailure, ApplicationFailure, sleep } from '@temporalio/workflow';
import { FailureCode, type Progress, type RateLimitDetails } from '../shared.js';

const PRIMARY = FailureCode.primaryRateLimit;
const SECONDARY = FailureCode.secondaryRateLimit;
const SECONDARY_MIN_WAIT_MS = 60_000;
const SECONDARY_MAX_DOUBLINGS = 5;

interface RateLimit {
  type: string;
  message: string;
  waitMs?: number;
}

function rateLimitOf(error: unknown): RateLimit | undefined {
  if (!(error instanceof ActivityFailure) || !(error.cause instanceof ApplicationFailure)) return undefined;
  const { type, details, message } = error.cause;
  if (type !== PRIMARY && type !== SECONDARY) return undefined;
  return { type, message, waitMs: (details?.[0] as RateLimitDetails | undefined)?.waitMs };
}

/**
 * A secondary limit waits for retry-after, or without one at least a minute, doubling
 * with each consecutive wait, as GitHub advises; a primary limit waits for its reset.
 */
function waitFor(limit: RateLimit, previousWaits: number): number {
  if (limit.type === PRIMARY) return limit.waitMs ?? SECONDARY_MIN_WAIT_MS;
  const backoff = SECONDARY_MIN_WAIT_MS * 2 ** Math.min(previousWaits, SECONDARY_MAX_DOUBLINGS);
  return limit.waitMs ?? backoff;
}

/**
 * Calls a GitHub activity, sleeping on a durable workflow timer whenever GitHub says
 * to slow down: the wait survives crashes, and the test server can skip it.
 */
export async function withRateLimitWaits<T>(
  call: () => Promise<T>,
  notAfter: number,
  progress: Progress,
): Promise<T> {
  for (let waits = 0; ; waits++) {
    try {
      return await call();
    } catch (error) {
      const limit = rateLimitOf(error);
      if (!limit) throw error;
      const waitMs = waitFor(limit, waits);
      if (Date.now() + waitMs >= notAfter) {
        throw ApplicationFailure.nonRetryable(
          `${limit.message}; the limit lifts after the receipt's expiry.`,
          FailureCode.expiredDuringExecution,
        );
      }
      progress.rateLimitWaits += 1;
      await sleep(waitMs);
    }
  }
}
