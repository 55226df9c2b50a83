import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it, vi } from 'vitest';
import { createRefusalSink } from '../../src/activities/index.js';
import { type AuditStore, exportBundle, openDecisionVersions, verifyBundle } from '../../src/audit/index.js';
import { fetchRunHistories } from '../../src/audit/temporal-histories.js';
import { tamper } from '../../src/demo/tour.js';
import {
  type AuthorizationAnswer,
  authorizeStepUpdate,
  RUN_REFUSAL_LIMIT,
  runWorkflowIdFor,
  type StepAuthorization,
} from '../../src/shared.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { waitFor } from '../support/wait.js';
import { authorizeSteps, outcomes, releasePlan, requestOf, runClientOf, stepOf } from './fixtures.js';

// The dev server: a rejected Update leaves no trace in the history only on a real server.
const suite = useExecutorHarness('dev-server');
const runId = runIds('refusals');

const codeOf = (answer: AuthorizationAnswer) =>
  answer.status === 'refused' ? answer.reasons[0]?.code : 'accepted';
const jtiOf = (receipt: string) =>
  JSON.parse(Buffer.from(receipt.split('.')[1] ?? '', 'base64url').toString()).jti as string;

/** The run's records of refused authorizations, each as step, claimed receipt id and code. */
async function refusalRecords(id: string) {
  const entries = await suite.harness.store.byRunId(id);
  return entries
    .filter((entry) => entry.record.authorization !== null)
    .map(({ record }) => ({
      step: record.authorization?.step,
      receipt: record.receipt_id,
      code: record.reasons[0]?.code,
      verified: record.authorization?.receipt_verified,
      mode: record.authorization?.mode,
    }));
}

