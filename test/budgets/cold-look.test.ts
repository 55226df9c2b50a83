import { setTimeout as delay } from 'node:timers/promises';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { withBudget } from '../../src/activities/budgets.js';
import { githubLimits } from '../../src/budgets/limits.js';
import { memoryBudgetStore } from '../../src/budgets/store.js';
import type { Observation } from '../../src/budgets/windows.js';

const wholeWindow: Observation = { limit: 5000, remaining: 5000, resetInMs: 3_600_000 };

describe('reserving from a cold budget', () => {
  it('sends at once when another activity reserved while this one looked at GitHub’s window', async () => {
    const budgets = { store: memoryBudgetStore(), limits: githubLimits };
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
});
