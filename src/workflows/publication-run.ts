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
  ParentClosePolicy,
  patched,
  proxySinks,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import {
  AUTHORIZATION_REFUSED_FAILURE_TYPE,
  type AuthorizationAnswer,
  AuthorizationCode,
  authorizeStepUpdate,
  type ExecuteOperationInput,
  type ExecutionResult,
  ExecutorCode,
  FailureCode,
  MAX_ID_LENGTH,
  NotShippedCode,
  PLAN_INVALID_FAILURE_TYPE,
  type Reason,
  RUN_NOT_SHIPPED_FAILURE_TYPE,
  RUN_REFUSAL_LIMIT,
  type RunInput,
  type RunTimeline,
  type StepAuthorization,
  type StepPreview,
  type StepView,
  searchAttributes,
  TASK_QUEUE,
  timelineQuery,
  WaitingCode,
  type WaitingFor,
  WORKFLOW_ID_REUSE_POLICY,
  WORKFLOW_TYPE,
  workflowIdFor,
} from '../shared.js';
import { coreActivities } from './core-activities.js';

type Prepared = activities.PreparedRun;
type Ending = StepView['reason'] & {};

/** A run's state: the timeline it shows, plus what executing a step needs. */
export interface Run {
  timeline: RunTimeline;
  /** The timeline's steps by id: a run of hundreds of steps looks them up on every change. */
  steps: Map<string, StepView>;
  prepared: Map<string, activities.PreparedStep>;
  /** Accepted receipts by step: bearer tokens, so never part of the timeline anyone can query. */
  receipts: Map<string, string>;
  /** The reason codes of the last receipt refused for a step still waiting: why it never ran, at the end. */
  refused: Map<string, string[]>;
  /** Bumped on every change, so the main loop wakes once per change. */
  version: number;
}

// ---- Decisions: pure functions of the run's state --------------------------------------------

export function openRun(prepared: Prepared, startedAt: number): Run {
  const steps: StepView[] = prepared.steps.map(({ id, operation, repository, needs, opDigest }) => ({
    id,
    operation,
    repository,
    needs,
    opDigest,
    status: 'waiting_authorization',
  }));
  return {
    timeline: {
      runId: prepared.runId,
      mode: prepared.mode,
      planDigest: prepared.planDigest,
      state: 'open',
      deadline: new Date(startedAt + prepared.deadlineSeconds * 1000).toISOString(),
      steps,
    },
    steps: new Map(steps.map((step) => [step.id, step])),
    prepared: new Map(prepared.steps.map((step) => [step.id, step])),
    receipts: new Map(),
    refused: new Map(),
    version: 0,
  };
}

const ended = (step: StepView) => step.status === 'shipped' || step.status === 'not_shipped';
const notStarted = (step: StepView) =>
  step.status === 'waiting_authorization' || step.status === 'authorized';

/** In dry-run mode a step blocked by the mode stands for one that would ship, so its dependants show theirs. */
function satisfied(run: Run, step: StepView): boolean {
  return (
    step.status === 'shipped' ||
    (run.timeline.mode === 'dry-run' && step.reason?.code === NotShippedCode.blockedByMode)
  );
}

const stepById = (run: Run, id: string) => run.steps.get(id);

/** Authorized steps whose needs have all shipped: they start now. */
export function readySteps(run: Run): StepView[] {
  return run.timeline.steps.filter(
    (step) =>
      step.status === 'authorized' &&
      step.needs.every((id) => {
        const needed = stepById(run, id);
        return needed !== undefined && satisfied(run, needed);
      }),
  );
}

/** The first step `step` needs that ended without shipping, if any. */
function failedNeed(run: Run, step: StepView): StepView | undefined {
  return step.needs
    .map((id) => stepById(run, id))
    .find((needed) => needed !== undefined && ended(needed) && !satisfied(run, needed));
}

function endWith(run: Run, step: StepView, reason: Ending) {
  step.status = 'not_shipped';
  step.reason = reason;
  run.version += 1;
}