describe('refused authorizations of a run', () => {
  it('are each recorded once, and a flood of them leaves the history bounded and the run fail-closed', async () => {
    const { harness } = suite;
    const plan = releasePlan(runId(), 'v7.0.0');
    const runs = runClientOf(harness);
    const FLOOD = 300;
    const tag = requestOf(plan, 'tag');
    const forged = await Promise.all(
      Array.from({ length: FLOOD }, async () => tamper(await harness.issue(tag), tag)),
    );
    // Half refused after reading the receipt (a forged signature), half before (no such step).
    const flood: StepAuthorization[] = forged.map((receipt, n) => ({
      step: n % 2 === 0 ? 'tag' : `ghost-${n}`,
      receipt,
    }));
    const { answers, late, history } = await harness.withWorkers('prod', async () => {
      await runs.start(plan);
      // Once the plan is validated, refusals that need no receipt are the validator's.
      await waitFor(() =>
        runs.timeline(plan.run_id).then(
          () => true,
          () => false,
        ),
      );
      const answers: AuthorizationAnswer[] = [];
      for (let n = 0; n < flood.length; n += 10)
        answers.push(...(await runs.authorize(plan.run_id, flood.slice(n, n + 10))));
      const [late] = await authorizeSteps(harness, plan, ['tag']);
      const history = await harness.env.client.workflow
        .getHandle(runWorkflowIdFor(plan.run_id))
        .fetchHistory();
      await runs.cancel(plan.run_id);
      await runs.result(plan.run_id);
      return { answers, late, history };
    });
    const codes = answers.map(codeOf);
    expect(codes.filter((code) => code === 'UNKNOWN_STEP')).toHaveLength(FLOOD / 2);
    // At most one Update per step waiting for its receipt may be in flight beyond the limit.
    const read = codes.filter((code) => code === 'RECEIPT_UNVERIFIED').length;
    expect(read).toBeGreaterThanOrEqual(RUN_REFUSAL_LIMIT);
    expect(read).toBeLessThanOrEqual(RUN_REFUSAL_LIMIT + plan.steps.length);
    expect(codes.filter((code) => code === 'TOO_MANY_REFUSALS')).toHaveLength(FLOOD / 2 - read);
    // Past the limit a genuine receipt is refused too, and says so.
    expect(late).toMatchObject({
      status: 'refused',
      reasons: [{ code: 'TOO_MANY_REFUSALS', message: expect.stringContaining('genuine ones included') }],
    });
    // Only the refusals that read a receipt are in the history, each with a bounded number of events.
    const events = history.events?.length ?? 0;
    console.log(`${FLOOD + 1} refusals, ${read} of them read: ${events} history events`);
    expect(events).toBeLessThan(20 * (RUN_REFUSAL_LIMIT + plan.steps.length));
    const updates = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(updates).toHaveLength(read);

    // Exactly one record per refusal, each naming its step and the receipt id it claims, unverified.
    const records = await refusalRecords(plan.run_id);
    const expected = [...flood, { step: 'tag', receipt: '' }].map(({ step }, n) => ({
      step,
      receipt: n < FLOOD ? jtiOf(forged[n] as string) : expect.any(String),
      code: codes[n] ?? 'TOO_MANY_REFUSALS',
      verified: false,
      mode: 'prod',
    }));
    expect(records).toHaveLength(FLOOD + 1);
    expect(records).toEqual(expect.arrayContaining(expected));
    expect(new Set(records.map((r) => r.receipt)).size).toBe(FLOOD + 1);
    const entries = await harness.store.byRunId(plan.run_id);
    const runRecord = entries.find((entry) => entry.record.run !== null);
    expect(runRecord?.record.run?.refusals).toBe(FLOOD + 1);
  }, 300_000);

  it('a step waiting for a refused one explains itself, the run ends Failed with its timeline, and its bundle holds the refusal', async () => {
    const { harness } = suite;
    const plan = releasePlan(runId(), 'v7.1.0');
    const runs = runClientOf(harness);
    const tag = requestOf(plan, 'tag');
    const forged = tamper(await harness.issue(tag), tag);
    const { refused, ghost, timeline, failure, shown } = await harness.withWorkers('prod', async () => {
      await runs.start(plan);
      const [refused, ghost] = await runs.authorize(plan.run_id, [
        { step: 'tag', receipt: forged },
        { step: 'ghost', receipt: 'not a receipt' },
      ]);
      await authorizeSteps(harness, plan, ['release']);
      await runs.cancel(plan.run_id);
      const handle = harness.env.client.workflow.getHandle(runWorkflowIdFor(plan.run_id));
      const failure = await handle.result().catch((error: WorkflowFailedError) => error.cause);
      return {
        refused,
        ghost,
        failure,
        timeline: await runs.result(plan.run_id),
        shown: await runs.timeline(plan.run_id),
      };
    });
    expect(codeOf(refused as AuthorizationAnswer)).toBe('RECEIPT_UNVERIFIED');
    expect(codeOf(ghost as AuthorizationAnswer)).toBe('UNKNOWN_STEP');

    // The release waited for the tag, whose receipt was refused: it says so, in words and as data.
    expect(outcomes(timeline)).toEqual({ tag: 'CANCELLED', release: 'CANCELLED', pr: 'CANCELLED' });
    expect(stepOf(timeline, 'release').reason).toMatchObject({
      message:
        'The run was cancelled while the step waited for step "tag", which was never authorized: its receipt was refused (RECEIPT_UNVERIFIED).',
      waitingFor: { step: 'tag', code: 'RECEIPT_REFUSED' },
    });
    expect(shown).toEqual(timeline);

    // Not everything shipped: the run ends Failed, its line the message, its timeline the details.
    expect(failure).toMatchObject({
      type: 'RUN_NOT_SHIPPED',
      message: `Run ${plan.run_id} · prod · 0 of 3 steps shipped · not shipped: tag CANCELLED, release CANCELLED, pr CANCELLED`,
    });
    const { status } = await harness.env.client.workflow.getHandle(runWorkflowIdFor(plan.run_id)).describe();
    expect(status.name).toBe('FAILED');

    const records = await refusalRecords(plan.run_id);
    expect(records).toHaveLength(2);
    expect(records).toEqual(
      expect.arrayContaining([
        { step: 'tag', receipt: jtiOf(forged), code: 'RECEIPT_UNVERIFIED', verified: false, mode: 'prod' },
        { step: 'ghost', receipt: null, code: 'UNKNOWN_STEP', verified: false, mode: 'prod' },
      ]),
    );
    const entries = await harness.store.byRunId(plan.run_id);
    const histories = await fetchRunHistories(plan.run_id, entries, {
      connectionOptions: { address: harness.env.address },
      namespace: harness.env.namespace ?? 'default',
    });
    const bundle = await exportBundle(harness.store, plan.run_id, {
      publicJwks: harness.auditKeys,
      histories,
      versions: await openDecisionVersions(harness.auditLocation),
    });
    expect(bundle.entries.find((entry) => entry.record.authorization?.step === 'tag')).toBeDefined();
    expect(await verifyBundle(bundle)).toEqual({ ok: true, records: entries.length });
    // A bundle without a refusal its run record counts does not verify.
    const cut = {
      ...bundle,
      entries: bundle.entries.filter((entry) => entry.record.authorization?.step !== 'ghost'),
    };
    expect(await verifyBundle(cut)).toMatchObject({
      ok: false,
      message: expect.stringContaining('counts 2 refused authorizations, but the bundle holds 1'),
    });
  }, 120_000);

  it('answers a malformed Update from another SDK as a rejected Update carrying the refusal, before the plan is validated too', async () => {
    const { harness } = suite;
    const plan = releasePlan(runId(), 'v7.2.0');
    const runs = runClientOf(harness);
    const handle = harness.env.client.workflow.getHandle(runWorkflowIdFor(plan.run_id));
    const malformed = () =>
      handle.executeUpdate(authorizeStepUpdate, { args: [{ step: 7 } as never] }).catch((e: unknown) => e);
    // No worker yet: the first Update comes with the run's first workflow task, before its plan is validated.
    await runs.start(plan);
    const early = malformed();
    await sleep(500);
    const { errors, history } = await harness.withWorkers('prod', async () => {
      const first = await early;
      await waitFor(() =>
        runs.timeline(plan.run_id).then(
          () => true,
          () => false,
        ),
      );
      const errors = [first, await malformed()];
      const history = await handle.fetchHistory();
      await handle.cancel();
      return { errors, history };
    });
    for (const error of errors)
      expect(error).toMatchObject({
        cause: {
          type: 'AUTHORIZATION_REFUSED',
          message: 'An authorization is exactly { step, receipt }, both strings.',
          details: [{ status: 'refused', step: '', reasons: [{ code: 'MALFORMED' }] }],
        },
      });
    // Neither entered the history; both are on record, the first before the run knew its mode.
    const updates = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
    expect(updates).toHaveLength(0);
    const records = await refusalRecords(plan.run_id);
    expect(records).toHaveLength(2);
    expect(records).toEqual(
      expect.arrayContaining([
        { step: null, receipt: null, code: 'MALFORMED', verified: false, mode: null },
        { step: null, receipt: null, code: 'MALFORMED', verified: false, mode: 'prod' },
      ]),
    );
  }, 120_000);
});

