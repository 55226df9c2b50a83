import { Code, type RefusalCode } from '../codes.js';
import {
  type AuthorizationAnswer,
  MAX_ID_LENGTH,
  type Mode,
  type Reason,
  RUN_REFUSAL_LIMIT,
  type StepAuthorization,
  type StepView,
} from '../shared.js';
import type { ReceiptCheck } from './prepared.js';
import { ended, noteRefused, type Run } from './run-state.js';

export type Refusal = AuthorizationAnswer & { status: 'refused' };

const refusal = (step: string, code: RefusalCode, message: string): Refusal => ({
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
export function malformedRefusal(input: unknown): Refusal | undefined {
  const loose = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  if (typeof loose.step === 'string' && typeof loose.receipt === 'string') return undefined;
  return refusal(
    namedStep(input) ?? '',
    Code.MALFORMED,
    'An authorization is exactly { step, receipt }, both strings.',
  );
}

/** What can be refused without looking at the receipt: the same checks run again once it is read. */
export function authorizationRefusal(run: Run, input: unknown): Refusal | undefined {
  const malformed = malformedRefusal(input);
  if (malformed) return malformed;
  const { step: id } = input as StepAuthorization;
  const step = named(id);
  const { runId } = run.timeline;
  if (run.timeline.state !== 'open')
    return refusal(step, Code.RUN_CLOSED, `Run ${runId} no longer accepts authorizations.`);
  const found = run.steps.get(id);
  if (!found) return refusal(step, Code.UNKNOWN_STEP, `Run ${runId} has no step "${step}".`);
  if (ended(found))
    return refusal(
      step,
      Code.STEP_ENDED,
      `Step "${step}" has already ended: ${found.reason?.message ?? found.status}.`,
    );
  if (found.status !== 'waiting_authorization')
    return refusal(
      step,
      Code.ALREADY_AUTHORIZED,
      `Step "${step}" is already authorized by receipt ${found.receiptId}.`,
    );
  return undefined;
}

/** The receipt must be bound to this run, this kind and this step's exact request. */
export function receiptRefusal(run: Run, step: StepView, check: ReceiptCheck): Refusal | undefined {
  if (!check.ok) return { status: 'refused', step: step.id, reasons: check.reasons };
  const other = run.timeline.steps.find((s) => s.receiptId === check.receiptId);
  if (other)
    return refusal(
      step.id,
      Code.RECEIPT_IN_USE,
      `Receipt ${check.receiptId} already authorizes step "${other.id}".`,
    );
  if (check.runId !== run.timeline.runId)
    return refusal(
      step.id,
      Code.RUN_ID_MISMATCH,
      `The receipt is for run ${check.runId}, not ${run.timeline.runId}.`,
    );
  if (check.operationKind !== step.operation)
    return refusal(
      step.id,
      Code.OPERATION_KIND_MISMATCH,
      `The receipt authorizes ${check.operationKind}, but step "${step.id}" is ${step.operation}.`,
    );
  if (check.opDigest !== step.opDigest)
    return refusal(
      step.id,
      Code.PARAMS_MISMATCH,
      `The receipt's op_digest ${check.opDigest} is not step "${step.id}"'s ${step.opDigest}.`,
    );
  return undefined;
}

/**
 * Once the receipt is read: the same checks again, since another authorization may have been accepted,
 * or the run closed, meanwhile; then the receipt's. A refused step still waiting remembers why.
 */
export function refusalAfterReading(
  run: Run,
  input: StepAuthorization,
  check: ReceiptCheck,
): Refusal | undefined {
  const step = run.steps.get(input.step) as StepView;
  const refused = authorizationRefusal(run, input) ?? receiptRefusal(run, step, check);
  if (refused) noteRefused(run, step, refused.reasons);
  return refused;
}

/** Refusals the run counts against RUN_REFUSAL_LIMIT: those in its history, and Updates still in their handler. */
export interface RefusalGate {
  refused: number;
  inFlight: number;
  /** The steps the run's input lists: before its plan is validated, each may be waiting for its receipt. */
  planSteps: number;
}

/** A gate with nothing counted yet, for a run whose input lists `plan.steps`. */
export function openGate(input: unknown): RefusalGate {
  const steps = (input as { plan?: { steps?: unknown } } | undefined)?.plan?.steps;
  return { refused: 0, inFlight: 0, planSteps: Array.isArray(steps) ? steps.length : 0 };
}

/**
 * An Update beyond the limit is refused before it enters the history: at most RUN_REFUSAL_LIMIT refusals
 * plus one Update per step waiting for its receipt are ever taken in (a genuine receipt for each step fits).
 */
function limitRefusal(run: Run | undefined, gate: RefusalGate, input: unknown): Refusal | undefined {
  const waiting =
    run?.timeline.steps.filter((s) => s.status === 'waiting_authorization').length ?? gate.planSteps;
  if (gate.refused + Math.max(0, gate.inFlight - waiting) < RUN_REFUSAL_LIMIT) return undefined;
  return refusal(
    namedStep(input) ?? '',
    Code.TOO_MANY_REFUSALS,
    `The run has refused ${RUN_REFUSAL_LIMIT} authorizations and accepts no more, genuine ones included; start a new run with new receipts.`,
  );
}

/** What the Update's validator refuses: what it can check before (or without) the run's plan, and the limit. */
export const earlyRefusal = (run: Run | undefined, gate: RefusalGate, input: unknown): Refusal | undefined =>
  (run ? authorizationRefusal(run, input) : malformedRefusal(input)) ?? limitRefusal(run, gate, input);

/** A refused authorization of a run's step, as the run workflow knows it and records it (docs/runs.md). */
export interface RunRefusal {
  runId: string;
  /** Null while the run was still validating its plan. */
  mode: Mode | null;
  /** Null when the Update was malformed; at most MAX_ID_LENGTH characters, as the plan's step ids. */
  step: string | null;
  /** The step's, when the plan has the step. */
  operationKind: string | null;
  repository: string | null;
  reasons: Reason[];
  recordedAt: string;
  /** The Update's id: with the workflow run and what was refused, the record's identity, so a retry records once. */
  updateId: string;
}

/**
 * What every record of a refusal says: the run, the step, its operation, the reasons, when and which
 * Update. Before its plan is validated a run knows its id only from its workflow id, run-<run_id>.
 */
export function refusalFacts(
  run: Run | undefined,
  input: unknown,
  answer: Refusal,
  context: { workflowId: string; recordedAt: string; updateId: string },
): RunRefusal {
  const step = namedStep(input);
  const found = step === null ? undefined : run?.steps.get(step);
  return {
    runId: run?.timeline.runId ?? context.workflowId.replace(/^run-/, ''),
    mode: run?.timeline.mode ?? null,
    step,
    operationKind: found?.operation ?? null,
    repository: found?.repository ?? null,
    reasons: answer.reasons,
    recordedAt: context.recordedAt,
    updateId: context.updateId,
  };
}
