import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  currentUpdateInfo,
  isCancellation,
  proxySinks,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import type { PreparedRun, ReceiptCheck } from '../runs/prepared.js';
import { alreadySubmittedReason, incompleteReason, resultInDetails } from '../runs/reasons.js';
import {
  authorizationRefusal,
  earlyRefusal,
  openGate,
  type Refusal,
  type RefusalGate,
  receiptRefusal,
  refusalFacts,
} from '../runs/refusals.js';
import { runRecord } from '../runs/run-record.js';
import {
  applyResult,
  closeRun,
  ended,
  markAuthorized,
  markBlockedByMode,
  markNotShipped,
  markRunning,
  noteRefused,
  openRun,
  type Run,
  readySteps,
  stopDependants,
} from '../runs/run-state.js';
import { runVerdict, stepWorkflowOptions } from '../runs/step-workflow.js';
import { runLine, timelineTable } from '../runs/timeline-view.js';
import {
  AUTHORIZATION_REFUSED_FAILURE_TYPE,
  type AuthorizationAnswer,
  authorizeStepUpdate,
  PLAN_INVALID_FAILURE_TYPE,
  RUN_NOT_SHIPPED_FAILURE_TYPE,
  type RunInput,
  type RunTimeline,
  type StepAuthorization,
  type StepPreview,
  type StepView,
  searchAttributes,
  timelineQuery,
  WORKFLOW_TYPE,
} from '../shared.js';
import { coreActivities } from './core-activities.js';
import type { executeAuthorizedOperation } from './execute-authorized-operation.js';

const sinks = proxySinks<activities.RunSinks>();

const refusalOf = (run: Run | undefined, input: unknown, answer: Refusal) =>
  refusalFacts(run, input, answer, {
    workflowId: workflowInfo().workflowId,
    recordedAt: new Date(Date.now()).toISOString(),
    updateId: currentUpdateInfo()?.id ?? '',
  });

/**
 * A refusal decided without reading the receipt goes to the worker's sink, which records it before the
 * answer leaves: no command, so nothing in the history, and nothing again on replay.
 */
function recordUnread(run: Run | undefined, input: unknown, answer: Refusal): Refusal {
  const receipt = (input as { receipt?: unknown } | null)?.receipt;
  sinks.audit.recordUnreadRefusal({ ...refusalOf(run, input, answer), receipt });
  return answer;
}

/**
 * The Update's validator: what it refuses never enters the run's history, so a flood of such refusals
 * cannot grow it; the caller gets the answer as the failure's details. What needs the plan is refused
 * by the handler, counted against the limit. Validators must not change the run: the handler keeps every count.
 */
function validateAuthorization(run: Run | undefined, gate: RefusalGate, input: unknown): void {
  const refused = earlyRefusal(run, gate, input);
  if (!refused) return;
  recordUnread(run, input, refused);
  throw ApplicationFailure.create({
    type: AUTHORIZATION_REFUSED_FAILURE_TYPE,
    message: refused.reasons[0]?.message,
    nonRetryable: true,
    details: [refused],
  });
}

/** A refusal after reading the receipt is in the history already; its record is an activity, which never gives up. */
async function recordRead(run: Run, input: unknown, answer: Refusal, check: ReceiptCheck): Promise<Refusal> {
  const receiptId = check.ok ? check.receiptId : check.claimedId;
  const refusal = { ...refusalOf(run, input, answer), receiptId, receiptVerified: check.ok };
  await CancellationScope.nonCancellable(() => coreActivities.recordRunRefusal(refusal));
  return answer;
}

async function authorize(run: Run, input: unknown): Promise<AuthorizationAnswer> {
  const early = authorizationRefusal(run, input);
  if (early) return recordUnread(run, input, early);
  const { step: id, receipt } = input as StepAuthorization;
  const check = await coreActivities.checkStepReceipt(receipt);
  // Another authorization may have been accepted, or the run closed, while the receipt was read.
  const step = run.steps.get(id) as StepView;
  const refused = authorizationRefusal(run, input) ?? receiptRefusal(run, step, check);
  if (refused || !check.ok) {
    const answer = refused as Refusal;
    noteRefused(run, step, answer.reasons);
    return recordRead(run, input, answer, check);
  }
  const workflowId = markAuthorized(run, step, check.receiptId, receipt);
  return { status: 'accepted', step: id, receiptId: check.receiptId, workflowId };
}

