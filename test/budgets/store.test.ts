import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { budgetLimitsSchema, type Cost, HOUR_MS, MINUTE_MS } from '../../src/budgets/limits.js';
import { settle } from '../../src/budgets/settle.js';
import type { Grant } from '../../src/budgets/state.js';
import { type BudgetStore, openBudgetStore } from '../../src/budgets/store.js';
import { reserve } from '../../src/budgets/windows.js';
import { testPostgresUrl } from '../support/postgres.js';
import { tempDir } from '../support/temp-dirs.js';

/** The burst up to GitHub's documented limits, which these tests fill; best practices at the end. */
const limits = budgetLimitsSchema.parse({ marginMs: 0, pacing: 'documented-limits' });
const bestPractices = budgetLimitsSchema.parse({ marginMs: 0 });
const write: Cost = { writes: 1, reads: 2 };

/** Every grant against GitHub's windows as GitHub counts them: (t − span, t], the request itself included. */
function overLimit(grants: readonly Grant[]): string[] {
  const problems: string[] = [];
  const windows = [
    { name: 'writes/min', span: MINUTE_MS, limit: limits.writesPerMinute, weight: (g: Grant) => g.writes },
    { name: 'writes/h', span: HOUR_MS, limit: limits.writesPerHour, weight: (g: Grant) => g.writes },
    {
      name: 'points/min',
      span: MINUTE_MS,
      limit: limits.pointsPerMinute,
      weight: (g: Grant) => g.writes * 5 + g.reads,
    },
  ];
  for (const grant of grants) {
    for (const window of windows) {
      const used = grants
        .filter((other) => other.at > grant.at - window.span && other.at <= grant.at)
        .reduce((sum, other) => sum + window.weight(other), 0);
      if (used > window.limit) problems.push(`${window.name} ${used} at ${grant.at}`);
    }
  }
  return problems;
}

/** `workers` store instances (as separate worker processes have) reserving `n` writes at once, all at `now`. */
async function reserveConcurrently(
  open: () => Promise<BudgetStore>,
  workers: number,
  n: number,
  pacing = limits,
) {
  const identity = `token:test-${randomUUID()}`;
  const stores = await Promise.all(Array.from({ length: workers }, open));
  const now = 1_000_000;
  const slots = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      (stores[i % workers] as BudgetStore).update(identity, (state) => {
        const granted = reserve(state, pacing, now, `k${i}`, write);
        return { state: granted.state, result: granted.at };
      }),
    ),
  );
  // A reservation claimed when its slot comes gets that slot, from any worker.
  const again = await (stores[0] as BudgetStore).update(identity, (state) => {
    const granted = reserve(state, pacing, now, 'k7', write);
    return { state: granted.state, result: granted.at };
  });
  const grants = await (stores[1] as BudgetStore).update(identity, (state) => ({
    state,
    result: state.grants,
  }));
  await Promise.all(stores.map((store) => store.close()));
  return { now, slots, again, grants };
}

describe.each([
  ['the file store (one host)', async () => `file:${await tempDir('budgets')}`],
  ['the PostgreSQL store (several hosts)', async () => testPostgresUrl()],
])('%s', (_name, location) => {
  it('hands out each slot once to many workers reserving at once: never over any window', async () => {
    const where = await location();
    const { now, slots, again, grants } = await reserveConcurrently(() => openBudgetStore(where), 4, 160);
    expect(grants).toHaveLength(160);
    expect(overLimit(grants)).toEqual([]);
    // GitHub's burst: the first 80 writes go at once, the next 80 a minute later.
    expect(slots.filter((at) => at === now)).toHaveLength(80);
    expect(slots.filter((at) => at === now + MINUTE_MS)).toHaveLength(80);
    expect(again).toBe(slots[7]);
  }, 60_000);

  it('under best practices, spaces the writes of many workers reserving at once: one now, then a second apart', async () => {
    const where = await location();
    const { now, slots } = await reserveConcurrently(() => openBudgetStore(where), 4, 40, bestPractices);
    expect([...slots].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => now + i * 1000));
  }, 60_000);

  it('keeps the budget across a restart: a new worker sees every reservation made before', async () => {
    const where = await location();
    const identity = `token:restart-${randomUUID()}`;
    const first = await openBudgetStore(where);
    for (let i = 0; i < 80; i++) {
      await first.update(identity, (state) => ({
        state: reserve(state, limits, 0, `a${i}`, write).state,
        result: 0,
      }));
    }
    await first.update(identity, (state) => ({
      state: settle(state, limits, 10, {
        key: 'a0',
        observed: { limit: 5000, remaining: 4000, resetInMs: HOUR_MS },
      }),
      result: 0,
    }));
    await first.close();
    const second = await openBudgetStore(where);
    const { at, primary } = await second.update(identity, (state) => {
      const granted = reserve(state, limits, 20, 'b0', write);
      return { state: granted.state, result: { at: granted.at, primary: granted.state.primary } };
    });
    await second.close();
    expect(at).toBe(MINUTE_MS);
    expect(primary).toMatchObject({ limit: 5000, remaining: 4000 });
  });

  it('keeps a write in flight across a restart: under best practices the next waits for it', async () => {
    const where = await location();
    const identity = `token:in-flight-${randomUUID()}`;
    const first = await openBudgetStore(where);
    await first.update(identity, (state) => ({
      state: reserve(state, bestPractices, 0, 'a', write).state,
      result: 0,
    }));
    await first.close();
    // The first worker died with its write in flight: a new one looks again a second later, and
    // once the write has ended (settled, or its lease ran out), goes a second after its end.
    const second = await openBudgetStore(where);
    const next = (now: number) =>
      second.update(identity, (state) => {
        const granted = reserve(state, bestPractices, now, 'b', write);
        return { state: granted.state, result: granted };
      });
    expect((await next(5_000)).at).toBe(6_000);
    const lease = bestPractices.leaseMs;
    expect((await next(lease)).at).toBe(lease + 500);
    const afterLease = await next(lease + 500);
    expect(afterLease.at).toBe(lease + 500);
    expect(afterLease.writeFrom).toBe(lease + 1000);
    await second.close();
  });
});
