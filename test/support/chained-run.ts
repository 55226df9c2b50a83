import type { RunClient } from '../../src/client/run-client.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import type { PublicationPlan } from '../../src/runs/plan.js';
import type { AuthorizationAnswer } from '../../src/shared.js';
import type { BenchStack } from './stack.js';

/** One chain: each step needs the one before it. */
export const chainedPlan = (runId: string, requests: readonly OperationRequest[]): PublicationPlan => ({
  run_id: runId,
  steps: requests.map((request, n) => ({ id: `s${n}`, request, ...(n > 0 ? { needs: [`s${n - 1}`] } : {}) })),
});

/** Authorizes every step of a started run with a receipt the stack issues, through the Update. */
export const authorizeEveryStep = async (
  runs: RunClient,
  stack: BenchStack,
  plan: PublicationPlan,
): Promise<AuthorizationAnswer[]> =>
  runs.authorize(
    plan.run_id,
    await Promise.all(
      plan.steps.map(async (step) => ({ step: step.id, receipt: await stack.issue(step.request) })),
    ),
  );
