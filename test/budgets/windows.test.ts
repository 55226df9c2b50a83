import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BudgetLimits,
  budgetLimitsSchema,
  type Cost,
  HOUR_MS,
  MINUTE_MS,
} from '../../src/budgets/limits.js';
import { settle } from '../../src/budgets/settle.js';
import { type BudgetState, emptyBudget, type Grant } from '../../src/budgets/state.js';
import { reserve } from '../../src/budgets/windows.js';
import { earliestSchedule } from '../support/rate-limit-model.js';

/**
 * A reference model of GitHub's documented windows, written independently of src/budgets:
 * a request at t is accepted when, counting it, every sliding window (t − span, t] holds at
 * most its limit and at most `concurrency` requests are in flight.
 */
function referenceWindows(limits: BudgetLimits) {
  const minute = MINUTE_MS / limits.clockRate;
  const hour = HOUR_MS / limits.clockRate;
  return [
    { span: minute, limit: limits.writesPerMinute, weight: (c: Cost) => c.writes },
    { span: hour, limit: limits.writesPerHour, weight: (c: Cost) => c.writes },
    {
      span: minute,
      limit: limits.pointsPerMinute,
      weight: (c: Cost) => c.writes * limits.writePoints + c.reads * limits.readPoints,
    },
  ];
}

/** Would GitHub accept `candidate` at `at` after `earlier`? */
function acceptedAt(limits: BudgetLimits, earlier: readonly Grant[], at: number, cost: Cost): boolean {
  for (const window of referenceWindows(limits)) {
    const used = earlier
      .filter((grant) => grant.at > at - window.span && grant.at <= at)
      .reduce((sum, grant) => sum + window.weight(grant), 0);
    if (used + window.weight(cost) > window.limit) return false;
  }
  const inFlight = earlier.filter((grant) => grant.at <= at && grant.leaseEnd > at).length;
  return inFlight + 1 <= limits.concurrency;
}

/** The earliest instant ≥ base GitHub would accept: the base, or when a request leaves a window or its lease ends. */
function referenceEarliest(
  limits: BudgetLimits,
  earlier: readonly Grant[],
  base: number,
  cost: Cost,
): number {
  const candidates = [
    base,
    ...earlier.flatMap((grant) => referenceWindows(limits).map((window) => grant.at + window.span)),
    ...earlier.map((grant) => grant.leaseEnd),
  ]
    .filter((t) => t >= base)
    .sort((a, b) => a - b);
  const found = candidates.find((t) => acceptedAt(limits, earlier, t, cost));
  if (found === undefined) throw new Error('no candidate accepted');
  return found;
}

/** The earliest each of `n` writes can go out from an idle start (test/support/rate-limit-model.ts), in ms. */
const earliestWriteSchedule = (n: number, pacing: BudgetLimits['pacing'] = 'documented-limits') =>
  earliestSchedule(n, pacing).map((seconds) => seconds * 1000);

/** The burst up to GitHub's documented limits, without the margin: the windows exactly. */
const exact = (patch: Partial<BudgetLimits> = {}) =>
  budgetLimitsSchema.parse({ marginMs: 0, pacing: 'documented-limits', ...patch });

const costArb = fc.record({ writes: fc.integer({ min: 0, max: 1 }), reads: fc.integer({ min: 0, max: 5 }) });
/** Requests arriving over time: a gap (ms) before each and its cost. */
const arrivalsArb = fc.array(fc.record({ gap: fc.integer({ min: 0, max: 20_000 }), cost: costArb }), {
  minLength: 1,
  maxLength: 120,
});
/** Small limits, so that a hundred requests meet every window. */
const limitsArb = fc.record({
  writesPerMinute: fc.integer({ min: 1, max: 12 }),
  writesPerHour: fc.integer({ min: 1, max: 40 }),
  pointsPerMinute: fc.integer({ min: 10, max: 60 }),
  concurrency: fc.integer({ min: 1, max: 8 }),
  leaseMs: fc.integer({ min: 1, max: 90_000 }),
});

