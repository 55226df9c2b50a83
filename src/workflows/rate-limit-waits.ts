import { ActivityFailure, ApplicationFailure, sleep } from '@temporalio/workflow';
import { Code, isRateLimit } from '../codes.js';
import {
  type BudgetWaitDetails,
  PRIMARY_RATE_LIMIT_WAIT_MS,
  type Progress,
  type RateLimitDetails,
  SECONDARY_MAX_DOUBLINGS,
  SECONDARY_RATE_LIMIT_WAIT_MS,
} from '../shared.js';

const SECONDARY = Code.GITHUB_SECONDARY_RATE_LIMIT;

interface Wait {
  type: string;
  message: string;
  waitMs?: number;
  /** The reservation to come back with (a budget wait's slot). */
  reservation?: string;
}

function waitOf(error: unknown): Wait | undefined {
  if (!(error instanceof ActivityFailure) || !(error.cause instanceof ApplicationFailure)) return undefined;
  const { type, details, message } = error.cause;
  if (!isRateLimit(type) && type !== Code.GITHUB_BUDGET_WAIT) return undefined;
  const detail = details?.[0] as (RateLimitDetails & Partial<BudgetWaitDetails>) | undefined;
  return { type, message, waitMs: detail?.waitMs, reservation: detail?.reservation };
}

/**
 * A budget wait lasts until its slot; a secondary limit waits for retry-after, or without
 * one at least a minute, doubling with each consecutive wait, as GitHub advises; a primary
 * limit waits for its reset, or without one a minute (the constants' sources: src/shared.ts).
 */
function waitFor(wait: Wait, previousWaits: number): number {
  if (wait.type !== SECONDARY) return wait.waitMs ?? PRIMARY_RATE_LIMIT_WAIT_MS;
  const backoff = SECONDARY_RATE_LIMIT_WAIT_MS * 2 ** Math.min(previousWaits, SECONDARY_MAX_DOUBLINGS);
  return wait.waitMs ?? backoff;
}

/**
 * Calls a GitHub activity, sleeping on a durable workflow timer until its identity's budget
 * has its slot, and whenever GitHub says to slow down: the wait survives crashes, and the
 * test server can skip it. A budget wait comes back with the slot it was given; after a
 * refusal the next call needs a new reservation (`nextReservation`).
 */
export async function withRateLimitWaits<T>(
  call: (reservation: string) => Promise<T>,
  nextReservation: () => string,
  notAfter: number,
  progress: Progress,
): Promise<T> {
  let reservation = nextReservation();
  for (let waits = 0; ; waits++) {
    try {
      return await call(reservation);
    } catch (error) {
      const wait = waitOf(error);
      if (!wait) throw error;
      const waitMs = waitFor(wait, waits);
      if (Date.now() + waitMs >= notAfter) {
        throw ApplicationFailure.nonRetryable(
          `${wait.message}; the wait ends after the receipt's expiry.`,
          Code.EXPIRED_DURING_EXECUTION,
        );
      }
      if (wait.type !== Code.GITHUB_BUDGET_WAIT) progress.rateLimitWaits += 1;
      reservation = wait.reservation ?? nextReservation();
      await sleep(waitMs);
    }
  }
}
