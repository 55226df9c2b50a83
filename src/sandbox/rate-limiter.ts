import { GITHUB_POINTS_PER_MINUTE, type Limits, limitsSchema } from './config.js';
import { docs, GitHubError } from './github-errors.js';
import type { Identity } from './identity.js';
import type { IdentityUsageReport } from './records.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** GitHub sends no useful retry-after for concurrency and advises waiting a minute; so does the sandbox. */
const CONCURRENCY_RETRY_AFTER_S = 60;
/** Whole seconds until `atMs`, at least 1: what retry-after says. */
const retryAfter = (atMs: number, nowMs: number): number => Math.max(1, Math.ceil((atMs - nowMs) / 1000));
/** What x-ratelimit-limit says when the primary limit is off: unlimited in practice. */
const UNLIMITED = 2_147_483_647;

interface IdentityUsage {
  identity: Identity;
  /** Epoch seconds when the primary window resets, as GitHub's x-ratelimit-reset. */
  reset: number;
  used: number;
  inFlight: number;
  /** Sandbox times of admitted content-creating requests within the last hour. */
  contentCreated: number[];
  /** Sandbox times and point costs of admitted requests within the last minute. */
  points: { at: number; cost: number }[];
}

/** GitHub's secondary-limit points: a read costs 1, a content-creating request 5. */
const pointCost = (contentCreating: boolean): number => (contentCreating ? 5 : 1);

/** One identity's primary window, in the numbers GitHub's rate_limit body and headers carry. */
export interface RateWindow {
  limit: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
  used: number;
}

/** The x-ratelimit-* headers of a window. */
export const rateLimitHeaders = (window: RateWindow): Record<string, string> => ({
  'x-ratelimit-limit': String(window.limit),
  'x-ratelimit-remaining': String(window.remaining),
  'x-ratelimit-used': String(window.used),
  'x-ratelimit-reset': String(window.reset),
  'x-ratelimit-resource': 'core',
});

/** What GitHub reports to bad credentials: an empty allowance. */
export const emptyAllowance = (nowMs: number): RateWindow => ({
  limit: 0,
  remaining: 0,
  reset: Math.ceil(nowMs / 1000) + 3600,
  used: 0,
});

export interface Admission {
  /** Call when the response is finished, so the request no longer counts as concurrent. */
  release(): void;
  /** Takes the request off the primary count: GitHub does not count a 304 Not Modified. */
  uncount(): void;
}

/**
 * GitHub's primary (per identity per hour) and secondary (content creation per minute and per
 * hour, points per minute, concurrency) rate limits, per identity, on the sandbox clock.
 */
export class RateLimiter {
  private usage = new Map<string, IdentityUsage>();
  private current: Limits;

  constructor(
    private readonly initial: Limits,
    private readonly now: () => number,
  ) {
    this.current = initial;
  }

  get limits(): Limits {
    return this.current;
  }

  setLimits(patch: Partial<Limits>): void {
    this.current = limitsSchema.parse({ ...this.current, ...patch });
  }

  reset(): void {
    this.usage = new Map();
    this.current = this.initial;
  }

  /**
   * Admits one request or throws the rate-limit error GitHub would send.
   * `counted` is false for GET /rate_limit, which GitHub does not count.
   */
  admit(identity: Identity, options: { counted: boolean; contentCreating: boolean }): Admission {
    const usage = this.usageOf(identity);
    const primary = this.primaryLimit(identity);
    if (options.counted && primary !== null && usage.used >= primary) {
      throw this.limited(`API rate limit exceeded for ${identity.subject}.`, docs.primaryLimit, {});
    }
    if (options.counted) usage.used += 1;
    const max = this.current.maxConcurrency;
    if (max !== null && usage.inFlight >= max) throw this.secondary(CONCURRENCY_RETRY_AFTER_S);
    if (options.contentCreating) this.admitContent(usage);
    if (options.counted) this.admitPoints(usage, pointCost(options.contentCreating));
    usage.inFlight += 1;
    let released = false;
    return {
      release: () => {
        // The window may have rolled over meanwhile; the in-flight count moved with it.
        const current = this.usage.get(identity.key);
        if (!released && current) current.inFlight -= 1;
        released = true;
      },
      uncount: () => {
        if (options.counted && this.usage.get(identity.key) === usage) usage.used -= 1;
      },
    };
  }

