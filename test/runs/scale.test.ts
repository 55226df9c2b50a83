import { describe, expect, it } from 'vitest';
import { runWorkflowIdFor } from '../../src/shared.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { outcomes, runClientOf, tagPlan } from './fixtures.js';

// The time-skipping server, as the issue asks: a run of 300 steps must not need minutes of wall time.
const suite = useExecutorHarness('time-skipping');
const runId = runIds('scale');
const STEPS = 300;
/**
 * Steps that write: seven chains of ten, inside one identity's budget of 80 writes a minute. The
 * other steps carry advisory receipts, which their own workflows reject without a GitHub call: 300
 * children all the same, and every step's outcome recorded.
 */
const WRITING = 70;

describe('a run of 300 steps', () => {
  it('gives every step its outcome, each after the one it needs, in a history far below the continue-as-new threshold', async () => {
    const { harness } = suite;
    const id = runId();
    const plan = tagPlan(id, 'scale', STEPS, (n) => n < WRITING && n % 10 !== 0);
    const runs = runClientOf(harness);
    const writesBefore = (await harness.writes()).length;
    const timeline = await harness.withWorkers('prod', async () => {
      await runs.start(plan);
      const authorizations = await Promise.all(
        plan.steps.map(async (step, n) => ({
          step: step.id,
          receipt: await harness.issue(step.request, { enforceable: n < WRITING }),
        })),
      );
      const answers = await runs.authorize(id, authorizations);
      expect(answers.filter((answer) => answer.status === 'accepted')).toHaveLength(STEPS);
      return runs.result(id);
    });
    const ended = Object.values(outcomes(timeline));
    expect(ended.filter((status) => status === 'shipped')).toHaveLength(WRITING);
    expect(ended.filter((status) => status === 'RECEIPT_REJECTED')).toHaveLength(STEPS - WRITING);
    expect(await harness.writes()).toHaveLength(writesBefore + WRITING);
    // Within each chain, the steps' records (appended as each step ends) are in chain order.
    const stepOfReceipt = new Map(timeline.steps.map((step) => [step.receiptId, Number(step.id.slice(1))]));
    const order = (await harness.store.byRunId(id)).flatMap((entry) => {
      const n = stepOfReceipt.get(entry.record.receipt_id ?? undefined);
      return n !== undefined && n < WRITING ? [n] : [];
    });
    expect(order).toHaveLength(WRITING);
    for (let chain = 0; chain < WRITING / 10; chain++) {
      const inChain = order.filter((n) => Math.floor(n / 10) === chain);
      expect(inChain).toEqual([...inChain].sort((a, b) => a - b));
    }
    const history = await harness.env.client.workflow.getHandle(runWorkflowIdFor(id)).fetchHistory();
    const events = history.events?.length ?? 0;
    console.log(`a run of ${STEPS} steps: ${events} history events`);
    expect(events).toBeLessThan(10_000);
  }, 600_000);
});