const end = (run: Run, step: StepView, code: Ending['code'], message: string) =>
  endWith(run, step, reasonOf(code, message));

/** Steps that can no longer ship because a step they need did not; repeated until nothing changes. */
export function stopDependants(run: Run): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const step of run.timeline.steps.filter(notStarted)) {
      const needed = failedNeed(run, step);
      if (!needed) continue;
      end(
        run,
        step,
        NotShippedCode.neededStepNotShipped,
        `Step "${needed.id}", which it needs, did not ship.`,
      );
      changed = true;
    }
  }
}

const WAIT_EXPLAINED: Record<WaitingFor['code'], string> = {
  [WaitingCode.neverAuthorized]: 'which was never authorized: no receipt for it was accepted',
  [WaitingCode.receiptRefused]: 'which was never authorized: its receipt was refused',
  [WaitingCode.waitingForNeeds]: 'which was authorized but itself waited for a step it needs',
  [WaitingCode.running]: 'which was still running',
};

/** The first step an authorized `step` needs that has not shipped, and why that one had not run. */
function waitingFor(run: Run, step: StepView): WaitingFor | undefined {
  const need = step.needs
    .map((id) => stepById(run, id))
    .find((needed) => needed !== undefined && !satisfied(run, needed));
  if (!need) return undefined;
  if (need.status === 'waiting_authorization')
    return {
      step: need.id,
      code: run.refused.has(need.id) ? WaitingCode.receiptRefused : WaitingCode.neverAuthorized,
    };
  return {
    step: need.id,
    code: need.status === 'authorized' ? WaitingCode.waitingForNeeds : WaitingCode.running,
  };
}

/** A step that had not started when the run closed: with what it waited for, if anything, in words and as data. */
function closedBefore(run: Run, step: StepView, code: Ending['code'], when: string, wait?: WaitingFor) {
  if (!wait) return end(run, step, code, `${when} before the step started.`);
  const codes = run.refused.get(wait.step);
  const refused = wait.code === WaitingCode.receiptRefused && codes ? ` (${codes.join(', ')})` : '';
  const message = `${when} while the step waited for step "${wait.step}", ${WAIT_EXPLAINED[wait.code]}${refused}.`;
  endWith(run, step, { ...reasonOf(code, message), waitingFor: wait });
}

/**
 * At the deadline or on cancel, every step that has not started ends, with its one reason: a
 * cancelled run's are cancelled; at the deadline, a step without a receipt was never authorized,
 * and an authorized one did not get to start. An authorized step names the step it waited for and
 * why that one had not run, read before anything else ends. Runs that began before waits were
 * explained (`explainWaits` false: patch `run-waits-explained`) close as they would have then: no
 * waits named, and at the deadline a step whose need was never authorized ends NEEDED_STEP_NOT_SHIPPED.
 */
export function closeRun(run: Run, why: 'deadline' | 'cancelled', explainWaits = true): void {
  run.timeline.state = 'closing';
  const waits = new Map(
    explainWaits
      ? run.timeline.steps.filter((s) => s.status === 'authorized').map((s) => [s.id, waitingFor(run, s)])
      : [],
  );
  if (why === 'cancelled') {
    for (const step of run.timeline.steps.filter(notStarted))
      closedBefore(run, step, NotShippedCode.cancelled, 'The run was cancelled', waits.get(step.id));
    return;
  }
  for (const step of run.timeline.steps.filter((s) => s.status === 'waiting_authorization'))
    end(
      run,
      step,
      NotShippedCode.neverAuthorized,
      "No receipt was accepted for the step before the run's deadline.",
    );
  if (!explainWaits) closeUnexplained(run);
  else
    for (const step of run.timeline.steps.filter(notStarted))
      closedBefore(
        run,
        step,
        NotShippedCode.deadlineReached,
        "The run's deadline passed",
        waits.get(step.id),
      );
}

