import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import * as wf from '@temporalio/workflow';
import { Code } from '../codes.js';
import type { PreparedRun, PreparedStep } from '../runs/prepared.js';
import { alreadySubmittedReason, incompleteReason, resultInFailure } from '../runs/reasons.js';
import {
  authorizationRefusal,
  earlyRefusal,
  openGate,
  type Refusal,
  type RefusalGate,
  refusalAfterReading,
} from '../runs/refusals.js';
import { runRecord } from '../runs/run-record.js';
import {
  applyResult,
  closeRun,
  ended,
  holdApprovals,
  markAuthorized,
  markNotShipped,
  noteApprovals,
  openRun,
  type Run,
  startReady,
} from '../runs/run-state.js';
import { runVerdict, stepWorkflowOptions } from '../runs/step-workflow.js';
import { runLine, timelineTable } from '../runs/timeline-view.js';
import {
  type AuthorizationAnswer,
  authorizeStepUpdate,
  type RunInput,
  type RunTimeline,
  type StepAuthorization,
  type StepView,
  searchAttributes,
  timelineQuery,
  WORKFLOW_TYPE,
} from '../shared.js';
import { coreActivities } from './core-activities.js';
import type { executeAuthorizedOperation } from './execute-authorized-operation.js';
import { recordRead, recordUnread } from './refusal-records.js';

/**
 * The Update's validator: what it refuses never enters the run's history, so a flood of refusals cannot
 * grow it; the caller gets the answer as the failure's details. What needs the plan is refused by the
 * handler, counted against the limit. Validators must not change the run: the handler keeps every count.
 */
function validateAuthorization(run: Run | undefined, gate: RefusalGate, input: unknown): void {
  const refused = earlyRefusal(run, gate, input);
  if (!refused) return;
  recordUnread(run, input, refused);
  const message = refused.reasons[0]?.message;
  const type = Code.AUTHORIZATION_REFUSED;
  throw wf.ApplicationFailure.create({ type, message, nonRetryable: true, details: [refused] });
}

async function authorize(run: Run, input: unknown): Promise<AuthorizationAnswer> {
  const early = authorizationRefusal(run, input);
  if (early) return recordUnread(run, input, early);
  const { step: id, receipt } = input as StepAuthorization;
  const check = await coreActivities.checkStepReceipt(receipt);
  const refused = refusalAfterReading(run, { step: id, receipt }, check);
  if (refused || !check.ok) return recordRead(run, input, refused as Refusal, check);
  // One step's approvals are merged one Update at a time, so none is lost to another's.
  await wf.condition(() => !run.collecting.has(id));
  run.collecting.add(id);
  try {
    const request = run.prepared.get(id)?.request as PreparedStep['request'];
    const held = run.approvals.get(id) ?? null;
    const collected = await coreActivities.collectStepApprovals({ request, held, receipt });
    const step = run.steps.get(id) as StepView;
    if (collected.status === 'refused') {
      return recordRead(run, input, { status: 'refused', step: id, reasons: collected.reasons }, check);
    }
    // Another Update may have authorized the step, or the run closed, meanwhile.
    const late = refusalAfterReading(run, { step: id, receipt }, check);
    if (late) return recordRead(run, input, late, check);
    noteApprovals(run, id, collected.approval);
    if (collected.status === 'pending') {
      holdApprovals(run, step, collected.receipt, collected.missing);
      return { status: 'pending', step: id, receiptId: check.receiptId, missing: collected.missing };
    }
    const workflowId = markAuthorized(run, step, check.receiptId, collected.receipt);
    return { status: 'accepted', step: id, receiptId: check.receiptId, workflowId };
  } finally {
    run.collecting.delete(id);
  }
}

/** A step as its receipt's own workflow; neither cancelling nor closing the run touches it in flight. */
function executeStep(run: Run, step: StepView): Promise<void> {
  return wf.CancellationScope.nonCancellable(async () => {
    try {
      const options = stepWorkflowOptions(run, step);
      const child = await wf.startChild<typeof executeAuthorizedOperation>(WORKFLOW_TYPE, options);
      applyResult(run, step, await child.result());
    } catch (error) {
      // A step's workflow that ends failed carries its result in the failure's details.
      const cause = error instanceof wf.ChildWorkflowFailure ? error.cause : undefined;
      const result =
        cause instanceof wf.ApplicationFailure ? resultInFailure(cause.type, cause.details) : undefined;
      if (result) applyResult(run, step, result);
      else if (error instanceof WorkflowExecutionAlreadyStartedError)
        markNotShipped(run, step, alreadySubmittedReason(step));
      else markNotShipped(run, step, incompleteReason(String((error as Error)?.message ?? error)));
    }
  });
}