/** Neither cancelling nor closing the run touches a step in flight: it finishes and is recorded. */
function executeStep(run: Run, step: StepView): Promise<void> {
  markRunning(run, step);
  return CancellationScope.nonCancellable(async () => {
    try {
      const child = await startChild<typeof executeAuthorizedOperation>(
        WORKFLOW_TYPE,
        stepWorkflowOptions(run, step),
      );
      applyResult(run, step, await child.result());
    } catch (error) {
      // A step's workflow that ends failed carries its result in the failure's details.
      const cause = error instanceof ChildWorkflowFailure ? error.cause : undefined;
      const result = cause instanceof ApplicationFailure ? resultInDetails(cause.details ?? []) : undefined;
      if (result) applyResult(run, step, result);
      else if (error instanceof WorkflowExecutionAlreadyStartedError)
        markNotShipped(run, step, alreadySubmittedReason(step));
      else markNotShipped(run, step, incompleteReason(String((error as Error)?.message ?? error)));
    }
  });
}

/** Starts what is ready (in dry-run mode: shows what it would send), and ends what can no longer ship. */
function advance(run: Run, inFlight: Promise<void>[]): void {
  for (let progressed = true; progressed; ) {
    stopDependants(run);
    const ready = readySteps(run);
    progressed = ready.length > 0;
    for (const step of ready)
      if (run.timeline.mode === 'dry-run') markBlockedByMode(run, step);
      else inFlight.push(executeStep(run, step));
  }
  setCurrentDetails(timelineTable(run.timeline));
}

/** Waits for authorizations and outcomes until every step has one, the deadline passes, or the run is cancelled. */
async function drive(run: Run, inFlight: Promise<void>[]) {
  let deadlinePassed = false;
  const untilDeadline = Date.parse(run.timeline.deadline) - Date.now();
  // Its own scope, cancelled when the run ends early: no timer outlives the run in the Web UI.
  const deadline = new CancellationScope();
  deadline
    .run(() => sleep(Math.max(1, untilDeadline)))
    .then(
      () => (deadlinePassed = true),
      () => undefined,
    );
  try {
    for (;;) {
      advance(run, inFlight);
      if (run.timeline.steps.every(ended)) return;
      const seen = run.version;
      await condition(() => run.version !== seen || deadlinePassed);
      if (deadlinePassed) return closeRun(run, 'deadline');
    }
  } catch (error) {
    if (!isCancellation(error)) throw error;
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
    const cause = error instanceof ActivityFailure ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === PLAN_INVALID_FAILURE_TYPE)
      throw ApplicationFailure.nonRetryable(cause.message, PLAN_INVALID_FAILURE_TYPE);
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
  setHandler(timelineQuery, () => {
    if (!prepared) throw new Error('The run is still validating its plan; ask again in a moment.');
    return prepared.timeline;
  });
  const gate = openGate(input);
  setHandler(
    authorizeStepUpdate,
    async (authorization) => {
      // Counted before the first await: the next Update's validator must see this one.
      gate.inFlight += 1;
      try {
        await condition(() => prepared !== undefined);
        const answer = await authorize(prepared as Run, authorization);
        if (answer.status === 'refused') gate.refused += 1;
        return answer;
      } finally {
        gate.inFlight -= 1;
      }
    },
    { validator: (authorization) => validateAuthorization(prepared, gate, authorization) },
  );
  const run = openRun(await prepare(input), workflowInfo().runStartTime.getTime());
  prepared = run;
  const inFlight: Promise<void>[] = [];

  await drive(run, inFlight);
  await Promise.all(inFlight);
  run.timeline.audit = await CancellationScope.nonCancellable(async () => {
    await condition(allHandlersFinished);
    const draft = runRecord(run.timeline, new Date(Date.now()).toISOString());
    return coreActivities.recordOutcome({ step: 'run', draft });
  });
  run.timeline.state = 'closed';
  return closeWith(run.timeline);
}

/** A run in which some step did not ship ends Failed: its line is the message, its timeline the details. */
function closeWith(timeline: RunTimeline): RunTimeline {
  const verdict = runVerdict(timeline);
  upsertSearchAttributes([{ key: searchAttributes.outcome, value: verdict }]);
  setCurrentDetails(timelineTable(timeline));
  if (verdict !== 'not_shipped') return timeline;
  throw ApplicationFailure.create({
    type: RUN_NOT_SHIPPED_FAILURE_TYPE,
    message: runLine(timeline),
    nonRetryable: true,
    details: [timeline],
  });
}

/** `marketops plan`: what each step of a plan would do on GitHub now. Reads only; no receipt is involved. */
export function previewPublicationPlan(plan: unknown): Promise<StepPreview[]> {
  return coreActivities.previewPlan(plan);
}