/** The deadline's closing before waits were explained, kept word for word for the runs that began then. */
function closeUnexplained(run: Run): void {
  stopDependants(run);
  for (const step of run.timeline.steps.filter(notStarted))
    end(
      run,
      step,
      NotShippedCode.deadlineReached,
      "The run's deadline passed while the step waited for a step it needs.",
    );
}

const refusal = (step: string, code: string, message: string): AuthorizationAnswer => ({
  status: 'refused',
  step,
  reasons: [{ code, message }],
});

/** A step id longer than any plan's is cut, so no refusal or record echoes megabytes. */
const named = (step: string) => (step.length > MAX_ID_LENGTH ? `${step.slice(0, MAX_ID_LENGTH - 1)}…` : step);

/** The step an Update names, as refusals and records show it; null when it names none. */
function namedStep(input: unknown): string | null {
  const step = (input as { step?: unknown } | null)?.step;
  return typeof step === 'string' && step !== '' ? named(step) : null;
}

/** What can be refused by the Update's shape alone, before the run knows its plan. */
export function malformedRefusal(input: unknown): AuthorizationAnswer | undefined {
  const loose = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (typeof loose.step === 'string' && typeof loose.receipt === 'string') return undefined;
  return refusal(
    namedStep(input) ?? '',
    AuthorizationCode.malformed,
    'An authorization is exactly { step, receipt }, both strings.',
  );
}

/** What can be refused without looking at the receipt: the same checks run again once it is read. */
export function authorizationRefusal(run: Run, input: unknown): AuthorizationAnswer | undefined {
  const malformed = malformedRefusal(input);
  if (malformed) return malformed;
  const { step: id } = input as StepAuthorization;
  const step = named(id);
  if (run.timeline.state !== 'open')
    return refusal(
      step,
      AuthorizationCode.runClosed,
      `Run ${run.timeline.runId} no longer accepts authorizations.`,
    );
  const found = stepById(run, id);
  if (!found)
    return refusal(step, AuthorizationCode.unknownStep, `Run ${run.timeline.runId} has no step "${step}".`);
  if (ended(found))
    return refusal(
      step,
      AuthorizationCode.stepEnded,
      `Step "${step}" has already ended: ${found.reason?.message ?? found.status}.`,
    );
  if (found.status !== 'waiting_authorization')
    return refusal(
      step,
      AuthorizationCode.alreadyAuthorized,
      `Step "${step}" is already authorized by receipt ${found.receiptId}.`,
    );
  return undefined;
}

/** The receipt must be bound to this run, this kind and this step's exact request. */
export function receiptRefusal(
  run: Run,
  step: StepView,
  check: activities.ReceiptCheck,
): AuthorizationAnswer | undefined {
  if (!check.ok) return { status: 'refused', step: step.id, reasons: check.reasons };
  const other = run.timeline.steps.find((s) => s.receiptId === check.receiptId);
  if (other)
    return refusal(
      step.id,
      AuthorizationCode.receiptInUse,
      `Receipt ${check.receiptId} already authorizes step "${other.id}".`,
    );
  if (check.runId !== run.timeline.runId)
    return refusal(
      step.id,
      AuthorizationCode.runMismatch,
      `The receipt is for run ${check.runId}, not ${run.timeline.runId}.`,
    );
  if (check.operationKind !== step.operation)
    return refusal(
      step.id,
      AuthorizationCode.kindMismatch,
      `The receipt authorizes ${check.operationKind}, but step "${step.id}" is ${step.operation}.`,
    );
  if (check.opDigest !== step.opDigest)
    return refusal(
      step.id,
      AuthorizationCode.digestMismatch,
      `The receipt's op_digest ${check.opDigest} is not step "${step.id}"'s ${step.opDigest}.`,
    );
  return undefined;
}

const GITHUB_REFUSALS = new Set<string>([
  FailureCode.conflict,
  FailureCode.validationFailed,
  FailureCode.notFound,
  FailureCode.forbidden,
  FailureCode.badCredentials,
]);

