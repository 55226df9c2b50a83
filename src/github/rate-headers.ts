import type { Observation } from '../budgets/windows.js';

type Headers = Record<string, string | number | undefined>;

/**
 * The primary window as one response describes it. The reset is measured on GitHub's clock
 * (x-ratelimit-reset minus its Date header, plus a second for Date's resolution), so local
 * clock skew cannot make it look earlier than it is.
 */
export function rateLimitObservation(headers: Headers | undefined): Observation | undefined {
  if (!headers) return undefined;
  const limit = Number(headers['x-ratelimit-limit']);
  const remaining = Number(headers['x-ratelimit-remaining']);
  const reset = Number(headers['x-ratelimit-reset']);
  const githubNow = Date.parse(String(headers.date ?? ''));
  if (![limit, remaining, reset, githubNow].every(Number.isFinite) || limit <= 0) return undefined;
  return { limit, remaining, resetInMs: Math.max(0, reset * 1000 - githubNow + 1000) };
}
