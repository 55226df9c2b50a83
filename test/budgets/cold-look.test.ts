import { setTimeout as delay } from 'node:timers/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { withBudget } from '../../src/activities/budgets.js';
import { budgetLimitsSchema, githubLimits } from '../../src/budgets/limits.js';
import { memoryBudgetStore } from '../../src/budgets/store.js';
import type { Observation } from '../../src/budgets/windows.js';
import { BUDGET_WAIT_FAILURE_TYPE } from '../../src/shared.js';

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
      (result) => result.status === 'rejected' && result.reason.type === BUDGET_WAIT_FAILURE_TYPE,
    );
    expect(waits).toHaveLength(9);
  });
});
