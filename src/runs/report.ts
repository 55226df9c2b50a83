import type { GitHubWrite } from '../github/plan.js';
import { type OperationRequest, operationOf, planFor } from '../operations/registry.js';
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
  /** A release's assets, each as `name (size, short digest)` and, unless offline, what GitHub has for it now. */
  assets: PreviewedAsset[];
  /** Absent when GitHub was not asked (`--offline`). */
  now?: Omit<StepPreview, 'id' | 'assets'>;
  /** Under an approval policy: what the step needs, as the policy explains it with no approval yet. */
  approvals?: string[];
}

export interface PreviewedAsset {
  asset: string;
  now?: string;
}

/** The files a step ships, as its kind's module lists them (none for a kind without assets). */
function previewedAssets(request: OperationRequest, found: StepPreview | undefined): PreviewedAsset[] {
  const listed = operationOf(request).assets?.listed(request) ?? [];
  return listed.map((asset) => {
    const now = found?.assets?.find((entry) => entry.name === asset.name)?.now;
    return { asset: asset.line, ...(now ? { now } : {}) };
  });
}

export function previewOf(
  plan: PublicationPlan,
  now: readonly StepPreview[] = [],
  approvalsNeeded?: (request: OperationRequest) => string[],
): PreviewedStep[] {
  return inExecutionOrder(plan).map((step) => {
    const found = now.find((preview) => preview.id === step.id);
    return {
      id: step.id,
      needs: step.needs ?? [],
      operation: step.request.operation_kind,
      repository: step.request.repository,
      opDigest: opDigest(step.request),
      requests: planFor(step.request),
      assets: previewedAssets(step.request, found),
      ...(found ? { now: { action: found.action, detail: found.detail } } : {}),
      ...(approvalsNeeded ? { approvals: approvalsNeeded(step.request) } : {}),
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
    if (step.assets.length > 0) lines.push(`   assets (${step.assets.length}):`);
    for (const { asset, now } of step.assets) lines.push(`     ${asset}${now ? `: now ${now}` : ''}`);
    if (step.now) lines.push(`   now: ${step.now.action}: ${step.now.detail}`);
    if (step.approvals) lines.push('   approvals needed:', ...step.approvals.map((line) => `   ${line}`));
  });
  return lines.join('\n');
}
