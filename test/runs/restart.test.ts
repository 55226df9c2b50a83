import { describe, expect, it } from 'vitest';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { waitFor } from '../support/wait.js';
import { outcomes, runClientOf, tagPlan } from './fixtures.js';

// The dev server: the run must carry on under a new worker in real time, as after a crash.
const suite = useExecutorHarness('dev-server');
const runId = runIds('restart');
const STEPS = 20;

describe('a run whose worker stops mid-run', () => {
  it('resumes under a new worker and ships every step exactly once', async () => {
    const { harness } = suite;
    const id = runId();
    // One chain: each tag needs the one before, so the run is mid-way for a while.
    const plan = tagPlan(id, 'restart', STEPS, () => true);
    const runs = runClientOf(harness);
    const writesBefore = (await harness.writes()).length;
    const shippedAtStop = await harness.withWorkers('prod', async () => {
      await runs.start(plan);
      await runs.authorize(
        id,
        await Promise.all(
          plan.steps.map(async (step) => ({ step: step.id, receipt: await harness.issue(step.request) })),
        ),
      );
      let shipped = 0;
      await waitFor(async () => {
        shipped = (await runs.timeline(id)).steps.filter((step) => step.status === 'shipped').length;
        return shipped >= 3;
      });
      return shipped;
    });
    expect(shippedAtStop).toBeLessThan(STEPS);
    const timeline = await harness.withWorkers('prod', () => runs.result(id));
    expect(Object.values(outcomes(timeline)).every((status) => status === 'shipped')).toBe(true);
    expect(await harness.writes()).toHaveLength(writesBefore + STEPS);
    const records = await harness.store.byRunId(id);
    // One record per step and one for the run: nothing recorded twice.
    expect(records).toHaveLength(STEPS + 1);
  });
});
