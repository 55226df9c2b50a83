import { RequestError } from '@octokit/request-error';
import { describe, expect, it } from 'vitest';
import { classifyGitHubError } from '../../src/github/error-class.js';

const request = { method: 'POST' as const, url: 'https://api.github.com/repos/o/r/releases', headers: {} };
const answer = (status: number, message: string, headers: Record<string, string> = {}) =>
  new RequestError(message, status, {
    request,
    response: { status, url: request.url, headers, data: { message } },
  });

describe('what a GitHub error means for the next attempt', () => {
  it('5xx and anything that is not GitHub answering are worth another attempt', () => {
    expect(classifyGitHubError(answer(502, 'Bad Gateway')).kind).toBe('unavailable');
    expect(classifyGitHubError(new Error('socket hang up'))).toEqual({
      kind: 'unavailable',
      message: 'GitHub is unavailable: socket hang up',
    });
  });

  it('a primary limit waits until the reset, measured on GitHub’s Date clock', () => {
    const date = 'Wed, 25 Nov 2026 12:00:00 GMT';
    const reset = String(Date.parse(date) / 1000 + 120);
    const error = answer(403, 'API rate limit exceeded', {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': reset,
      date,
    });
    expect(classifyGitHubError(error)).toMatchObject({
      kind: 'rate-limit',
      code: 'GITHUB_PRIMARY_RATE_LIMIT',
      waitMs: 121_000,
    });
  });

  it('a secondary limit waits for retry-after, or leaves the wait to the workflow without one', () => {
    const withRetryAfter = answer(403, 'You have exceeded a secondary rate limit', { 'retry-after': '30' });
    expect(classifyGitHubError(withRetryAfter)).toMatchObject({
      code: 'GITHUB_SECONDARY_RATE_LIMIT',
      waitMs: 30_000,
    });
    expect(classifyGitHubError(answer(429, 'Too Many Requests'))).toMatchObject({
      code: 'GITHUB_SECONDARY_RATE_LIMIT',
      waitMs: undefined,
    });
  });

  it('other 4xx answers are final, each with its code', () => {
    const codes = [401, 403, 404, 422].map((status) => classifyGitHubError(answer(status, 'No')));
    expect(codes.map((decided) => (decided.kind === 'final' ? decided.code : decided.kind))).toEqual([
      'GITHUB_BAD_CREDENTIALS',
      'GITHUB_FORBIDDEN',
      'GITHUB_NOT_FOUND',
      'GITHUB_VALIDATION_FAILED',
    ]);
  });
});
