import { MockActivityEnvironment } from '@temporalio/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withBudget } from '../../src/activities/budgets.js';
import { githubLimits } from '../../src/budgets/limits.js';
import { memoryBudgetStore } from '../../src/budgets/store.js';

describe('a write reached after its reservation’s lease', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** One write whose reads before it take `readsMs` on our clock (Date, moved by hand); whether it went. */
  async function slowWrite(readsMs: number, leaseMs?: number) {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.UTC(2030, 0, 1);
    vi.setSystemTime(start);
    const budgets = { store: memoryBudgetStore(), limits: githubLimits };
    let sent = false;
    const outcome = await new MockActivityEnvironment()
      .run(() =>
        withBudget(
          budgets,
          {
            identity: 'token:slow',
            reservation: 'slow',
            cost: { writes: 1, reads: 1 },
            leaseMs,
            notAfter: start + 600_000,
            lookUp: async () => ({ limit: 5000, remaining: 5000, resetInMs: 3_600_000 }),
          },
          async (pace) => {
            vi.setSystemTime(start + readsMs);
            await pace.beforeWrite();
            sent = true;
          },
        ),
      )
      .then(
        () => 'done',
        (error: unknown) => error,
      );
    return { sent, outcome };
  }

  it('is not sent: the attempt fails retryably, so its retry reserves again', async () => {
    // The lease (30 s from the slot, now) less the margin (1 s) has passed.
    const { sent, outcome } = await slowWrite(29_500);
    expect(sent).toBe(false);
    expect(outcome).toMatchObject({ type: 'GITHUB_BUDGET_LEASE_ENDED', nonRetryable: false });
    expect(String((outcome as Error).message)).toContain('nothing was sent');
  });

  it('is sent while the lease, less the margin, still runs', async () => {
    expect(await slowWrite(29_000)).toEqual({ sent: true, outcome: 'done' });
  });

  it("of an upload is leased for the upload's own timeout, not the usual 30 s", async () => {
    expect(await slowWrite(119_000, 120_000)).toEqual({ sent: true, outcome: 'done' });
    expect(await slowWrite(119_500, 120_000)).toMatchObject({
      sent: false,
      outcome: { type: 'GITHUB_BUDGET_LEASE_ENDED' },
    });
  });
});
