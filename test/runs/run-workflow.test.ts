import type { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { releaseRequest } from '../../src/demo/requests.js';
import { DEFAULT_AUDIENCE, generateSigningKey, issueReceipt } from '../../src/receipts/index.js';
import type { PublicationPlan } from '../../src/runs/plan.js';
import { RUN_WORKFLOW_TYPE, runWorkflowIdFor, TASK_QUEUE } from '../../src/shared.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { authorizeSteps, outcomes, releasePlan, requestOf, runClientOf, stepOf } from './fixtures.js';

// Time-skipping: deadlines of minutes pass in seconds.
const suite = useExecutorHarness('time-skipping');
const runId = runIds('run');

describe('a publication run', () => {
  it('ships its steps in the order their needs set, whatever order the receipts arrive in', async () => {
    const { harness } = suite;
    const plan = releasePlan(runId(), 'v3.1.0');
    const runs = runClientOf(harness);
    const before = (await harness.writes()).length;
    const timeline = await harness.withWorkers('prod', async () => {
      await runs.start(plan);
      const [pr, release] = await authorizeSteps(harness, plan, ['pr', 'release']);
      expect(pr).toMatchObject({ status: 'accepted', step: 'pr' });
      expect(release).toMatchObject({ status: 'accepted', step: 'release' });
      // A second receipt for an authorized step is refused, and the run is unchanged.
      const [again] = await authorizeSteps(harness, plan, ['release']);
      expect(again).toMatchObject({ status: 'refused', reasons: [{ code: 'ALREADY_AUTHORIZED' }] });
      const running = await runs.timeline(plan.run_id);
      expect(outcomes(running)).toEqual({
        tag: 'waiting_authorization',
        release: 'authorized',
        pr: 'authorized',
      });
      await authorizeSteps(harness, plan, ['tag']);
      return runs.result(plan.run_id);
    });
    expect(outcomes(timeline)).toEqual({ tag: 'shipped', release: 'shipped', pr: 'shipped' });
    const paths = (await harness.writes()).slice(before).map((write) => write.path);
    expect(paths).toEqual([
      '/repos/omega/marketops/git/tags',
      '/repos/omega/marketops/git/refs',
      '/repos/omega/marketops/releases',
      '/repos/omega/marketops/pulls',
    ]);
    // One run record names every step's own record by its leaf hash.
    const records = await harness.store.byRunId(plan.run_id);
    const runRecord = records.find((entry) => entry.record.run !== null);
    expect(runRecord?.leafHash).toBe(timeline.audit?.leafHash);
    const stepLeaves = runRecord?.record.run?.steps.map((step) => step.leaf_hash);
    expect(stepLeaves).toEqual(timeline.steps.map((step) => step.auditLeafHash));
    const refusals = records.filter((entry) => entry.record.authorization !== null);
    expect(new Set(records.filter((e) => !refusals.includes(e)).map((entry) => entry.leafHash))).toEqual(
      new Set([...(stepLeaves as string[]), runRecord?.leafHash]),
    );
    // The second receipt for release was refused, and that refusal is on record too, counted by the run's.
    expect(
      refusals.map((entry) => [entry.record.authorization?.step, entry.record.reasons[0]?.code]),
    ).toEqual([['release', 'ALREADY_AUTHORIZED']]);
    expect(runRecord?.record.run?.refusals).toBe(1);
  });

  it('started with an invalid plan by another SDK, ends failed as PLAN_INVALID with the sentence', async () => {
    const { harness } = suite;
    const plan = releasePlan(runId(), 'v3.0.1');
    const input = { plan: { ...plan, steps: [...plan.steps, plan.steps[0]] } };
    const failure = await harness.withWorkers('prod', () =>
      harness.env.client.workflow
        .execute(RUN_WORKFLOW_TYPE, {
          workflowId: runWorkflowIdFor(plan.run_id),
          taskQueue: TASK_QUEUE,
          args: [input],
        })
        .catch((error: WorkflowFailedError) => error.cause),
    );
    expect(failure).toMatchObject({
      type: 'PLAN_INVALID',
      message: expect.stringMatching(/^Step id "tag" appears twice/),
    });
  });

  it('refuses at once a receipt for another request, another run, or from an unknown key', async () => {
    const { harness } = suite;
    const plan = releasePlan(runId(), 'v3.2.0');
    const runs = runClientOf(harness);
    const other = await generateSigningKey('not-federation');
    await harness.withWorkers('prod', async () => {
      await runs.start(plan);
      const answers = await runs.authorize(plan.run_id, [
        { step: 'tag', receipt: await harness.issue(requestOf(plan, 'release')) },
        { step: 'release', receipt: await harness.issue(releaseRequest('another-run', 'v3.2.0')) },
        {
          step: 'pr',
          receipt: await issueReceipt(other.privateJwk, requestOf(plan, 'pr'), {
            ttlSeconds: 600,
            audience: DEFAULT_AUDIENCE,
            now: await harness.now(),
          }),
        },
        { step: 'nope', receipt: await harness.issue(requestOf(plan, 'pr')) },
      ]);
      expect(answers.map((answer) => answer.status === 'refused' && answer.reasons[0]?.code)).toEqual([
        'OPERATION_KIND_MISMATCH',
        'RUN_ID_MISMATCH',
        'RECEIPT_UNVERIFIED',
        'UNKNOWN_STEP',
      ]);
      const [wrongDigest] = await runs.authorize(plan.run_id, [
        {
          step: 'release',
          receipt: await harness.issue({ ...requestOf(plan, 'release'), body: 'other' } as never),
        },
      ]);
      expect(wrongDigest).toMatchObject({ status: 'refused', reasons: [{ code: 'PARAMS_MISMATCH' }] });
      await runs.cancel(plan.run_id);
      const timeline = await runs.result(plan.run_id);
      // Refused receipts left every step as it was.
      expect(outcomes(timeline)).toEqual({ tag: 'CANCELLED', release: 'CANCELLED', pr: 'CANCELLED' });
    });
  });

  it('stops the steps that need a step that failed, naming it', async () => {
    const { harness } = suite;
    const id = runId();
    const plan: PublicationPlan = {
      run_id: id,
      steps: [
        { id: 'release', request: { ...releaseRequest(id, 'v3.3.0'), target_commitish: 'no-such-branch' } },
        { id: 'pr', request: requestOf(releasePlan(id), 'pr'), needs: ['release'] },
      ],
    };
    const runs = runClientOf(harness);
    const timeline = await harness.withWorkers('prod', async () => {
      await runs.start(plan);
      await authorizeSteps(harness, plan, ['release', 'pr']);
      return runs.result(id);
    });
    expect(outcomes(timeline)).toEqual({ release: 'GITHUB_REFUSED', pr: 'NEEDED_STEP_NOT_SHIPPED' });
    expect(stepOf(timeline, 'pr').reason?.message).toContain('"release"');
    expect(stepOf(timeline, 'release').reason?.detail[0]?.code).toBe('GITHUB_VALIDATION_FAILED');
  });

  it('never ships twice: a receipt already used outside the run is rejected as ALREADY_CONSUMED', async () => {
    const { harness } = suite;
    const plan = releasePlan(runId(), 'v3.3.1');
    const runs = runClientOf(harness);
    const receipt = await harness.issue(requestOf(plan, 'tag'));
    const timeline = await harness.withWorkers('prod', async () => {
      expect(await harness.client.execute({ receipt, request: requestOf(plan, 'tag') })).toMatchObject({
        status: 'succeeded',
      });
      const writes = (await harness.writes()).length;
      await runs.start({ ...plan, steps: plan.steps.slice(0, 1) });
      await runs.authorize(plan.run_id, [{ step: 'tag', receipt }]);
      const result = await runs.result(plan.run_id);
      expect(await harness.writes()).toHaveLength(writes);
      return result;
    });
    expect(stepOf(timeline, 'tag').reason).toMatchObject({
      code: 'RECEIPT_REJECTED',
      detail: [{ code: 'ALREADY_CONSUMED' }],
    });
  });

  it('ends at its deadline: unauthorized steps were never authorized, and an authorized one names the step it waited for', async () => {
    const { harness } = suite;
    const plan = releasePlan(runId(), 'v3.4.0');
    const runs = runClientOf(harness);
    const timeline = await harness.withWorkers('prod', async () => {
      await runs.start(plan, { deadlineSeconds: 600 });
      await authorizeSteps(harness, plan, ['release']);
      return runs.result(plan.run_id);
    });
    expect(outcomes(timeline)).toEqual({
      tag: 'NEVER_AUTHORIZED',
      release: 'DEADLINE_REACHED',
      pr: 'NEVER_AUTHORIZED',
    });
    expect(stepOf(timeline, 'release').reason).toMatchObject({
      message:
        'The run\'s deadline passed while the step waited for step "tag", which was never authorized: no receipt for it was accepted.',
      waitingFor: { step: 'tag', code: 'NEVER_AUTHORIZED' },
    });
  });

  it('is cancelled: steps not started end cancelled, and a closed run refuses receipts', async () => {
    const { harness } = suite;
    const plan = releasePlan(runId(), 'v3.5.0');
    const runs = runClientOf(harness);
    const timeline = await harness.withWorkers('prod', async () => {
      await runs.start(plan);
      await authorizeSteps(harness, plan, ['release']);
      await runs.cancel(plan.run_id);
      const closed = await runs.result(plan.run_id);
      const [late] = await authorizeSteps(harness, plan, ['tag']).catch(() => [undefined]);
      // A closed run's workflow has completed: Temporal itself refuses the update.
      expect(late).toBeUndefined();
      return closed;
    });
    expect(outcomes(timeline)).toEqual({ tag: 'CANCELLED', release: 'CANCELLED', pr: 'CANCELLED' });
    expect(timeline.state).toBe('closed');
    expect(timeline.audit?.leafHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('in dry-run mode shows what it would send and consumes no receipt', async () => {
    const { harness } = suite;
    const plan = releasePlan(runId(), 'v3.6.0');
    const runs = runClientOf(harness);
    const before = (await harness.writes()).length;
    const [timeline, answers] = await harness.withWorkers('dry-run', async () => {
      await runs.start(plan);
      const answers = await authorizeSteps(harness, plan, ['tag', 'release', 'pr']);
      return [await runs.result(plan.run_id), answers] as const;
    });
    expect(timeline.mode).toBe('dry-run');
    expect(outcomes(timeline)).toEqual({
      tag: 'BLOCKED_BY_MODE',
      release: 'BLOCKED_BY_MODE',
      pr: 'BLOCKED_BY_MODE',
    });
    expect(stepOf(timeline, 'release').reason?.message).toContain('POST /repos/omega/marketops/releases');
    expect(await harness.writes()).toHaveLength(before);
    // No receipt workflow ran, so each receipt can still ship its step.
    for (const answer of answers) {
      if (answer.status !== 'accepted') throw new Error('not accepted');
      await expect(harness.env.client.workflow.getHandle(answer.workflowId).describe()).rejects.toThrow();
    }
  });
});