const reasonOf = (code: Ending['code'], message: string, detail: Reason[] = []): Ending => ({
  code,
  message,
  detail,
});

/** Why a step whose workflow ended with `code` did not ship. */
function failedReason(code: string, message: string): Ending {
  const detail = [{ code, message }];
  if (GITHUB_REFUSALS.has(code))
    return reasonOf(NotShippedCode.githubRefused, `GitHub refused it (${code}): ${message}`, detail);
  if (code === FailureCode.expiredDuringExecution)
    return reasonOf(NotShippedCode.expiredDuringExecution, message, detail);
  if (code === FailureCode.cancelled) return reasonOf(NotShippedCode.cancelled, message, detail);
  return reasonOf(NotShippedCode.executionFailed, `The execution failed (${code}): ${message}`, detail);
}

/** The one primary reason a step's result is not a shipment; undefined when it shipped. */
export function notShippedReason(result: ExecutionResult): Ending | undefined {
  switch (result.status) {
    case 'succeeded':
      return undefined;
    case 'rejected': {
      const codes = result.reasons.map((reason) => reason.code).join(', ');
      return reasonOf(NotShippedCode.receiptRejected, `The receipt was rejected (${codes}).`, result.reasons);
    }
    case 'blocked_by_mode':
      return reasonOf(
        NotShippedCode.blockedByMode,
        'The executor runs in dry-run mode; nothing was written.',
      );
    case 'failed':
      return failedReason(result.code, result.message);
  }
}

