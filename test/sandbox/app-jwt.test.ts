import { describe, expect, it } from 'vitest';
import { jwtTimingError } from '../../src/sandbox/app-jwt.js';

describe('App JWT timing, as GitHub checks it', () => {
  const now = 1_700_000_000;
  it('accepts what @octokit/auth-app sends: iat 30 s back, exp 10 minutes after iat', () => {
    expect(jwtTimingError(now - 30, now + 570, now)).toBeUndefined();
  });

  it('refuses an expired, a too long-lived and a future-dated JWT with GitHub’s messages', () => {
    expect(jwtTimingError(now - 700, now - 100, now)).toMatch(/^'Expiration time' claim \('exp'\) must be/);
    expect(jwtTimingError(now, now + 601, now)).toBe(
      "'Expiration time' claim ('exp') is too far in the future.",
    );
    expect(jwtTimingError(now - 300, now + 400, now)).toMatch(/too far in the future/);
    expect(jwtTimingError(now + 120, now + 500, now)).toMatch(
      /^'Issued at' claim \('iat'\) must be an Integer/,
    );
    expect(jwtTimingError('soon', now + 500, now)).toMatch(/'Issued at'/);
  });
});
