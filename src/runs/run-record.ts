import type { ApprovalFacts, RecordDraft } from '../audit/record.js';
import { Code } from '../codes.js';
import type { RunTimeline } from '../shared.js';
import { runVerdict } from './step-workflow.js';

/** The kind of a publication run's own record, beside its steps' operations. */
export const PUBLICATION_RUN = 'publication_run';

const RECORD_OUTCOMES = {
  shipped: 'succeeded',
  blocked_by_mode: 'blocked_by_mode',
  not_shipped: 'failed',
} as const;

/**
 * The record a run appends when it ends (docs/runs.md): the plan, the mode and each step's outcome with
 * its own record's leaf hash. The activity adds the refusals on record for the run.
 */
export function runRecord(
  timeline: RunTimeline,
  recordedAt: string,
  approvals: ReadonlyMap<string, ApprovalFacts> = new Map(),
): RecordDraft {
  const decisions = [...approvals.values()];
  const notShipped = timeline.steps.filter((step) => step.status !== 'shipped');
  return {
    recorded_at: recordedAt,
    run_id: timeline.runId,
    // The plan names the run; each step's own record says whether its receipt vouched for it.
    run_id_verified: false,
    receipt_id: null,
    operation_kind: PUBLICATION_RUN,
    repository: null,
    op_digest: null,
    key_id: null,
    // The versions of the run's latest approval decision; each step's own record names those it used.
    ...(decisions.length > 0 ? policyVersions(decisions.at(-1) as ApprovalFacts) : {}),
    outcome: RECORD_OUTCOMES[runVerdict(timeline)],
    reasons: notShipped.map((step) => ({
      code: step.reason?.code ?? Code.EXECUTION_FAILED,
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
        ...(approvals.has(step.id) ? { approvals: approvals.get(step.id)?.approvals } : {}),
      })),
    },
    authorization: null,
  };
}

const policyVersions = ({ policy_digest, revocations_digest }: ApprovalFacts) => ({
  policy_digest,
  revocations_digest,
});
