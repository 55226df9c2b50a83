import { describe, expect, it } from 'vitest';
import {
  rateLimitBodyObservation,
  rateLimitObservation,
  refusalWaitMs,
} from '../../src/github/rate-headers.js';

const date = 'Wed, 25 Nov 2026 12:00:00 GMT';
const githubNow = Date.parse(date) / 1000;

describe("GitHub's rate arithmetic, in one place", () => {
  it('a refusal and an observation read the same reset the same way: on GitHub’s clock, plus a second', () => {
    const headers = {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(githubNow + 120),
      date,
    };
    expect(refusalWaitMs(headers, 'primary')).toBe(121_000);
    expect(rateLimitObservation(headers)).toEqual({ limit: 5000, remaining: 0, resetInMs: 121_000 });
    expect(rateLimitBodyObservation({ limit: 5000, remaining: 0, reset: githubNow + 120 }, date)).toEqual({
      limit: 5000,
      remaining: 0,
      resetInMs: 121_000,
    });
  });

  it('a reset GitHub’s clock has passed still waits the headers’ one-second resolution', () => {
    const headers = { 'x-ratelimit-reset': String(githubNow - 30), date };
    expect(refusalWaitMs(headers, 'primary')).toBe(1_000);
  });

  it('without a Date header a refusal still waits, measured on our clock', () => {
    const reset = Math.floor(Date.now() / 1000) + 60;
    const waitMs = refusalWaitMs({ 'x-ratelimit-reset': String(reset) }, 'primary') ?? 0;
    expect(waitMs).toBeGreaterThan(55_000);
    expect(waitMs).toBeLessThanOrEqual(61_000);
  });

  it('without GitHub’s Date an observation is dropped: a skewed local clock must not plan the window', () => {
    const window = {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '10',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60),
    };
    expect(rateLimitObservation(window)).toBeUndefined();
    expect(rateLimitObservation({ ...window, date: 'not a date' })).toBeUndefined();
    expect(
      rateLimitBodyObservation(
        { limit: 5000, remaining: 10, reset: Number(window['x-ratelimit-reset']) },
        undefined,
      ),
    ).toBeUndefined();
    expect(rateLimitObservation({ ...window, date: new Date().toUTCString() })).toBeDefined();
  });

  it('a secondary limit waits retry-after seconds; without it GitHub named no wait', () => {
    expect(refusalWaitMs({ 'retry-after': '30' }, 'secondary')).toBe(30_000);
    expect(refusalWaitMs({}, 'secondary')).toBeUndefined();
    expect(refusalWaitMs({ 'retry-after': 'soon' }, 'secondary')).toBeUndefined();
  });

  it('a primary refusal without x-ratelimit-reset names no wait, and headers without a window describe none', () => {
    expect(refusalWaitMs({ 'x-ratelimit-remaining': '0', date }, 'primary')).toBeUndefined();
    expect(rateLimitObservation({ 'x-ratelimit-remaining': '10', date })).toBeUndefined();
    expect(rateLimitObservation(undefined)).toBeUndefined();
  });
});