describe("the worker's sink for refusals decided without the receipt", () => {
  const refusal = {
    runId: 'r',
    mode: 'prod' as const,
    step: 'tag',
    operationKind: null,
    repository: null,
    reasons: [{ code: 'UNKNOWN_STEP' as const, message: 'Run r has no step "tag".' }],
    recordedAt: '2026-12-07T00:00:00.000Z',
    updateId: 'u1',
    receipt: 'not a receipt',
  };

  it('gives up on an audit store that never answers well within the 10 s workflow task timeout, loudly', async () => {
    vi.useFakeTimers();
    try {
      let attempts = 0;
      const hung = {
        append: () => {
          attempts += 1;
          return new Promise<never>(() => undefined);
        },
      } as unknown as AuditStore;
      const sink = createRefusalSink({ store: hung, executorVersion: 'test' });
      let outcome: string | undefined;
      sink({ workflowId: 'run-r', runId: 'x' }, refusal).then(
        () => (outcome = 'recorded'),
        (error: Error) => (outcome = error.message),
      );
      await vi.advanceTimersByTimeAsync(5_500);
      expect(attempts).toBe(3);
      expect(outcome).toBe(
        'The refused authorization of run r (UNKNOWN_STEP) could not be recorded; check the audit store: the audit store did not answer within 1500 ms',
      );
    } finally {
      vi.useRealTimers();
    }
  });
});