function replay(limits: BudgetLimits, arrivals: { gap: number; cost: Cost }[]) {
  let state: BudgetState = emptyBudget();
  let now = 1_000_000;
  const granted: { grant: Grant; now: number }[] = [];
  arrivals.forEach(({ gap, cost }, i) => {
    now += gap;
    const result = reserve(state, limits, now, `k${i}`, cost);
    state = result.state;
    granted.push({ grant: state.grants.find((g) => g.key === `k${i}`) as Grant, now });
  });
  return granted;
}

/** The slots of `n` writes all asking at once from an idle start. */
function writesAtOnce(limits: BudgetLimits, n: number): number[] {
  let state = emptyBudget();
  return Array.from({ length: n }, (_, i) => {
    const result = reserve(state, limits, 0, `w${i}`, { writes: 1, reads: 0 });
    state = result.state;
    return result.at;
  });
}

describe('budget arithmetic against a reference model of GitHub’s windows', () => {
  it('never grants a request GitHub would refuse, and grants each at the earliest instant it would accept', () => {
    fc.assert(
      fc.property(limitsArb, arrivalsArb, (patch, arrivals) => {
        const limits = exact(patch);
        const granted = replay(limits, arrivals);
        const all = granted.map(({ grant }) => grant);
        granted.forEach(({ grant, now }, i) => {
          const earlier = all.slice(0, i);
          expect(acceptedAt(limits, earlier, grant.at, grant)).toBe(true);
          // First come, first served: never before the previous grant.
          const base = Math.max(now, earlier.at(-1)?.at ?? now);
          expect(grant.at).toBe(referenceEarliest(limits, earlier, base, grant));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('with the safety margin, every window is still within its limit measured over the margin-free span', () => {
    fc.assert(
      fc.property(limitsArb, arrivalsArb, fc.integer({ min: 1, max: 5_000 }), (patch, arrivals, marginMs) => {
        const limits = exact({ ...patch, marginMs });
        const all = replay(limits, arrivals).map(({ grant }) => grant);
        all.forEach((grant, i) => {
          // A write sent up to the margin late still finds the window as the model left it.
          expect(acceptedAt(limits, all.slice(0, i), grant.at + marginMs, grant)).toBe(true);
        });
      }),
      { numRuns: 100 },
    );
  });

  it('uses the burst: 80 writes at once, then the windows’ pace; 600 writes match the earliest schedule', () => {
    const times = writesAtOnce(exact(), 600);
    expect(times.slice(0, 80).every((t) => t === 0)).toBe(true);
    expect(times[80]).toBe(MINUTE_MS);
    expect(times).toEqual(earliestWriteSchedule(600));
  });

  it('time compression shrinks every GitHub window by the clock rate', () => {
    // Leases are ours, not GitHub's: short here, as settled activities make them.
    const times = writesAtOnce(exact({ clockRate: 120, leaseMs: 1 }), 600);
    expect(times).toEqual(earliestWriteSchedule(600).map((t) => t / 120));
  });

  it('gives a key its slot again, so a write told to wait uses the slot it was given', () => {
    const limits = exact({ writesPerMinute: 1 });
    const first = reserve(emptyBudget(), limits, 0, 'a', { writes: 1, reads: 0 });
    const second = reserve(first.state, limits, 0, 'b', { writes: 1, reads: 0 });
    expect(second.at).toBe(MINUTE_MS);
    const again = reserve(second.state, limits, 30_000, 'b', { writes: 1, reads: 0 });
    expect(again.at).toBe(MINUTE_MS);
    expect(again.state.grants).toHaveLength(2);
  });
});

describe('the primary limit learned from x-ratelimit-* headers', () => {
  const read: Cost = { writes: 0, reads: 1 };

  it('never spends past the reserve before the reset, whatever another client spent meanwhile', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 50, max: 500 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 20, max: 200 }),
        (limit, foreignPercent, wanted) => {
          const limits = exact({ primaryPerHour: limit });
          const reserveCount = Math.ceil(limit * limits.primaryReserve);
          const foreign = Math.floor((limit * foreignPercent) / 100);
          // One request of ours, then GitHub's headers show ours and the other client's.
          let { state } = reserve(emptyBudget(), limits, 0, 'first', read);
          state = settle(state, limits, 1, {
            key: 'first',
            observed: { limit, remaining: limit - 1 - foreign, resetInMs: HOUR_MS - 1 },
          });
          const before = [];
          for (let i = 0; i < wanted; i++) {
            const result = reserve(state, limits, 2, `r${i}`, read);
            state = result.state;
            if (result.at < HOUR_MS) before.push(result.at);
          }
          // What GitHub would count before its reset: the first request, the other client's, ours.
          expect(1 + foreign + before.length).toBeLessThanOrEqual(limit - reserveCount);
          expect(1 + foreign + before.length).toBe(Math.min(1 + foreign + wanted, limit - reserveCount));
        },
      ),
    );
  });

  it('checks a slot decided earlier again when it is claimed: another client may have spent the window since', () => {
    const limits = exact({ primaryPerHour: 100, writesPerMinute: 1 });
    const write: Cost = { writes: 1, reads: 0 };
    let { state } = reserve(emptyBudget(), limits, 0, 'first', write);
    state = settle(state, limits, 1, {
      key: 'first',
      observed: { limit: 100, remaining: 90, resetInMs: HOUR_MS - 1 },
    });
    // One write a minute: the second is promised a minute after the first went out, while 90 remain.
    const promised = reserve(state, limits, 2, 'second', write);
    expect(promised.at).toBe(1 + MINUTE_MS);
    state = promised.state;
    // Meanwhile GitHub says another client spent the rest: the promise moves to the reset.
    state = settle(state, limits, 30_000, {
      key: 'first',
      observed: { limit: 100, remaining: 3, resetInMs: HOUR_MS - 30_000 },
    });
    expect(reserve(state, limits, 10, 'second', write).at).toBe(1 + MINUTE_MS);
    expect(reserve(state, limits, 1 + MINUTE_MS, 'second', write).at).toBe(HOUR_MS);
  });

  it('counts a write that went out late where it went: the slot a window later waits for it', () => {
    const limits = exact({ writesPerMinute: 2 });
    const write: Cost = { writes: 1, reads: 0 };
    let state = emptyBudget();
    for (const key of ['a', 'b', 'c', 'd']) state = reserve(state, limits, 0, key, write).state;
    expect(state.grants.map((grant) => grant.at)).toEqual([0, 0, MINUTE_MS, MINUTE_MS]);
    // a goes on time; b's timer fires five seconds late, and its claim records when it went.
    state = reserve(state, limits, 0, 'a', write).state;
    const late = reserve(state, limits, 5_000, 'b', write);
    expect(late.at).toBe(5_000);
    state = late.state;
    // A minute on, c still fits beside b; d, sent on its slot, would make three in b's minute.
    const c = reserve(state, limits, MINUTE_MS, 'c', write);
    expect(c.at).toBe(MINUTE_MS);
    expect(reserve(c.state, limits, MINUTE_MS, 'd', write).at).toBe(5_000 + MINUTE_MS);
  });

  it('trusts the lowest remaining within a window and a later reset as a new window', () => {
    const limits = exact({ primaryPerHour: 100 });
    let { state } = reserve(emptyBudget(), limits, 0, 'a', read);
    state = settle(state, limits, 10, {
      key: 'a',
      observed: { limit: 100, remaining: 40, resetInMs: 60_000 },
    });
    state = settle(state, limits, 20, {
      key: 'a',
      observed: { limit: 100, remaining: 70, resetInMs: 59_990 },
    });
    expect(state.primary).toMatchObject({ remaining: 40, resetAt: 60_010 });
    state = settle(state, limits, 70_000, {
      key: 'a',
      observed: { limit: 15_000, remaining: 14_999, resetInMs: HOUR_MS },
    });
    expect(state.primary).toMatchObject({ limit: 15_000, remaining: 14_999, resetAt: 70_000 + HOUR_MS });
  });
});

describe('refusals', () => {
  const write: Cost = { writes: 1, reads: 0 };

  it('a secondary refusal blocks until retry-after and tightens the windows for an hour', () => {
    const limits = exact();
    let { state } = reserve(emptyBudget(), limits, 0, 'a', write);
    state = settle(state, limits, 100, { key: 'a', refused: { kind: 'secondary', waitMs: 30_000 } });
    expect(reserve(state, limits, 200, 'b', write).at).toBe(30_100);
    let at = 0;
    for (let i = 0; i < 80; i++) {
      const result = reserve(state, limits, 40_000, `t${i}`, write);
      state = result.state;
      at = result.at;
    }
    // 80 × 0.8 = 64 a minute, with the refused one: the 80th waits for the next minute.
    expect(at).toBeGreaterThan(40_000);
  });

  it('a primary refusal waits for the reset it names', () => {
    const limits = exact();
    let { state } = reserve(emptyBudget(), limits, 0, 'a', write);
    state = settle(state, limits, 100, { key: 'a', refused: { kind: 'primary', waitMs: 600_000 } });
    expect(reserve(state, limits, 200, 'b', write).at).toBe(600_100);
  });
});

describe('best practices: writes one at a time, a second apart, few requests in flight', () => {
  const write: Cost = { writes: 1, reads: 0 };
  const paced = (patch: Partial<BudgetLimits> = {}) => budgetLimitsSchema.parse({ marginMs: 0, ...patch });

  interface Sent {
    key: string;
    claimedAt: number;
    sentAt: number;
    endedAt: number;
  }

  /**
   * `n` writes reserved at once, each coming back at its slot after a timer's latency (a wait
   * again when told to), then sending its write when `writeFrom` allows, taking its duration, and
   * settling; `dead` writes never settle (their worker died). Events in time order, like workers
   * sharing one store.
   */
  function train(limits: BudgetLimits, runs: { latency: number; duration: number; dead?: boolean }[]) {
    let state = emptyBudget();
    const events: { time: number; i: number; kind: 'claim' | 'settle' }[] = [];
    const sent: Sent[] = [];
    /** The activity of write `i` at `now`: sends when its slot has come, or comes back at it. */
    const attempt = (i: number, now: number) => {
      const run = runs[i] as (typeof runs)[number];
      const result = reserve(state, limits, now, `w${i}`, write);
      state = result.state;
      if (result.at > now) {
        events.push({ time: result.at + run.latency, i, kind: 'claim' });
        return;
      }
      const sentAt = Math.max(now, result.writeFrom);
      sent.push({ key: `w${i}`, claimedAt: now, sentAt, endedAt: sentAt + run.duration });
      if (!run.dead) events.push({ time: sentAt + run.duration, i, kind: 'settle' });
    };
    runs.forEach((_, i) => {
      attempt(i, 0);
    });
    for (;;) {
      events.sort((a, b) => a.time - b.time);
      const event = events.shift();
      if (!event) return sent;
      if (event.kind === 'claim') attempt(event.i, event.time);
      else state = settle(state, limits, event.time, { key: `w${event.i}` });
    }
  }

  const runsArb = fc.array(
    fc.record({ latency: fc.integer({ min: 0, max: 400 }), duration: fc.integer({ min: 1, max: 3_000 }) }),
    { minLength: 2, maxLength: 60 },
  );

  it('never sends a write while another is in flight, and each at least a gap (GitHub time) after the previous ended', () => {
    fc.assert(
      // The operator's cap (GitHub ms between writes): none, 0.5 and 0.05 writes a second.
      fc.property(
        runsArb,
        fc.constantFrom(1, 4, 120),
        fc.constantFrom(0, 2_000, 20_000),
        (runs, clockRate, cap) => {
          const limits = paced({ clockRate, writeSpacingMs: cap });
          const scaled = runs.map((run) => ({
            latency: run.latency / clockRate,
            duration: run.duration / clockRate,
          }));
          const sent = train(limits, scaled).sort((a, b) => a.sentAt - b.sentAt);
          expect(sent).toHaveLength(runs.length);
          sent.slice(1).forEach((write, i) => {
            const previous = sent[i] as Sent;
            expect((write.sentAt - previous.endedAt) * clockRate).toBeGreaterThanOrEqual(
              Math.max(1000, cap) - 1e-6,
            );
            // The only wait in a worker, whatever the cap: under half a second between the claim and the write.
            expect((write.sentAt - write.claimedAt) * clockRate).toBeLessThanOrEqual(500 + 1e-6);
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps the train at a second a write when the writes are quick', () => {
    const sent = train(
      paced(),
      Array.from({ length: 100 }, () => ({ latency: 30, duration: 10 })),
    );
    const last = Math.max(...sent.map((write) => write.sentAt));
    // The second write comes back 30 ms after its slot; then each goes a second after the
    // previous one ended (10 ms after it went): 99 s and a second per cent.
    expect(last).toBe(1030 + 98 * 1010);
  });

  it('a write whose worker died blocks the next until its lease ends, then a second more', () => {
    const limits = paced({ leaseMs: 30_000 });
    const sent = train(limits, [
      { latency: 0, duration: 10, dead: true },
      { latency: 20, duration: 10 },
    ]);
    expect(sent.map((write) => write.sentAt)).toEqual([0, 31_000]);
  });

  it('plans writes reserved at once on the earliest schedule: t(n) = max(t(n−1) + 1 s, t(n−80) + 60 s, t(n−500) + 3600 s)', () => {
    const times = writesAtOnce(paced(), 600);
    expect(times).toEqual(earliestWriteSchedule(600, 'best-practices'));
    expect(times[99]).toBe(99_000);
    expect(times[599]).toBe(3_699_000);
    expect(writesAtOnce(paced({ clockRate: 4 }), 100).at(-1)).toBe(99_000 / 4);
  });

  it('lets at most four reservations go at once; the next looks again a second later, or when one ends', () => {
    const limits = paced({ leaseMs: 30_000 });
    const read: Cost = { writes: 0, reads: 1 };
    let state = emptyBudget();
    const slots = Array.from({ length: 6 }, (_, i) => {
      const result = reserve(state, limits, 0, `r${i}`, read);
      state = result.state;
      return result.at;
    });
    expect(slots).toEqual([0, 0, 0, 0, 1000, 1000]);
    // Only what went counts: a read that ends frees its place for the next one at once.
    let fresh = emptyBudget();
    for (const key of ['a', 'b', 'c', 'd']) fresh = reserve(fresh, limits, 0, key, read).state;
    fresh = settle(fresh, limits, 50, { key: 'b' });
    expect(reserve(fresh, limits, 60, 'e', read).at).toBe(60);
    expect(reserve(fresh, limits, 60, 'e', read).state.grants.filter((g) => g.leaseEnd > 60)).toHaveLength(4);
  });

  it('the operator’s cap still spaces writes further when it is under one a second', () => {
    expect(writesAtOnce(paced({ writeSpacingMs: 2_000 }), 3)).toEqual([0, 2_000, 4_000]);
  });

  it('under a cap of 0.05 writes a second, the 20 s gap is waited on a durable timer but its last half second', () => {
    const limits = paced({ writeSpacingMs: 20_000 });
    let { state } = reserve(emptyBudget(), limits, 0, 'a', write);
    state = settle(state, limits, 10, { key: 'a' });
    const next = reserve(state, limits, 10, 'b', write);
    expect(next.at).toBe(19_510);
    const claimed = reserve(next.state, limits, next.at, 'b', write);
    expect(claimed).toMatchObject({ at: 19_510, writeFrom: 20_010 });
  });
});
