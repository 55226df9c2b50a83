import { describe, expect, it } from 'vitest';
import { runCrashDrill } from '../support/crash-drill.js';

/** CI-sized; `npx tsx bench/fault-drill.ts` runs the full 300. */
describe('crash drill: worker SIGKILLed and restarted, dev server restarted on its SQLite file', () => {
  it('gives every submission one outcome, one effect per success, and one verified audit record each', async () => {
    const report = await runCrashDrill({
      ops: 30,
      kills: 3,
      restartServerAfterKill: 2,
      maxKillDelayMs: 8000,
    });
    const { verdict } = report;
    expect(report.kills).toBe(3);
    expect(report.serverRestarts).toBe(1);
    expect(report.workerStarts).toBeGreaterThanOrEqual(4);
    expect(verdict.submissions).toBe(30);
    expect(verdict.withoutOneOutcome).toBe(0);
    expect(verdict.outcomes).toEqual({ succeeded: 30 });
    expect(verdict.succeededWithoutOneEffect).toBe(0);
    expect(verdict.unsucceededWithEffect).toBe(0);
    expect(verdict.audit).toEqual({ verified: true, size: 30 });
    expect(verdict.withoutOneRecord).toBe(0);
    expect(verdict.recordsContradictingOutcome).toBe(0);
  }, 170_000);
});
