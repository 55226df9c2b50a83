import {
  type ExecuteOperationInput,
  type RunTimeline,
  type StepView,
  searchAttributes,
  TASK_QUEUE,
  WORKFLOW_ID_REUSE_POLICY,
} from '../shared.js';
import type { PreparedStep } from './prepared.js';
import type { Run } from './run-state.js';

const STEP_POLICIES = {
  taskQueue: TASK_QUEUE,
  workflowIdReusePolicy: WORKFLOW_ID_REUSE_POLICY,
  parentClosePolicy: 'ABANDON',
} as const;

/**
 * How a step starts: as its receipt's own workflow, the contract of any other submission, a child the
 * run abandons when it closes, found by the run's id, its operation and its repository.
 */
export function stepWorkflowOptions(run: Run, step: StepView) {
  const prepared = run.prepared.get(step.id) as PreparedStep;
  const input: ExecuteOperationInput = {
    receipt: run.receipts.get(step.id) as string,
    request: prepared.request,
  };
  return {
    workflowId: step.workflowId as string,
    args: [input] as [ExecuteOperationInput],
    ...STEP_POLICIES,
    staticSummary: prepared.summary,
    typedSearchAttributes: [
      { key: searchAttributes.runId, value: run.timeline.runId },
      { key: searchAttributes.operationKind, value: step.operation },
      { key: searchAttributes.repository, value: step.repository },
    ],
  };
}

/**
 * How a closed run ends (docs/runs.md): Completed when every step shipped, and in dry-run mode, where
 * nothing is meant to ship (MarketOpsOutcome blocked_by_mode); otherwise Failed (`not_shipped`).
 */
export function runVerdict(timeline: RunTimeline): 'shipped' | 'blocked_by_mode' | 'not_shipped' {
  if (timeline.steps.every((step) => step.status === 'shipped')) return 'shipped';
  return timeline.mode === 'dry-run' ? 'blocked_by_mode' : 'not_shipped';
}
