import { type Limits, limitsSchema } from './config.js';
import { docs, GitHubError } from './github-errors.js';

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** GitHub sends no useful retry-after for concurrency and advises waiting a minute; so does the sandbox. */
const CONCURRENCY_RETRY_AFTER_S = 60;
/** What x-ratelimit-limit says when the primary limit is off: unlimited in practice. */
const UNLIMITED = 2_147_483_647;

interface TokenUsage {
  /** Epoch seconds when the primary window resets, as GitHub's x-ratelimit-reset. */
  reset: number;
  used: number;
  inFlight: number;
  /** Sandbox times of admitted content-creating requests within the last hour. */
  contentCreated: number[];
}

/** One token's primary window, in the numbers GitHub's rate_limit body and headers carry. */
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
}

/**
 * GitHub's primary (per token per hour) and secondary (content creation per minute and
 * per hour, concurrency) rate limits, all measured on the sandbox clock.
 */
export class RateLimiter {
  private usage = new Map<string, TokenUsage>();
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
  admit(tokenId: string, userId: number, options: { counted: boolean; contentCreating: boolean }): Admission {
    const usage = this.usageOf(tokenId);
    const primary = this.current.primaryPerHour;
    if (options.counted && primary !== null && usage.used >= primary) {
      throw this.limited(`API rate limit exceeded for user ID ${userId}.`, docs.primaryLimit, {});
    }
    if (options.counted) usage.used += 1;
    const max = this.current.maxConcurrency;
    if (max !== null && usage.inFlight >= max) throw this.secondary(CONCURRENCY_RETRY_AFTER_S);
    if (options.contentCreating) this.admitContent(usage);
    usage.inFlight += 1;
    let released = false;
    return {
      release: () => {
        if (!released) usage.inFlight -= 1;
        released = true;
      },
    };
  }

  /** This token's primary window right now. */
  window(tokenId: string): RateWindow {
    const usage = this.usageOf(tokenId);
    const limit = this.current.primaryPerHour ?? UNLIMITED;
    return { limit, remaining: Math.max(0, limit - usage.used), reset: usage.reset, used: usage.used };
  }

  private admitContent(usage: TokenUsage): void {
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
        throw this.secondary(Math.max(1, Math.ceil((oldest + span - now) / 1000)));
      }
    }
    usage.contentCreated.push(now);
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

  /** The token's usage, starting a new primary window when the last one has reset. */
  private usageOf(tokenId: string): TokenUsage {
    const now = this.now();
    const existing = this.usage.get(tokenId);
    if (existing && now < existing.reset * 1000) return existing;
    const fresh: TokenUsage = {
      reset: Math.ceil((now + HOUR_MS) / 1000),
      used: 0,
      inFlight: existing?.inFlight ?? 0,
      contentCreated: existing?.contentCreated ?? [],
    };
    this.usage.set(tokenId, fresh);
    return fresh;
  }
}