/** Why a step whose workflow did not complete did not ship: a rejection (it ends failed), a taken id, or anything else. */
function failureReason(step: StepView, error: unknown): Ending {
  if (error instanceof WorkflowExecutionAlreadyStartedError) {
    const message = `Receipt ${step.receiptId} was already submitted as ${step.workflowId}.`;
    return reasonOf(
      NotShippedCode.receiptRejected,
      `The receipt was rejected (${ExecutorCode.alreadyConsumed}).`,
      [{ code: ExecutorCode.alreadyConsumed, message }],
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return reasonOf(NotShippedCode.executionFailed, `The step's workflow did not complete: ${message}`);
}

/**
 * A step's workflow that ends failed (a rejection; on newer executors a failure too) carries its
 * result in the failure's details; any other failure has no result.
 */
function resultIn(error: unknown): ExecutionResult | undefined {
  const cause = error instanceof ChildWorkflowFailure ? error.cause : undefined;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const result = cause.details?.[0] as Partial<ExecutionResult> | undefined;
  return result?.status !== undefined && result.audit !== undefined ? (result as ExecutionResult) : undefined;
}

/** A step's result, as the timeline shows it. */
function applyResult(run: Run, step: StepView, result: ExecutionResult): void {
  step.auditLeafHash = result.audit.leafHash;
  const reason = notShippedReason(result);
  if (reason) endWith(run, step, reason);
  else if (result.status === 'succeeded') {
    step.status = 'shipped';
    step.url = result.github.url;
    step.adopted = result.github.adopted;
    run.version += 1;
  }
}

/** The Web UI's current details: a heading with the mode and counts, then the timeline as a table. */
export function timelineTable(timeline: RunTimeline): string {
  const count = (status: StepView['status']) =>
    timeline.steps.filter((step) => step.status === status).length;
  const pending = timeline.steps.length - count('shipped') - count('not_shipped');
  const cell = (text: string | undefined) => (text ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');
  const rows = timeline.steps.map(
    (step) =>
      `| ${cell(step.id)} | ${step.operation} | ${step.repository} | ${step.status} | ${cell(step.reason && `${step.reason.code}: ${step.reason.message}`)} | ${cell(step.url)} |`,
  );
  return [
    `**Run ${timeline.runId}** · mode ${timeline.mode} · ${timeline.state} · ${count('shipped')} shipped, ${count('not_shipped')} not shipped, ${pending} pending`,
    '',
    '| step | operation | repository | status | reason | link |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

// ---- Effects ---------------------------------------------------------------------------------

const sinks = proxySinks<activities.RunSinks>();

/** Refusals the run counts against RUN_REFUSAL_LIMIT: those in its history, and Updates still in their handler. */
interface RefusalGate {
  refused: number;
  inFlight: number;
  /** The steps the run's input lists: before its plan is validated, each may be waiting for its receipt. */
  planSteps: number;
}

/** What every record of a refusal says: the run, the step, its operation, the reasons, when and which Update. */
function refusalFacts(
  run: Run | undefined,
  input: unknown,
  answer: AuthorizationAnswer & { status: 'refused' },
) {
  const step = namedStep(input);
  const found = step === null ? undefined : run?.steps.get(step);
  return {
    // Before its plan is validated a run knows its id only from its workflow id, run-<run_id>.
    runId: run?.timeline.runId ?? workflowInfo().workflowId.replace(/^run-/, ''),
    mode: run?.timeline.mode ?? null,
    step,
    operationKind: found?.operation ?? null,
    repository: found?.repository ?? null,
    reasons: answer.reasons,
    recordedAt: new Date(Date.now()).toISOString(),
    updateId: currentUpdateInfo()?.id ?? '',
  };
}

/**
 * A refusal decided without reading the receipt goes to the worker's sink, which records it before the
 * answer leaves: no command, so nothing in the history, and nothing again on replay.
 */
function recordUnread(
  run: Run | undefined,
  input: unknown,
  answer: AuthorizationAnswer,
): AuthorizationAnswer {
  if (answer.status === 'refused') {
    const receipt = (input as { receipt?: unknown } | null)?.receipt;
    sinks.audit.recordUnreadRefusal({ ...refusalFacts(run, input, answer), receipt });
  }
  return answer;
}

/**
 * An Update beyond the limit is refused before it enters the history: at most RUN_REFUSAL_LIMIT refusals
 * plus one Update per step waiting for its receipt are ever taken in (a genuine receipt for each step fits).
 */
function limitRefusal(
  run: Run | undefined,
  gate: RefusalGate,
  input: unknown,
): AuthorizationAnswer | undefined {
  const waiting =
    run?.timeline.steps.filter((s) => s.status === 'waiting_authorization').length ?? gate.planSteps;
  if (gate.refused + Math.max(0, gate.inFlight - waiting) < RUN_REFUSAL_LIMIT) return undefined;
  return refusal(
    namedStep(input) ?? '',
    AuthorizationCode.tooManyRefusals,
    `The run has refused ${RUN_REFUSAL_LIMIT} authorizations and accepts no more, genuine ones included; start a new run with new receipts.`,
  );
}

/**
 * The Update's validator: what it refuses never enters the run's history, so a flood of such refusals
 * cannot grow it. Each is recorded by the worker's sink, and the caller gets the answer as the failure's
 * details. Before the plan is validated only the Update's shape and the limit can be checked; what needs
 * the plan is refused by the handler, counted against the limit. Validators must not change the run:
 * the handler keeps every count.
 */
function validateAuthorization(run: Run | undefined, gate: RefusalGate, input: unknown): void {
  const early = run ? authorizationRefusal(run, input) : malformedRefusal(input);
  const refused = early ?? limitRefusal(run, gate, input);
  if (refused?.status !== 'refused') return;
  recordUnread(run, input, refused);
  throw ApplicationFailure.create({
    type: AUTHORIZATION_REFUSED_FAILURE_TYPE,
    message: refused.reasons[0]?.message,
    nonRetryable: true,
    details: [refused],
  });
}

/** A refusal after reading the receipt is in the history already; its record is an activity, which never gives up. */
async function recordRead(
  run: Run,
  input: unknown,
  answer: AuthorizationAnswer & { status: 'refused' },
  check: activities.ReceiptCheck,
): Promise<void> {
  // Runs started before refusals were recorded replay without the record.
  if (!patched('run-refusals-recorded')) return;
  const receiptId = check.ok ? check.receiptId : (check.claimedId ?? null);
  const refusal = { ...refusalFacts(run, input, answer), receiptId, receiptVerified: check.ok };
  await CancellationScope.nonCancellable(() => coreActivities.recordRunRefusal(refusal));
}

async function authorize(run: Run, input: unknown): Promise<AuthorizationAnswer> {
  const early = authorizationRefusal(run, input);
  if (early) return recordUnread(run, input, early);
  const { step: id, receipt } = input as { step: string; receipt: string };
  const check = await coreActivities.checkStepReceipt(receipt);
  // Another authorization may have been accepted, or the run closed, while the receipt was read.
  const step = stepById(run, id) as StepView;
  const refused = authorizationRefusal(run, input) ?? receiptRefusal(run, step, check);
  if (refused?.status === 'refused' || !check.ok) {
    const answer = refused as AuthorizationAnswer & { status: 'refused' };
    if (step.status === 'waiting_authorization')
      run.refused.set(
        id,
        answer.reasons.map((reason) => reason.code),
      );
    await recordRead(run, input, answer, check);
    return answer;
  }
  step.status = 'authorized';
  step.receiptId = check.receiptId;
  step.workflowId = workflowIdFor(check.receiptId);
  run.receipts.set(id, receipt);
  run.version += 1;
  return { status: 'accepted', step: id, receiptId: check.receiptId, workflowId: step.workflowId };
}

/**
 * One step through its own receipt workflow, the contract of any other submission. Neither
 * cancelling nor closing the run touches a step in flight: it finishes and is recorded.
 */
function executeStep(run: Run, step: StepView): Promise<void> {
  const prepared = run.prepared.get(step.id) as activities.PreparedStep;
  step.status = 'running';
  run.version += 1;
  const input: ExecuteOperationInput = {
    receipt: run.receipts.get(step.id) as string,
    request: prepared.request,
  };
  return CancellationScope.nonCancellable(async () => {
    try {
      const child = await startChild<(input: ExecuteOperationInput) => Promise<ExecutionResult>>(
        WORKFLOW_TYPE,
        {
          workflowId: step.workflowId,
          taskQueue: TASK_QUEUE,
          args: [input],
          workflowIdReusePolicy: WORKFLOW_ID_REUSE_POLICY,
          parentClosePolicy: ParentClosePolicy.ABANDON,
          staticSummary: prepared.summary,
          typedSearchAttributes: [
            { key: searchAttributes.runId, value: run.timeline.runId },
            { key: searchAttributes.operationKind, value: step.operation },
            { key: searchAttributes.repository, value: step.repository },
          ],
        },
      );
      applyResult(run, step, await child.result());
    } catch (error) {
      const result = resultIn(error);
      if (result) applyResult(run, step, result);
      else endWith(run, step, failureReason(step, error));
    }
  });
}

/** Starts what is ready (in dry-run mode: shows what it would send), and ends what can no longer ship. */
function advance(run: Run, inFlight: Promise<void>[]): void {
  for (let progressed = true; progressed; ) {
    stopDependants(run);
    const ready = readySteps(run);
    progressed = ready.length > 0;
    for (const step of ready) {
      if (run.timeline.mode === 'dry-run') {
        const writes = run.prepared.get(step.id)?.writes.join(', ');
        end(
          run,
          step,
          NotShippedCode.blockedByMode,
          `Dry-run mode: it would send ${writes}; no receipt was consumed.`,
        );
      } else inFlight.push(executeStep(run, step));
    }
  }
  setCurrentDetails(timelineTable(run.timeline));
}

/** Waits for authorizations and outcomes until every step has one, the deadline passes, or the run is cancelled. */
async function drive(run: Run, inFlight: Promise<void>[]) {
  let deadlinePassed = false;
  const untilDeadline = Date.parse(run.timeline.deadline) - Date.now();
  // Runs that began before waits were explained close as they began (docs/runs.md).
  const close = (why: 'deadline' | 'cancelled') => closeRun(run, why, patched('run-waits-explained'));
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
      if (deadlinePassed) return close('deadline');
    }
  } catch (error) {
    if (!isCancellation(error)) throw error;
    close('cancelled');
  } finally {
    deadline.cancel();
  }
}

function runRecord(run: Run): activities.RecordDraft {
  const { timeline } = run;
  const notShipped = timeline.steps.filter((step) => step.status !== 'shipped');
  return {
    recorded_at: new Date(Date.now()).toISOString(),
    run_id: timeline.runId,
    // The plan names the run; each step's own record says whether its receipt vouched for it.
    run_id_verified: false,
    receipt_id: null,
    operation_kind: 'publication_run',
    repository: null,
    op_digest: null,
    key_id: null,
    outcome:
      notShipped.length === 0 ? 'succeeded' : timeline.mode === 'dry-run' ? 'blocked_by_mode' : 'failed',
    reasons: notShipped.map((step) => ({
      code: step.reason?.code ?? NotShippedCode.executionFailed,
      message: `Step "${step.id}": ${step.reason?.message ?? 'no outcome'}`,
    })),
    github: null,
    run: {
      plan_digest: timeline.planDigest,
      mode: timeline.mode,
      steps: timeline.steps.map((step) => ({
        id: step.id,
        status: step.status === 'shipped' ? 'shipped' : 'not_shipped',
        reason_code: step.reason?.code ?? null,
        receipt_id: step.receiptId ?? null,
        url: step.url ?? null,
        leaf_hash: step.auditLeafHash ?? null,
      })),
    },
  };
}

/** A plan the run cannot hold ends the run failed with the plan's own sentence, as PLAN_INVALID. */
async function prepare(input: RunInput): Promise<Prepared> {
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
  const steps = (input?.plan as { steps?: unknown } | undefined)?.steps;
  const gate: RefusalGate = { refused: 0, inFlight: 0, planSteps: Array.isArray(steps) ? steps.length : 0 };
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
    return coreActivities.recordOutcome({ step: 'run', draft: runRecord(run) });
  });
  run.timeline.state = 'closed';
  return closeWith(run.timeline);
}

/** The run in one line, as the Web UI shows a failure above the fold: mode, how many shipped, and which not, why. */
export function runLine(timeline: RunTimeline): string {
  const notShipped = timeline.steps.filter((step) => step.status !== 'shipped');
  const shown = notShipped.slice(0, 5).map((step) => `${step.id} ${step.reason?.code ?? step.status}`);
  const more = notShipped.length > shown.length ? `, and ${notShipped.length - shown.length} more` : '';
  const shipped = `${timeline.steps.length - notShipped.length} of ${timeline.steps.length} steps shipped`;
  const why = notShipped.length > 0 ? ` · not shipped: ${shown.join(', ')}${more}` : '';
  return `Run ${timeline.runId} · ${timeline.mode} · ${shipped}${why}`;
}

/**
 * How a closed run ends (docs/runs.md): Completed when every step shipped, and in dry-run mode, where
 * nothing is meant to ship (MarketOpsOutcome blocked_by_mode); otherwise Failed, with the run's line as
 * the message and the timeline as the failure's details, so the workflows list tells at a glance what
 * did not ship. Runs started before this change complete as before.
 */
function closeWith(timeline: RunTimeline): RunTimeline {
  const allShipped = timeline.steps.every((step) => step.status === 'shipped');
  const verdict = allShipped ? 'shipped' : timeline.mode === 'dry-run' ? 'blocked_by_mode' : 'not_shipped';
  const patch = !allShipped && patched('runs-end-failed');
  upsertSearchAttributes([
    { key: searchAttributes.outcome, value: patch || allShipped ? verdict : 'not_shipped' },
  ]);
  setCurrentDetails(timelineTable(timeline));
  if (!patch || verdict !== 'not_shipped') return timeline;
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
