import type { ApprovalFacts } from '../audit/record.js';
import { Code } from '../codes.js';
import {
  type ExecutionResult,
  type Reason,
  type RunTimeline,
  type StepView,
  type WaitingFor,
  workflowIdFor,
} from '../shared.js';
import type { PreparedRun, PreparedStep } from './prepared.js';
import { type NotShipped, notShippedReason, reasonOf } from './reasons.js';

/** A run's state: the timeline it shows, plus what executing a step needs. */
export interface Run {
  timeline: RunTimeline;
  /** The timeline's steps by id: a run of hundreds of steps looks them up on every change. */
  steps: Map<string, StepView>;
  prepared: Map<string, PreparedStep>;
  /** Accepted receipts by step: bearer tokens, so never part of the timeline anyone can query. */
  receipts: Map<string, string>;
  /** The approvals collected so far for steps whose policy needs more, as one receipt; likewise private. */
  approvals: Map<string, string>;
  /** The latest approval decision of each step that reached one: kids, approvers, verdicts; no token. */
  approvalFacts: Map<string, ApprovalFacts>;
  /** Steps whose approvals an Update is merging now: one at a time per step. */
  collecting: Set<string>;
  /** The reason codes of the last receipt refused for a step still waiting: why it never ran, at the end. */
  refused: Map<string, Code[]>;
  /** Bumped on every change, so the main loop wakes once per change. */
  version: number;
}

export function openRun(prepared: PreparedRun, startedAt: number): Run {
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
    approvals: new Map(),
    collecting: new Set(),
    approvalFacts: new Map(),
    refused: new Map(),
    version: 0,
  };
}

export const ended = (step: StepView) => step.status === 'shipped' || step.status === 'not_shipped';
const notStarted = (step: StepView) =>
  step.status === 'waiting_authorization' || step.status === 'authorized';

/** In dry-run mode a step blocked by the mode stands for one that would ship, so its dependants show theirs. */
function satisfied(run: Run, step: StepView): boolean {
  return (
    step.status === 'shipped' ||
    (run.timeline.mode === 'dry-run' && step.reason?.code === Code.BLOCKED_BY_MODE)
  );
}

/** Authorized steps whose needs have all shipped: they start now. */
export function readySteps(run: Run): StepView[] {
  return run.timeline.steps.filter(
    (step) =>
      step.status === 'authorized' &&
      step.needs.every((id) => {
        const needed = run.steps.get(id);
        return needed !== undefined && satisfied(run, needed);
      }),
  );
}

/** The step's end without a shipment, with its one reason. */
export function markNotShipped(run: Run, step: StepView, reason: NotShipped): void {
  step.status = 'not_shipped';
  step.reason = reason;
  run.version += 1;
}

/** A step whose receipt the run accepted: it starts once its needs have shipped, as the workflow id returned. */
export function markAuthorized(run: Run, step: StepView, receiptId: string, receipt: string): string {
  run.approvals.delete(step.id);
  delete step.missingApprovals;
  step.status = 'authorized';
  step.receiptId = receiptId;
  step.workflowId = workflowIdFor(receiptId);
  run.receipts.set(step.id, receipt);
  run.version += 1;
  return step.workflowId;
}

/** Approvals that verify but do not satisfy the policy yet: held, and what is missing shown, until more arrive. */
export function holdApprovals(run: Run, step: StepView, receipt: string, missing: string[]): void {
  run.approvals.set(step.id, receipt);
  step.missingApprovals = missing;
  run.version += 1;
}

/** Kept for the run's record: every approval the run collected, for each step. */
export function noteApprovals(run: Run, step: string, facts: ApprovalFacts | null): void {
  if (!facts) return;
  // Re-inserted, so the map's order is the order of the latest decisions.
  run.approvalFacts.delete(step);
  run.approvalFacts.set(step, facts);
}

/** A refused receipt for a step still waiting: why it never ran, should the run close first. */
export function noteRefused(run: Run, step: StepView, reasons: readonly Reason[]): void {
  if (step.status === 'waiting_authorization')
    run.refused.set(
      step.id,
      reasons.map((reason) => reason.code),
    );
}

/** In dry-run mode a ready step shows what it would send instead of starting. */
function markBlockedByMode(run: Run, step: StepView): void {
  const writes = run.prepared.get(step.id)?.writes.join(', ');
  const message = `Dry-run mode: it would send ${writes}; no receipt was consumed.`;
  markNotShipped(run, step, reasonOf(Code.BLOCKED_BY_MODE, message));
}

/**
 * Ends what can no longer ship, and marks running the steps that start now, which it returns; in
 * dry-run mode a ready step is blocked by the mode instead, which may make its dependants ready.
 */
