import { z } from 'zod';
import { githubPacingSchema } from '../config/github-pacing.js';

/**
 * GitHub's documented REST limits for one identity (a token, or one App installation):
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api.
 * Defaults are GitHub's numbers; the rest are our safety margins.
 */
export const budgetLimitsSchema = z.strictObject({
  /** GitHub's best practices (writes one at a time, a second apart), or bursts up to the documented limits. */
  pacing: githubPacingSchema,
  /** Content-creating requests (our writes) per minute and per hour: GitHub's secondary limits. */
  writesPerMinute: z.number().int().positive().default(80),
  writesPerHour: z.number().int().positive().default(500),
  /** Secondary limit on points per minute: a write costs 5, a read 1. */
  pointsPerMinute: z.number().int().positive().default(900),
  writePoints: z.number().int().positive().default(5),
  readPoints: z.number().int().nonnegative().default(1),
  /** Requests of one identity in flight at once. */
  concurrency: z.number().int().positive().default(100),
  /** The primary hourly limit until GitHub's x-ratelimit-limit says otherwise (5,000 for a token). */
  primaryPerHour: z.number().int().positive().default(5000),
  /**
   * Share of the primary limit left unspent, for other clients of the same identity and for
   * requests counted after our last look at x-ratelimit-remaining: we stop before zero.
   */
  primaryReserve: z.number().min(0).max(0.5).default(0.05),
  /**
   * Added to every window, in our milliseconds: a write sent this much after its slot (a
   * timer firing late, a slow hop to the worker) still leaves the window before GitHub's does.
   */
  marginMs: z.number().int().nonnegative().default(1000),
  /** How long a reservation counts as in flight unless settled earlier: the activity's start-to-close timeout. */
  leaseMs: z.number().int().positive().default(30_000),
  /**
   * An operator's cap (MARKETOPS_GITHUB_WRITES_PER_SECOND): at least this long between two writes;
   * 0 = none. Under best practices the gap is at least a second anyway.
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
 * The `best-practices` pacing, from GitHub's "Best practices for using the REST API"
 * (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api).
 */
export const BEST_PRACTICES = {
  /** "wait at least one second between each request" that is a POST, PATCH, PUT or DELETE (GitHub ms). */
  writeGapMs: 1000,
  /**
   * Reservations of one identity in flight at once, the one write included. GitHub asks for
   * serial requests and publishes no number below its 100 concurrent; each activity sends its
   * requests one after another, so this is at most 4 requests at once: a look at the rate limit
   * or a future read-only activity may overlap a write's round trip, no more.
   */
  inFlight: 4,
} as const;

/** What one GitHub activity may spend: its write (at most one) and an upper bound of its reads. */
export interface Cost {
  writes: number;
  reads: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
