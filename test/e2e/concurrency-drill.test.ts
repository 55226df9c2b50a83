import { describe, expect, it } from 'vitest';
import { runConcurrencyDrill } from '../support/concurrency-drill.js';

describe('concurrency drill: one receipt, 100 parallel submissions, three worker processes', () => {
  it('makes one effect and records 99 ALREADY_CONSUMED rejections in a verifying audit log', async () => {
    const report = await runConcurrencyDrill(100, 3);
    expect(report.started).toBe(1);
    expect(report.rejectedAlreadyConsumed).toBe(99);
    expect(report.finalOutcome).toBe('succeeded');
    expect(report.effects).toBe(1);
    expect(report.appliedWrites).toBe(1);
    expect(report.audit).toEqual({ verified: true, records: 100, succeeded: 1, alreadyConsumed: 99 });
  }, 120_000);
});
