import type { GitHubWrite } from '../github/plan.js';
import { planFor } from '../operations/registry.js';
import { opDigest } from '../receipts/index.js';
import type { StepPreview } from '../shared.js';
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
