/**
 * GitHub's rate arithmetic in one place: the waits its headers ask for and the primary window
 * they describe, as "Rate limits for the REST API" defines them
 * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit):
 * after a primary limit (x-ratelimit-remaining 0), wait until x-ratelimit-reset; after a secondary
 * one, wait retry-after seconds. Without them GitHub says to wait at least a minute
 * (PRIMARY_RATE_LIMIT_WAIT_MS and SECONDARY_RATE_LIMIT_WAIT_MS in src/shared.ts, applied by their
 * users: the workflow doubles the secondary one while refusals go on).
 */

type Headers = Record<string, string | number | undefined>;

/** GitHub's x-ratelimit-limit, -remaining, and the GitHub milliseconds until -reset. */
export interface Observation {
  limit: number;
  remaining: number;
  resetInMs: number;
}

/** x-ratelimit-reset (epoch seconds) and Date have one-second resolution. */
const RESOLUTION_MS = 1_000;

/** GitHub's clock as its Date header reads it; undefined without a readable one. */
function githubNowOf(date: unknown): number | undefined {
  const now = Date.parse(String(date ?? ''));
  return Number.isFinite(now) ? now : undefined;
}

/**
 * GitHub milliseconds until x-ratelimit-reset, at least a second: the reset minus `githubNow`
 * (GitHub's Date, so local clock skew cannot make it look earlier than it is), plus a second for
 * the headers' resolution.
 */
function msUntilReset(reset: unknown, githubNow: number): number | undefined {
  const resetMs = Number(reset) * 1_000;
  if (reset === undefined || reset === null || !Number.isFinite(resetMs)) return undefined;
  return Math.max(0, resetMs - githubNow) + RESOLUTION_MS;
}

/**
 * How long a refused request must wait: until the reset after a primary limit; GitHub's
 * retry-after after a secondary one. Undefined when GitHub named no wait. A refusal without a
 * Date header still waits, measured on our clock: it only delays the retry, which GitHub refuses
 * again if the wait was short.
 */
export function refusalWaitMs(
  headers: Headers | undefined,
  limit: 'primary' | 'secondary',
): number | undefined {
  if (limit === 'primary') {
    return msUntilReset(headers?.['x-ratelimit-reset'], githubNowOf(headers?.date) ?? Date.now());
  }
  const seconds = Number(headers?.['retry-after']);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1_000 : undefined;
}

/**
 * The primary window as one response's x-ratelimit-* headers describe it. Without GitHub's Date
 * there is none: budgets plan writes from it, and a reset measured on a skewed local clock could
 * look earlier than it is.
 */
export function rateLimitObservation(headers: Headers | undefined): Observation | undefined {
  if (!headers) return undefined;
  return observation(
    headers['x-ratelimit-limit'],
    headers['x-ratelimit-remaining'],
    headers['x-ratelimit-reset'],
    headers.date,
  );
}

/** The core window from a GET /rate_limit body (`resources.core`) and the response's Date. */
export function rateLimitBodyObservation(
  core: { limit: number; remaining: number; reset: number },
  date: string | undefined,
): Observation | undefined {
  return observation(core.limit, core.remaining, core.reset, date);
}

function observation(
  limitValue: unknown,
  remainingValue: unknown,
  resetValue: unknown,
  date: unknown,
): Observation | undefined {
  const limit = Number(limitValue);
  const remaining = Number(remainingValue);
  const githubNow = githubNowOf(date);
  const resetInMs = githubNow === undefined ? undefined : msUntilReset(resetValue, githubNow);
  if (![limit, remaining].every(Number.isFinite) || limit <= 0 || resetInMs === undefined) return undefined;
  return { limit, remaining, resetInMs };
}
