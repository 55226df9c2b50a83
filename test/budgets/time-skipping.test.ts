import { tsToMs } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { memoryBudgetStore } from '../../src/budgets/store.js';
import { tagRequest } from '../../src/demo/requests.js';
import { workflowIdFor } from '../../src/shared.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { refusals, startBudgetWorkers } from './budget-workers.js';

const suite = useExecutorHarness('time-skipping');
const nextRunId = runIds('budget-skip');

/** When each GitHub write that completed was started, on the server's (skipped) clock. */
async function writeTimes(receiptId: string): Promise<number[]> {
  const history = await suite.harness.env.client.workflow.getHandle(workflowIdFor(receiptId)).fetchHistory();
  const events = history.events ?? [];
  const byId = new Map(events.map((event) => [Number(event.eventId), event]));
  const attributesOf = (id: unknown) => byId.get(Number(id));
  return events
    .map((event) => event.activityTaskCompletedEventAttributes)
    .filter((completed) => {
      const scheduled = attributesOf(completed?.scheduledEventId)?.activityTaskScheduledEventAttributes;
      return scheduled?.activityType?.name === 'githubWrite';
    })
    .map((completed) => tsToMs(attributesOf(completed?.startedEventId)?.eventTime));
}

/** The most requests any sliding window (t − span, t] holds. */
const busiest = (times: number[], span: number) =>
  Math.max(...times.map((t) => times.filter((other) => other > t - span && other <= t).length));

describe('durable budget waits on the time-skipping server', () => {
  it('passes an hour window in seconds: 2 writes a minute and 4 an hour, 9 writes', async () => {
    const { harness } = suite;
    const workers = await startBudgetWorkers(harness, {
      github: harness.sandbox,
      budgets: memoryBudgetStore(),
      budgetLimits: { writesPerMinute: 2, writesPerHour: 4 },
    });
    const started = Date.now();
    const serverStart = await harness.env.currentTimeMs();
    const runId = nextRunId();
    const requests = Array.from({ length: 9 }, (_, i) => tagRequest(runId, `skip-${runId}-${i}`));
    try {
      // Receipts valid for three hours: the train needs two.
      const receipts = await Promise.all(
        requests.map((request) => harness.issue(request, { ttlSeconds: 3 * 3600 })),
      );
      const receiptIds = await Promise.all(
        requests.map(async (request, i) => {
          const submission = await harness.client.submit({ receipt: receipts[i] as string, request });
          if (submission.status !== 'started') throw new Error(JSON.stringify(submission));
          return submission.receiptId;
        }),
      );
      // One result awaited at a time: the test server skips time only while exactly one client waits.
      const outcomes: string[] = [];
      for (const id of receiptIds) outcomes.push((await harness.client.result(id)).status);
      expect(outcomes).toEqual(requests.map(() => 'succeeded'));
      const times = (await Promise.all(receiptIds.map(writeTimes))).flat().sort((a, b) => a - b);
      expect(times).toHaveLength(9);
      expect(busiest(times, 60_000)).toBeLessThanOrEqual(2);
      expect(busiest(times, 3_600_000)).toBeLessThanOrEqual(4);
      // Two hour windows passed on the server's clock, in seconds of ours.
      expect((await harness.env.currentTimeMs()) - serverStart).toBeGreaterThanOrEqual(2 * 3_600_000);
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      await workers.stop();
    }
    expect(refusals(await harness.sandbox.admin.requests())).toEqual([]);
  }, 120_000);
});
