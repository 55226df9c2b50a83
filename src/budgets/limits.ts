import { z } from 'zod';
import { githubPacingSchema } from '../config/github-pacing.js';
import { GITHUB_ACTIVITY_TIMEOUT_MS } from '../shared.js';

/**
 * GitHub's documented REST limits for one identity (a token, or one App installation). Defaults
 * are GitHub's numbers, each quoted with its section of
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api;
 * the rest are our safety margins, each with what justifies it.
 */
export const budgetLimitsSchema = z.strictObject({
  /** GitHub's best practices (writes one at a time, a second apart), or bursts up to the documented limits. */
  pacing: githubPacingSchema,
  /**
   * Content-creating requests (our writes): "no more than 80 content-generating requests per
   * minute and no more than 500 content-generating requests per hour"
   * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits).
   */
  writesPerMinute: z.number().int().positive().default(80),
  writesPerHour: z.number().int().positive().default(500),
  /**
   * "No more than 900 points per minute" for REST endpoints; a POST, PATCH, PUT or DELETE costs 5
   * points, a GET 1
   * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#calculating-points-for-the-secondary-rate-limit).
   */
  pointsPerMinute: z.number().int().positive().default(900),
  writePoints: z.number().int().positive().default(5),
  readPoints: z.number().int().nonnegative().default(1),
  /**
   * "No more than 100 concurrent requests"
   * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits);
   * best practices send far fewer (BEST_PRACTICES.inFlight).
   */
  concurrency: z.number().int().positive().default(100),
  /**
   * The primary hourly limit until GitHub's x-ratelimit-limit says otherwise: 5,000 requests an
   * hour for a token
   * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#primary-rate-limit-for-authenticated-users).
   */
  primaryPerHour: z.number().int().positive().default(5000),
  /**
   * Share of the primary limit left unspent, for other clients of the same identity and for
   * requests counted after our last look at x-ratelimit-remaining: we stop before zero. Measured
   * in docs/benchmarks.md ("Another client spends 40 % of the primary limit"): 0 refusals.
   */
  primaryReserve: z.number().min(0).max(0.5).default(0.05),
  /**
   * Added to every window, in our milliseconds: a write sent this much after its slot (a
   * timer firing late, a slow hop to the worker) still leaves the window before GitHub's does.
   * Measured in docs/benchmarks.md: 0 refusals in every train (100 writes, 600, 3 installations).
   */
  marginMs: z.number().int().nonnegative().default(1000),
  /**
   * How long a reservation counts as in flight unless settled earlier: the GitHub activity's
   * start-to-close timeout, one constant for both (GITHUB_ACTIVITY_TIMEOUT_MS).
   */
  leaseMs: z.number().int().positive().default(GITHUB_ACTIVITY_TIMEOUT_MS),
  /**
   * An operator's cap (MARKETOPS_GITHUB_WRITES_PER_SECOND): at least this long between two writes;
   * 0 = none. Under best practices the gap is at least a second anyway (BEST_PRACTICES.writeGapMs).
   */
  writeSpacingMs: z.number().nonnegative().default(0),
  /**
   * GitHub milliseconds per one of ours: 1 against GitHub; benchmarks against a sandbox whose
   * clock runs k times faster set k, so every window GitHub measures shrinks by k on our clock.
   */
  clockRate: z.number().positive().default(1),
});
export type BudgetLimits = z.infer<typeof budgetLimitsSchema>;
export const githubLimits: BudgetLimits = budgetLimitsSchema.parse({});

/**
 * The `best-practices` pacing, from GitHub's "Best practices for using the REST API":
 * https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api.
 */
export const BEST_PRACTICES = {
  /**
   * "If you are making a large number of POST, PATCH, PUT, or DELETE requests for a single user or
   * client ID, wait at least one second between each request", in GitHub ms
   * (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#pause-between-mutative-requests).
   */
  writeGapMs: 1000,
  /**
   * Reservations of one identity in flight at once, the one write included. GitHub asks to "make
   * requests serially instead of concurrently"
   * (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#avoid-concurrent-requests)
   * and publishes no number below its 100 concurrent; each activity sends its requests one after
   * another, so this is at most 4 requests at once: a look at the rate limit or a future read-only
   * activity may overlap a write's round trip, no more. Measured in docs/benchmarks.md: the 3-installation train keeps
   * 96.7–97.0 % of its minimum time with 0 refusals.
   */
  inFlight: 4,
} as const;

/** What one GitHub activity may spend: its write (at most one) and an upper bound of its reads. */
export interface Cost {
  writes: number;
  reads: number;
}

/**
 * After each secondary refusal an identity's minute, hour and points limits are scaled by TIGHTEN,
 * never below TIGHTEST, for an hour (HOUR_MS: the longest secondary window, 500 an hour).
 * GitHub's rule: on a secondary refusal, wait retry-after or at least a minute, exponentially
 * longer while refusals go on (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#exceeding-the-rate-limit; applied by the workflow, src/shared.ts); its secondary
 * limits "are subject to change without notice", and some endpoints have lower, unpublished ones
 * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits).
 * GitHub gives no rate to fall back to, so both numbers are our choice within that rule: besides
 * waiting, send slower, by the same geometric shape as the waits (0.8³ ≈ 0.51: about half after
 * three refusals in an hour), and keep at least half the documented rate, so refusals caused by
 * another client cannot starve the identity (its waits still hold every retry back). Unmeasured:
 * under best practices the benchmarks (docs/benchmarks.md) see 0 refusals, so it never fires there.
 */
export const TIGHTEN = 0.8;
export const TIGHTEST = 0.5;

export const MINUTE_MS = 60_000;
/**
 * The primary window: GitHub's primary limits are per hour
 * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#primary-rate-limit-for-authenticated-users).
 */
export const HOUR_MS = 3_600_000;
