import { RequestError } from '@octokit/request-error';
import { Code, type FinalGitHubCode, type RateLimitCode } from '../codes.js';
import { refusalWaitMs } from './rate-headers.js';

/**
 * What a GitHub error means for the next attempt, decided from the error alone (in the
 * spirit of octokit plugin-retry's error-request): retry with backoff, wait for a rate
 * limit, or stop. Temporal failures are built from this in src/activities.
 */
export type GitHubErrorClass =
  /** 5xx, a network error, anything that is not GitHub's answer: worth another attempt. */
  | { kind: 'unavailable'; message: string }
  /** GitHub asks to wait `waitMs` (src/github/rate-headers.ts; unknown for a secondary limit without retry-after). */
  | { kind: 'rate-limit'; code: RateLimitCode; message: string; waitMs?: number }
  /** A 4xx answer that the same request will always get again. */
  | { kind: 'final'; code: FinalGitHubCode; message: string };

const header = (error: RequestError, name: string): string | undefined => {
  const value = error.response?.headers[name];
  return value === undefined ? undefined : String(value);
};

function rateLimitOf(error: RequestError): RateLimitCode | undefined {
  if (error.status !== 403 && error.status !== 429) return undefined;
  if (header(error, 'x-ratelimit-remaining') === '0') return Code.GITHUB_PRIMARY_RATE_LIMIT;
  if (header(error, 'retry-after') !== undefined || /secondary rate limit/i.test(error.message))
    return Code.GITHUB_SECONDARY_RATE_LIMIT;
  return error.status === 429 ? Code.GITHUB_SECONDARY_RATE_LIMIT : undefined;
}

function finalCode(status: number): FinalGitHubCode {
  if (status === 401) return Code.GITHUB_BAD_CREDENTIALS;
  if (status === 404) return Code.GITHUB_NOT_FOUND;
  if (status === 422) return Code.GITHUB_VALIDATION_FAILED;
  return Code.GITHUB_FORBIDDEN;
}

export function classifyGitHubError(error: unknown): GitHubErrorClass {
  if (!(error instanceof RequestError) || error.status >= 500) {
    const detail = error instanceof Error ? error.message : String(error);
    return { kind: 'unavailable', message: `GitHub is unavailable: ${detail}` };
  }
  const message = `GitHub answered ${error.status}: ${error.message}`;
  const limit = rateLimitOf(error);
  if (limit) {
    const kind = limit === Code.GITHUB_PRIMARY_RATE_LIMIT ? 'primary' : 'secondary';
    return { kind: 'rate-limit', code: limit, message, waitMs: refusalWaitMs(error.response?.headers, kind) };
  }
  return { kind: 'final', code: finalCode(error.status), message };
}
