import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BudgetLimits,
  budgetLimitsSchema,
  type Cost,
  HOUR_MS,
  MINUTE_MS,
} from '../../src/budgets/limits.js';
import { type BudgetState, emptyBudget, type Grant, reserve, settle } from '../../src/budgets/windows.js';

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

/** The earliest each of `n` writes can go out from an idle start: 80 a minute until the hour holds 500. */
function earliestWriteSchedule(n: number, perMinute = 80, perHour = 500): number[] {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const minute = i >= perMinute ? (times[i - perMinute] as number) + MINUTE_MS : 0;
    const hour = i >= perHour ? (times[i - perHour] as number) + HOUR_MS : 0;
    times.push(Math.max(times[i - 1] ?? 0, minute, hour));
  }
  return times;
}

const exact = (patch: Partial<BudgetLimits> = {}) => budgetLimitsSchema.parse({ marginMs: 0, ...patch });

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
