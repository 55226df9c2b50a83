import { setTimeout as delay } from 'node:timers/promises';
import type { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withBudget } from '../../src/activities/budgets.js';
import { budgetLimitsSchema, githubLimits, HOUR_MS } from '../../src/budgets/limits.js';
import { memoryBudgetStore } from '../../src/budgets/store.js';
import { Code } from '../../src/codes.js';
import type { Observation } from '../../src/github/rate-headers.js';
import type { BudgetWaitDetails } from '../../src/shared.js';

const wholeWindow: Observation = { limit: 5000, remaining: 5000, resetInMs: 3_600_000 };

describe('reserving from a cold budget', () => {
  it('sends at once when another activity reserved while this one looked at GitHub’s window (burst)', async () => {
    // Two writes at once: only the burst up to the documented limits sends both now.
    const budgets = {
      store: memoryBudgetStore(),
      limits: budgetLimitsSchema.parse({ pacing: 'documented-limits' }),
    };
    let secondReserved!: () => void;
    const reservedMeanwhile = new Promise<void>((resolve) => {
      secondReserved = resolve;
    });
    const spend = (reservation: string, lookUp: () => Promise<Observation>) =>
      new MockActivityEnvironment().run(() =>
        withBudget(
          budgets,
          {
            identity: 'token:cold',
            reservation,
            cost: { writes: 1, reads: 1 },
            notAfter: Date.now() + 60_000,
            lookUp,
          },
          async () => 'sent',
        ),
      );
    // The first activity's look answers only after the second has reserved, a few ms later:
    // its slot must be decided from then, not from before its look.
    const slow = spend('slow', async () => {
      await reservedMeanwhile;
      await delay(5);
      return wholeWindow;
    });
    const fast = spend('fast', async () => wholeWindow).finally(secondReserved);
    expect(await Promise.all([slow, fast])).toEqual(['sent', 'sent']);
  });

  it('under best practices, at most four look at once; one write goes, the others are told to wait', async () => {
    const budgets = { store: memoryBudgetStore(), limits: githubLimits };
    let looking = 0;
    let most = 0;
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const lookUp = async () => {
      most = Math.max(most, ++looking);
      await answered;
      looking--;
      return wholeWindow;
    };
    const spends = Array.from({ length: 10 }, (_, i) =>
      new MockActivityEnvironment().run(() =>
        withBudget(
          budgets,
          {
            identity: 'token:cold-many',
            reservation: `w${i}`,
            cost: { writes: 1, reads: 1 },
            notAfter: Date.now() + 60_000,
            lookUp,
          },
          async () => 'sent',
        ),
      ),
    );
    const settled = Promise.allSettled(spends);
    await delay(50);
    answer();
    const results = await settled;
    expect(most).toBe(4);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const waits = results.filter(
      (result) => result.status === 'rejected' && result.reason.type === Code.GITHUB_BUDGET_WAIT,
    );
    expect(waits).toHaveLength(9);
  });
});

describe('past the primary window’s reset', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a planned train keeps a second a write: a write claiming its slot looks at once, not after the train’s last slot', async () => {
    // Our clock is Date's, moved by hand: each activity runs at the instant it is due.
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.UTC(2030, 0, 1);
    // GitHub's window resets between the 31st write and the 32nd.
    const resetAt = start + 30_500;
    let looks = 0;
    const lookUp = async (): Promise<Observation> => {
      looks++;
      const reset = Date.now() < resetAt ? resetAt : resetAt + HOUR_MS;
      return { limit: 5000, remaining: 4900, resetInMs: reset - Date.now() };
    };
    const budgets = { store: memoryBudgetStore(), limits: githubLimits };
    const sentAt: number[] = [];
    const attempt = (i: number) =>
      new MockActivityEnvironment().run(() =>
        withBudget(
          budgets,
          {
            identity: 'token:reset',
            reservation: `w${i}`,
            cost: { writes: 1, reads: 1 },
            notAfter: start + 120_000,
            lookUp,
          },
          async (pace) => {
            await pace.beforeWrite();
            sentAt.push(Date.now());
          },
        ),
      );
    // 100 writes reserve at once; each told to wait comes back 600 ms after its slot (past the
    // half second a worker may wait, so no real time passes in a worker).
    const due = Array.from({ length: 100 }, (_, i) => ({ i, at: start }));
    for (let next = due.shift(); next; next = due.shift()) {
      vi.setSystemTime(next.at);
      const waitMs = await attempt(next.i).then(
        () => undefined,
        (error: ApplicationFailure) => {
          if (error.type !== Code.GITHUB_BUDGET_WAIT) throw error;
          return (error.details as [BudgetWaitDetails])[0].waitMs;
        },
      );
      if (waitMs !== undefined) due.push({ i: next.i, at: next.at + waitMs + 600 });
      due.sort((a, b) => a.at - b.at || a.i - b.i);
    }
    expect(sentAt).toHaveLength(100);
    const gaps = sentAt.slice(1).map((at, i) => at - (sentAt[i] as number));
    expect(Math.max(...gaps)).toBeLessThanOrEqual(1_100);
    expect((sentAt.at(-1) as number) - start).toBe(99_100);
    // Once cold, once past the reset.
    expect(looks).toBe(2);
  });
});
