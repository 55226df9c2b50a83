import type { Observation } from '../budgets/windows.js';

type Headers = Record<string, string | number | undefined>;

/**
 * The primary window as one response describes it. The reset is measured on GitHub's clock
 * (x-ratelimit-reset minus its Date header, plus a second for Date's resolution), so local
 * clock skew cannot make it look earlier than it is.
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
  const reset = Number(resetValue);
  const githubNow = Date.parse(String(date ?? ''));
  if (![limit, remaining, reset, githubNow].every(Number.isFinite) || limit <= 0) return undefined;
  return { limit, remaining, resetInMs: Math.max(0, reset * 1000 - githubNow + 1000) };
}
