import { RequestError } from '@octokit/request-error';
import { ApplicationFailure } from '@temporalio/common';

import { FailureCode, type RateLimitDetails } from '../shared.js';

/**
 * Maps a GitHub error to a Temporal failure. A rate limit ends the attempt with the
 * wait GitHub asks for; the workflow sleeps on a durable timer and calls again, so no
 * wait is ever held inside Octokit or a worker, and each survives a crash.
 */
export { FailureCode };

export interface RetryContext {
  /** The authorization clock, epoch ms (see authorization-window.ts). */
  now: number;
  /** No write may be sent at or after this instant (the receipt's exp), epoch ms. */
  notAfter: number;
}

const nonRetryable = (type: string, message: string) => ApplicationFailure.nonRetryable(message, type);

export function expiredDuringExecution(detail: string): ApplicationFailure {
  return nonRetryable(
    FailureCode.expiredDuringExecution,
    `The receipt expired before the GitHub write: ${detail}.`,
  );
}

/** A retry that could only happen after the receipt's exp is pointless: end now, write nothing. */
/** Retried by the activity's policy, with exponential backoff, unless the receipt has expired. */
function retryAfter(type: string, message: string, context: RetryContext): ApplicationFailure {
  if (context.now >= context.notAfter) return expiredDuringExecution(message);
  return ApplicationFailure.create({ type, message });
}

const header = (error: RequestError, name: string): string | undefined => {
  const value = error.response?.headers[name];
  return value === undefined ? undefined : String(value);
};

/** Waits are computed on GitHub's clock (reset minus its Date header), so local clock skew cannot shorten them. */
function primaryResetDelayMs(error: RequestError): number {
  const reset = Number(header(error, 'x-ratelimit-reset'));
  const serverNow = Date.parse(header(error, 'date') ?? '') || Date.now();
  return Math.max(1_000, reset * 1_000 - serverNow + 1_000);
}

function retryAfterMs(error: RequestError): number | undefined {
  const seconds = Number(header(error, 'retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1_000 : undefined;
}

function isRateLimited(error: RequestError): 'primary' | 'secondary' | undefined {
  if (error.status !== 403 && error.status !== 429) return undefined;
  if (header(error, 'x-ratelimit-remaining') === '0') return 'primary';
  if (header(error, 'retry-after') !== undefined || /secondary rate limit/i.test(error.message))
    return 'secondary';
  return error.status === 429 ? 'secondary' : undefined;
}

function githubMessage(error: RequestError): string {
  return `GitHub answered ${error.status}: ${error.message}`;
}

function rateLimited(type: string, error: RequestError, waitMs: number | undefined, context: RetryContext) {
  if (waitMs !== undefined && context.now + waitMs >= context.notAfter) {
    return expiredDuringExecution(`${githubMessage(error)}; the limit resets after the receipt's expiry`);
  }
  const details: RateLimitDetails = { waitMs };
  return ApplicationFailure.create({
    type,
    message: githubMessage(error),
    nonRetryable: true,
    details: [details],
  });
}

export const isRateLimitType = (type: string | undefined | null): boolean =>
  type === FailureCode.primaryRateLimit || type === FailureCode.secondaryRateLimit;

export function toFailure(error: unknown, context: RetryContext): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (!(error instanceof RequestError) || error.status >= 500) {
    const detail = error instanceof Error ? error.message : String(error);
    return retryAfter(FailureCode.unavailable, `GitHub is unavailable: ${detail}`, context);
  }
  const limited = isRateLimited(error);
  if (limited === 'primary') {
    return rateLimited(FailureCode.primaryRateLimit, error, primaryResetDelayMs(error), context);
  }
  if (limited === 'secondary') {
    return rateLimited(FailureCode.secondaryRateLimit, error, retryAfterMs(error), context);
  }
  return nonRetryable(codeForStatus(error.status), githubMessage(error));
}

function codeForStatus(status: number): string {
  if (status === 401) return FailureCode.badCredentials;
  if (status === 404) return FailureCode.notFound;
  if (status === 422) return FailureCode.validationFailed;
  return FailureCode.forbidden;
}
