import type { GitHubWrite } from '../github/plan.js';
import { planFor } from '../operations/registry.js';
import { opDigest } from '../receipts/index.js';
import type { RunTimeline, StepPreview, StepView } from '../shared.js';
import { inExecutionOrder, type PublicationPlan } from './plan.js';

/** One step of a plan preview: what Federation Core signs, what GitHub would receive, and what it would do now. */
export interface PreviewedStep {
  id: string;
  needs: string[];
  operation: string;
  repository: string;
  opDigest: string;
  requests: GitHubWrite[];
  /** Absent when GitHub was not asked (`--offline`). */
  now?: Omit<StepPreview, 'id'>;
}

export function previewOf(plan: PublicationPlan, now: readonly StepPreview[] = []): PreviewedStep[] {
  return inExecutionOrder(plan).map((step) => {
    const found = now.find((preview) => preview.id === step.id);
    return {
      id: step.id,
      needs: step.needs ?? [],
      operation: step.request.operation_kind,
      repository: step.request.repository,
      opDigest: opDigest(step.request),
      requests: planFor(step.request),
      ...(found ? { now: { action: found.action, detail: found.detail } } : {}),
    };
  });
}

export function previewText(runId: string, steps: readonly PreviewedStep[]): string {
  const lines = [
    `Plan of run ${runId}: ${steps.length} steps, in execution order. Nothing was written or consumed.`,
  ];
  steps.forEach((step, index) => {
    const needs = step.needs.length > 0 ? ` (needs ${step.needs.join(', ')})` : '';
    lines.push('', `${index + 1}. ${step.id}: ${step.operation} on ${step.repository}${needs}`);
    lines.push(`   op_digest ${step.opDigest}`);
    for (const request of step.requests)
      lines.push(`   ${request.method} ${request.path} ${JSON.stringify(request.body)}`);
    if (step.now) lines.push(`   now: ${step.now.action}: ${step.now.detail}`);
  });
  return lines.join('\n');
}

const MARK: Record<StepView['status'], string> = {
  waiting_authorization: '…',
  authorized: '○',
  running: '▶',
  shipped: '✔',
  not_shipped: '✘',
};

/** Every step ended shipped: what `runs show` reports with its exit code. */
export const everyStepShipped = (timeline: RunTimeline): boolean =>
  timeline.steps.every((step) => step.status === 'shipped');

/** `runs show`: a mode banner, then one line per step with its link or its one reason. */
export function timelineText(timeline: RunTimeline): string {
  const shipped = timeline.steps.filter((step) => step.status === 'shipped').length;
  const banner =
    timeline.mode === 'dry-run'
      ? '*** DRY-RUN MODE: nothing is written and no receipt is consumed ***'
      : '*** PROD MODE: authorized steps are written to GitHub ***';
  const lines = [
    banner,
    `Run ${timeline.runId} (${timeline.state}, deadline ${timeline.deadline}): ${shipped} of ${timeline.steps.length} steps shipped.`,
  ];
  for (const step of timeline.steps) {
    const outcome =
      step.status === 'shipped'
        ? `shipped${step.adopted ? ' (adopted)' : ''} ${step.url ?? ''}`
        : step.reason
          ? `not shipped: ${step.reason.code}: ${step.reason.message}`
          : step.status.replace('_', ' ');
    lines.push(`${MARK[step.status]} ${step.id}  ${step.operation}  ${step.repository}  ${outcome}`);
    // The reason's message often quotes its one detail already; print only what it adds.
    for (const detail of step.reason?.detail ?? []) {
      if (!step.reason?.message.includes(detail.message)) lines.push(`    ${detail.code}: ${detail.message}`);
    }
  }
  if (timeline.audit) lines.push(`Run record: #${timeline.audit.index}, leaf ${timeline.audit.leafHash}`);
  return lines.join('\n');
}