  /** This identity's primary window right now. */
  window(identity: Identity): RateWindow {
    const usage = this.usageOf(identity);
    const limit = this.primaryLimit(identity) ?? UNLIMITED;
    return { limit, remaining: Math.max(0, limit - usage.used), reset: usage.reset, used: usage.used };
  }

  /** Every identity that has sent a request, with its windows as they stand now. */
  usages(): IdentityUsageReport[] {
    const now = this.now();
    return [...this.usage.values()].map(({ identity, inFlight, contentCreated, points }) => ({
      identity: identity.key,
      ...this.window(identity),
      inFlight,
      contentCreatedLastMinute: contentCreated.filter((at) => at > now - MINUTE_MS).length,
      contentCreatedLastHour: contentCreated.filter((at) => at > now - HOUR_MS).length,
      pointsLastMinute: points.filter(({ at }) => at > now - MINUTE_MS).reduce((sum, p) => sum + p.cost, 0),
    }));
  }

  /** Off for everyone when `primaryPerHour` is null; otherwise an installation's own or the configured one. */
  private primaryLimit(identity: Identity): number | null {
    const configured = this.current.primaryPerHour;
    return configured === null ? null : (identity.primaryPerHour ?? configured);
  }

  private admitContent(usage: IdentityUsage): void {
    const now = this.now();
    usage.contentCreated = usage.contentCreated.filter((at) => at > now - HOUR_MS);
    const windows: [number | null, number][] = [
      [this.current.secondaryPerMinute, MINUTE_MS],
      [this.current.secondaryPerHour, HOUR_MS],
    ];
    for (const [limit, span] of windows) {
      const inWindow = usage.contentCreated.filter((at) => at > now - span);
      const oldest = inWindow[0];
      if (limit !== null && oldest !== undefined && inWindow.length >= limit) {
        throw this.secondary(retryAfter(oldest + span, now));
      }
    }
    usage.contentCreated.push(now);
  }

  /** Refuses a request whose cost would take the last minute's points past the limit. */
  private admitPoints(usage: IdentityUsage, cost: number): void {
    const now = this.now();
    usage.points = usage.points.filter(({ at }) => at > now - MINUTE_MS);
    const limit =
      this.current.pointsPerMinute === undefined ? GITHUB_POINTS_PER_MINUTE : this.current.pointsPerMinute;
    let spent = usage.points.reduce((sum, point) => sum + point.cost, 0);
    if (limit !== null && spent + cost > limit) {
      // Wait until enough of the oldest points leave the minute for this request to fit.
      const leaving = usage.points.find((point) => {
        spent -= point.cost;
        return spent + cost <= limit;
      });
      throw this.secondary(retryAfter((leaving?.at ?? now) + MINUTE_MS, now));
    }
    usage.points.push({ at: now, cost });
  }

  private secondary(retryAfterSeconds: number): GitHubError {
    return this.limited(
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
      docs.secondaryLimit,
      { 'retry-after': String(retryAfterSeconds) },
    );
  }

  private limited(message: string, documentationUrl: string, headers: Record<string, string>): GitHubError {
    return new GitHubError(this.current.status, message, documentationUrl, { headers });
  }

  /** The identity's usage, starting a new primary window when the last one has reset. */
  private usageOf(identity: Identity): IdentityUsage {
    const now = this.now();
    const existing = this.usage.get(identity.key);
    if (existing && now < existing.reset * 1000) return existing;
    const fresh: IdentityUsage = {
      identity,
      reset: Math.ceil((now + HOUR_MS) / 1000),
      used: 0,
      inFlight: existing?.inFlight ?? 0,
      contentCreated: existing?.contentCreated ?? [],
      points: existing?.points ?? [],
    };
    this.usage.set(identity.key, fresh);
    return fresh;
  }
}