export function startReady(run: Run): StepView[] {
  const started: StepView[] = [];
  for (let progressed = true; progressed; ) {
    stopDependants(run);
    const ready = readySteps(run);
    progressed = ready.length > 0;
    for (const step of ready) {
      if (run.timeline.mode === 'dry-run') markBlockedByMode(run, step);
      else {
        step.status = 'running';
        run.version += 1;
        started.push(step);
      }
    }
  }
  return started;
}

/** A step's result, as the timeline shows it. */
export function applyResult(run: Run, step: StepView, result: ExecutionResult): void {
  step.auditLeafHash = result.audit.leafHash;
  const reason = notShippedReason(result);
  if (reason) markNotShipped(run, step, reason);
  else if (result.status === 'succeeded') {
    step.status = 'shipped';
    step.url = result.github.url;
    step.adopted = result.github.adopted;
    run.version += 1;
  }
}

/** The first step `step` needs that ended without shipping, if any. */
function failedNeed(run: Run, step: StepView): StepView | undefined {
  return step.needs
    .map((id) => run.steps.get(id))
    .find((needed) => needed !== undefined && ended(needed) && !satisfied(run, needed));
}

/** Steps that can no longer ship because a step they need did not; repeated until nothing changes. */
export function stopDependants(run: Run): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const step of run.timeline.steps.filter(notStarted)) {
      const needed = failedNeed(run, step);
      if (!needed) continue;
      const message = `Step "${needed.id}", which it needs, did not ship.`;
      markNotShipped(run, step, reasonOf(Code.NEEDED_STEP_NOT_SHIPPED, message));
      changed = true;
    }
  }
}

const WAIT_EXPLAINED: Record<WaitingFor['code'], string> = {
  [Code.NEVER_AUTHORIZED]: 'which was never authorized: no receipt for it was accepted',
  [Code.RECEIPT_REFUSED]: 'which was never authorized: its receipt was refused',
  [Code.WAITING_FOR_NEEDS]: 'which was authorized but itself waited for a step it needs',
  [Code.RUNNING]: 'which was still running',
};

/** The first step an authorized `step` needs that has not shipped, and why that one had not run. */
function waitingFor(run: Run, step: StepView): WaitingFor | undefined {
  const need = step.needs
    .map((id) => run.steps.get(id))
    .find((needed) => needed !== undefined && !satisfied(run, needed));
  if (!need) return undefined;
  if (need.status === 'waiting_authorization')
    return {
      step: need.id,
      code: run.refused.has(need.id) ? Code.RECEIPT_REFUSED : Code.NEVER_AUTHORIZED,
    };
  return {
    step: need.id,
    code: need.status === 'authorized' ? Code.WAITING_FOR_NEEDS : Code.RUNNING,
  };
}

/** A step that had not started when the run closed: with what it waited for, if anything, in words and as data. */
function closedBefore(run: Run, step: StepView, code: NotShipped['code'], when: string, wait?: WaitingFor) {
  if (!wait) return markNotShipped(run, step, reasonOf(code, `${when} before the step started.`));
  const codes = run.refused.get(wait.step);
  const refused = wait.code === Code.RECEIPT_REFUSED && codes ? ` (${codes.join(', ')})` : '';
  const message = `${when} while the step waited for step "${wait.step}", ${WAIT_EXPLAINED[wait.code]}${refused}.`;
  markNotShipped(run, step, { ...reasonOf(code, message), waitingFor: wait });
}

/**
 * At the deadline or on cancel, every step that has not started ends, with its one reason: a
 * cancelled run's are cancelled; at the deadline, a step without a receipt was never authorized,
 * and an authorized one did not get to start. An authorized step names the step it waited for and
 * why that one had not run, read before anything else ends.
 */
export function closeRun(run: Run, why: 'deadline' | 'cancelled'): void {
  run.timeline.state = 'closing';
  const waits = new Map(
    run.timeline.steps.filter((s) => s.status === 'authorized').map((s) => [s.id, waitingFor(run, s)]),
  );
  if (why === 'cancelled') {
    for (const step of run.timeline.steps.filter(notStarted))
      closedBefore(run, step, Code.CANCELLED, 'The run was cancelled', waits.get(step.id));
    return;
  }
  const never = "No receipt was accepted for the step before the run's deadline.";
  for (const step of run.timeline.steps.filter((s) => s.status === 'waiting_authorization'))
    markNotShipped(run, step, reasonOf(Code.NEVER_AUTHORIZED, never));
  for (const step of run.timeline.steps.filter(notStarted))
    closedBefore(run, step, Code.DEADLINE_REACHED, "The run's deadline passed", waits.get(step.id));
}
