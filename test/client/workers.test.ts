import { describe, expect, it } from 'vitest';
import { livePollers } from '../../src/client/workers.js';

const now = Date.parse('2026-12-07T12:00:00Z');
/** As the server sends it: whole seconds (a Long, read through its string form) and nanoseconds. */
const seenAgo = (ms: number) => {
  const at = now - ms;
  const seconds = String(Math.floor(at / 1000));
  return { seconds: { toString: () => seconds }, nanos: (at % 1000) * 1e6 };
};

describe('which workers poll now', () => {
  it('counts only pollers seen within the last 90 s, whatever form the server gives the time in', () => {
    const pollers = [
      { identity: 'just-now', lastAccessTime: seenAgo(5_000) },
      { identity: 'a-minute-ago', lastAccessTime: { seconds: (now - 60_000) / 1000, nanos: 0 } },
      { identity: 'stopped', lastAccessTime: seenAgo(120_000) },
      { identity: 'never-seen' },
    ];
    expect(livePollers(pollers, now)).toEqual(['just-now', 'a-minute-ago']);
  });
});
