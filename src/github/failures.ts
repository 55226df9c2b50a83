import { RequestError } from '@octokit/request-error';
import { ApplicationFailure } from '@temporalio/common';

/**
 * Maps a GitHub error to a Temporal failure. Every wait is expressed as a
 * `nextRetryDelay` so it lives in Temporal (and survives a crash), never inside Octokit.
 */
export const FailureCode = {
  badCredentials: 'GITHUB_BAD_CREDENTIALS',
  notFound: 'GITHUB_NOT_FOUND',
  validationFailed: 'GITHUB_VALIDATION_FAILED',
  forbidden: 'GITHUB_FORBIDDEN',
  primaryRateLimit: 'GITHUB_PRIMARY_RATE_LIMIT',
  secondaryRateLimit: 'GITHUB_SECONDARY_RATE_LIMIT',
  unavailable: 'GITHUB_UNAVAILABLE',
  conflict: 'CONFLICT',
  expiredDuringExecution: 'EXPIRED_DURING_EXECUTION',
} as const;

const SECONDARY_MIN_WAIT_SECONDS = 60;
const SECONDARY_MAX_DOUBLINGS = 5;

export interface RetryContext {
  /** 1 for the first attempt of the activity. */
  attempt: number;
  /** The authorization clock, epoch ms (see authorization-window.ts). */
  now: number;
  /** No write may be sent at or after this instant (the receipt's exp), epoch ms. */
  notAfter: number;
}

const nonRetryable = (type: string, message: string) => ApplicationFailure.nonRetryable(message, type);

export function expiredDuringExecution(detail: string): ApplicationFailure {
  return nonRetryable(FailureCode.expiredDuringExecution, `The receipt expired before the GitHub write: ${detail}.`);
}

/** A retry that could only happen after the receipt's exp is pointless: end now, write nothing. */
/** Without `delayMs` the activity's retry policy backs off exponentially. */
function retryAfter(
  type: string,
  message: string,
  delayMs: number | undefined,
  context: RetryContext,
): ApplicationFailure {
  if (context.now + (delayMs ?? 0) >= context.notAfter) {
    return expiredDuringExecution(`${message}; the next attempt would fall after the receipt's expiry`);
  }
  return ApplicationFailure.create({ type, message, nextRetryDelay: delayMs });
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

function secondaryDelayMs(error: RequestError, attempt: number): number {
  const retryAfterSeconds = Number(header(error, 'retry-after'));
  if (Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0) return retryAfterSeconds * 1_000;
  return SECONDARY_MIN_WAIT_SECONDS * 1_000 * 2 ** Math.min(attempt - 1, SECONDARY_MAX_DOUBLINGS);
}

function isRateLimited(error: RequestError): 'primary' | 'secondary' | undefined {
  if (error.status !== 403 && error.status !== 429) return undefined;
  if (header(error, 'x-ratelimit-remaining') === '0') return 'primary';
  if (header(error, 'retry-after') !== undefined || /secondary rate limit/i.test(error.message)) return 'secondary';
  return error.status === 429 ? 'secondary' : undefined;
}

function githubMessage(error: RequestError): string {
  return `GitHub answered ${error.status}: ${error.message}`;
}

export function toFailure(error: unknown, context: RetryContext): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (!(error instanceof RequestError) || error.status >= 500) {
    const detail = error instanceof Error ? error.message : String(error);
    return retryAfter(FailureCode.unavailable, `GitHub is unavailable: ${detail}`, undefined, context);
  }
  const limited = isRateLimited(error);
  if (limited === 'primary') {
    return retryAfter(FailureCode.primaryRateLimit, githubMessage(error), primaryResetDelayMs(error), context);
  }
  if (limited === 'secondary') {
    const delay = secondaryDelayMs(error, context.attempt);
    return retryAfter(FailureCode.secondaryRateLimit, githubMessage(error), delay, context);
  }
  return nonRetryable(codeForStatus(error.status), githubMessage(error));
}

function codeForStatus(status: number): string {
  if (status === 401) return FailureCode.badCredentials;
  if (status === 404) return FailureCode.notFound;
  if (status === 422) return FailureCode.validationFailed;
  return FailureCode.forbidden;
}
