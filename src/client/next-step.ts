import { Code, type FailureCode, type RejectionCode } from '../codes.js';
import { type ExecutionResult, TASK_QUEUE } from '../shared.js';

/**
 * Where a submission stands, as submit and status see it: a final outcome with its codes, or
 * still waiting. Keyed by this and nothing else, so both commands give the same advice.
 */
export type Situation =
  | { outcome: 'rejected'; codes: readonly Code[] }
  | { outcome: 'failed'; code: FailureCode }
  | { outcome: 'succeeded' | 'blocked_by_mode' }
  /** `refusedWith`: the receipt was refused with these codes; the refusal's record waits. */
  | { outcome: 'waiting_for_worker'; refusedWith?: readonly Code[] }
  /**
   * The caller stopped waiting. `workflowId`: the workflow the submission sent (none: nothing was
   * sent), which goes on; `refusedWith` as above.
   */
  | { outcome: 'timed_out'; workflowId?: string; refusedWith?: readonly Code[] };

/**
 * What a receipt can still do. `used up`: consumed (the ledger holds it), so it can never run
 * again. `reserved`: its execution is queued or running and will consume it. `unused`: refused
 * before anything was consumed, so the same receipt may succeed once what was wrong is fixed
 * (unless it expired meanwhile).
 */
export type ReceiptState = 'used up' | 'reserved' | 'unused';

export interface NextStep {
  receipt: ReceiptState;
  /** One imperative sentence: what the operator does now. */
  action: string;
}

const NEW_RECEIPT = 'ask Federation Core for a new receipt';

/** Refusals before consumption, by what fixes them; the first group that matches a code wins. */
const REJECTION_STEPS: readonly { codes: readonly RejectionCode[]; receipt: ReceiptState; action: string }[] =
  [
    {
      codes: [Code.ALREADY_CONSUMED],
      receipt: 'used up',
      action: `This receipt already ran (marketops execution show <receipt id> shows its outcome); to do the operation again, ${NEW_RECEIPT}.`,
    },
    {
      codes: [Code.EXPIRED, Code.STALE, Code.LIFETIME_TOO_LONG],
      receipt: 'unused',
      action: `The receipt can no longer be used: ${NEW_RECEIPT} (at most 24 h of lifetime).`,
    },
    {
      codes: [
        Code.BAD_SIGNATURE,
        Code.UNKNOWN_KEY,
        Code.WRONG_TYPE,
        Code.ALG_NOT_ALLOWED,
        Code.DUPLICATE_MEMBER,
        Code.NOT_ENFORCEABLE,
        Code.AUDIENCE_MISMATCH,
        Code.RECEIPT_MISSING,
      ],
      receipt: 'unused',
      action: `The receipt itself is not one this executor accepts: ${NEW_RECEIPT}, enforceable, for this executor and signed by a key in its key ring (MARKETOPS_RECEIPT_KEYS).`,
    },
    {
      codes: [
        Code.INVALID_REQUEST,
        Code.PARAMS_MISMATCH,
        Code.RUN_ID_MISMATCH,
        Code.OPERATION_KIND_MISMATCH,
        Code.MALFORMED,
      ],
      receipt: 'unused',
      action:
        'Fix the request so it is exactly the one the receipt authorizes, then submit it again with the same receipt; for a different request, ask Federation Core for a receipt for it.',
    },
    {
      codes: [Code.NOT_YET_VALID],
      receipt: 'unused',
      action:
        "Submit again once the receipt's nbf has passed; if it should be valid already, check this machine's and Federation Core's clocks.",
    },
    {
      codes: [Code.MODE_NOT_PROD],
      receipt: 'unused',
      action:
        'Run the executor with MARKETOPS_MODE=prod to write to GitHub, then submit the same receipt again.',
    },
    {
      codes: [Code.WORKFLOW_ID_MISMATCH],
      receipt: 'unused',
      action:
        'Start the execution under the workflow id receipt-<receipt id> (the workflow contract), with the same receipt.',
    },
    {
      codes: [Code.INTERNAL_ERROR],
      receipt: 'unused',
      action:
        'The executor hit its own bug: report it with the workflow id; once it is fixed, submit the same receipt again.',
    },
  ];

/** GitHub-side failures after consumption: the receipt is spent, and this is what to fix first. */
const FAILURE_FIXES: Readonly<Partial<Record<FailureCode, string>>> = {
  [Code.CONFLICT]: 'make the existing object on GitHub match the request, or remove it',
  [Code.GITHUB_VALIDATION_FAILED]: 'fix what GitHub refused in the request',
  [Code.GITHUB_NOT_FOUND]: 'check that the repository and the ref exist and the executor can see them',
  [Code.GITHUB_BAD_CREDENTIALS]: "fix the executor's GitHub credentials",
  [Code.GITHUB_FORBIDDEN]: "give the executor's GitHub credentials the permission this operation needs",
  [Code.EXPIRED_DURING_EXECUTION]:
    'check that GitHub is reachable and the write pace (MARKETOPS_GITHUB_WRITES_PER_SECOND) fits, and ask for a longer lifetime',
};

/** Whether the receipt is spent and what to do next; undefined when there is nothing to do. */
export function nextStep(situation: Situation): NextStep | undefined {
  switch (situation.outcome) {
    case 'succeeded':
    case 'blocked_by_mode':
      return undefined;
    case 'waiting_for_worker':
      return situation.refusedWith
        ? {
            receipt: refusalStep(situation.refusedWith).receipt,
            action: `Start a worker for ${TASK_QUEUE} (npm start, or marketops worker); the refusal is recorded, and its reasons printed, as soon as one polls.`,
          }
        : {
            receipt: 'reserved',
            action: `Start a worker for ${TASK_QUEUE} (npm start, or marketops worker); the execution runs as soon as one polls.`,
          };
    case 'timed_out':
      if (situation.refusedWith) return refusalStep(situation.refusedWith);
      if (!situation.workflowId)
        return { receipt: 'unused', action: 'Submit again with a longer --timeout.' };
      return {
        receipt: 'reserved',
        action: `Nothing to resubmit: the execution goes on; follow it with marketops execution show ${situation.workflowId}.`,
      };
    case 'failed': {
      const fix = FAILURE_FIXES[situation.code];
      return {
        receipt: 'used up',
        action: `${capitalize(fix ? `${fix}, then ${NEW_RECEIPT}` : NEW_RECEIPT)}.`,
      };
    }
    case 'rejected':
      return refusalStep(situation.codes);
  }
}

function refusalStep(codes: readonly Code[]): NextStep {
  const step = REJECTION_STEPS.find((group) => group.codes.some((code) => codes.includes(code)));
  return step
    ? { receipt: step.receipt, action: step.action }
    : { receipt: 'unused', action: 'Fix what the reasons name, then submit the same receipt again.' };
}

/** A final outcome as a situation. */
export function situationOf(result: ExecutionResult): Situation {
  switch (result.status) {
    case 'rejected':
      return { outcome: 'rejected', codes: result.reasons.map((reason) => reason.code) };
    case 'failed':
      return { outcome: 'failed', code: result.code };
    default:
      return { outcome: result.status };
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The one line submit and status print under an outcome. */
export function describeNextStep(step: NextStep): string {
  return `receipt ${step.receipt}. Next: ${step.action}`;
}

/** An outcome as submit and status print it: the next step a member of the JSON, the text's last line. */
export function withNextStep<T extends object>(value: T, human: string, step: NextStep | undefined) {
  return step
    ? { value: { ...value, nextStep: step }, human: `${human}\n${describeNextStep(step)}` }
    : { value, human };
}