/** Waits for authorizations and outcomes until every step has one, the deadline passes, or the run is cancelled. */
async function drive(run: Run, inFlight: Promise<void>[]) {
  let deadlinePassed = false;
  const untilDeadline = Date.parse(run.timeline.deadline) - Date.now();
  // Its own scope, cancelled when the run ends early: no timer outlives the run in the Web UI.
  const deadline = new wf.CancellationScope();
  deadline
    .run(() => wf.sleep(Math.max(1, untilDeadline)))
    .then(
      () => (deadlinePassed = true),
      () => undefined,
    );
  try {
    for (;;) {
      for (const step of startReady(run)) inFlight.push(executeStep(run, step));
      wf.setCurrentDetails(timelineTable(run.timeline));
      if (run.timeline.steps.every(ended)) return;
      const seen = run.version;
      await wf.condition(() => run.version !== seen || deadlinePassed);
      if (deadlinePassed) return closeRun(run, 'deadline');
    }
  } catch (error) {
    if (!wf.isCancellation(error)) throw error;
    closeRun(run, 'cancelled');
  } finally {
    deadline.cancel();
  }
}

/** A plan the run cannot hold ends the run failed with the plan's own sentence, as PLAN_INVALID. */
async function prepare(input: RunInput): Promise<PreparedRun> {
  try {
    return await coreActivities.prepareRun(input);
  } catch (error) {
    const cause = error instanceof wf.ActivityFailure ? error.cause : undefined;
    if (cause instanceof wf.ApplicationFailure && cause.type === Code.PLAN_INVALID)
      throw wf.ApplicationFailure.nonRetryable(cause.message, Code.PLAN_INVALID);
    throw error;
  }
}

/**
 * A publication run (docs/runs.md): holds a plan, accepts one receipt per step as an Update,
 * starts each step as its receipt's own workflow once its needs have shipped, and ends with
 * one audit record naming every step's outcome.
 */
export async function executePublicationRun(input: RunInput): Promise<RunTimeline> {
  // Handlers come first: an authorization may arrive with the run's first workflow task.
  let prepared: Run | undefined;
  wf.setHandler(timelineQuery, () => {
    if (!prepared) throw new Error('The run is still validating its plan; ask again in a moment.');
    return prepared.timeline;
  });
  const gate = openGate(input);
  wf.setHandler(
    authorizeStepUpdate,
    async (authorization) => {
      // Counted before the first await: the next Update's validator must see this one.
      gate.inFlight += 1;
      try {
        await wf.condition(() => prepared !== undefined);
        const answer = await authorize(prepared as Run, authorization);
        if (answer.status === 'refused') gate.refused += 1;
        return answer;
      } finally {
        gate.inFlight -= 1;
      }
    },
    { validator: (authorization) => validateAuthorization(prepared, gate, authorization) },
  );
  const run = openRun(await prepare(input), wf.workflowInfo().runStartTime.getTime());
  prepared = run;
  const inFlight: Promise<void>[] = [];

  await drive(run, inFlight);
  await Promise.all(inFlight);
  run.timeline.audit = await wf.CancellationScope.nonCancellable(async () => {
    await wf.condition(wf.allHandlersFinished);
    const draft = runRecord(run.timeline, new Date(Date.now()).toISOString(), run.approvalFacts);
    return coreActivities.recordOutcome({ step: 'run', draft });
  });
  run.timeline.state = 'closed';
  return closeWith(run.timeline);
}

/** A run in which some step did not ship ends Failed (docs/runs.md): its line the message, its timeline the details. */
function closeWith(timeline: RunTimeline): RunTimeline {
  const verdict = runVerdict(timeline);
  wf.upsertSearchAttributes([{ key: searchAttributes.outcome, value: verdict }]);
  wf.setCurrentDetails(timelineTable(timeline));
  if (verdict !== 'not_shipped') return timeline;
  const type = Code.RUN_NOT_SHIPPED;
  throw wf.ApplicationFailure.create({
    type,
    message: runLine(timeline),
    nonRetryable: true,
    details: [timeline],
  });
}
