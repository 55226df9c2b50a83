import { RunClient } from '../../src/client/run-client.js';
import { pullRequest, releaseRequest, tagRequest } from '../../src/demo/requests.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import type { PublicationPlan } from '../../src/runs/plan.js';
import type { RunTimeline, StepView } from '../../src/shared.js';
import type { ExecutorHarness } from '../support/executor-harness.js';

/** Tag, then the release of that tag, then the pull request: the usual shape of a run. */
export function releasePlan(runId: string, version = 'v3.0.0'): PublicationPlan {
  return {
    run_id: runId,
    steps: [
      { id: 'tag', request: tagRequest(runId, version, `Release ${version}`) },
      { id: 'release', request: releaseRequest(runId, version), needs: ['tag'] },
      { id: 'pr', request: pullRequest(runId, `Launch ${version}`), needs: ['release'] },
    ],
  };
}

/** `count` lightweight tags `<prefix>-<n>`, step ids `t<n>`; step n needs step n-1 where `chained(n)` says so. */
export function tagPlan(
  runId: string,
  prefix: string,
  count: number,
  chained: (n: number) => boolean,
): PublicationPlan {
  return {
    run_id: runId,
    steps: Array.from({ length: count }, (_, n) => ({
      id: `t${n}`,
      request: tagRequest(runId, `${prefix}-${n}`),
      ...(n > 0 && chained(n) ? { needs: [`t${n - 1}`] } : {}),
    })),
  };
}

export const requestOf = (plan: PublicationPlan, step: string): OperationRequest => {
  const found = plan.steps.find((s) => s.id === step);
  if (!found) throw new Error(`no step ${step}`);
  return found.request;
};

export const runClientOf = (harness: ExecutorHarness) => new RunClient(harness.env.client);

/** Issues a receipt for each named step and delivers them all at once. */
export async function authorizeSteps(harness: ExecutorHarness, plan: PublicationPlan, steps: string[]) {
  const authorizations = await Promise.all(
    steps.map(async (step) => ({ step, receipt: await harness.issue(requestOf(plan, step)) })),
  );
  return runClientOf(harness).authorize(plan.run_id, authorizations);
}

export const stepOf = (timeline: RunTimeline, id: string): StepView => {
  const found = timeline.steps.find((step) => step.id === id);
  if (!found) throw new Error(`no step ${id} in the timeline`);
  return found;
};

/** Step id -> status, or the not-shipped reason code. */
export const outcomes = (timeline: RunTimeline): Record<string, string> =>
  Object.fromEntries(timeline.steps.map((step) => [step.id, step.reason?.code ?? step.status]));
