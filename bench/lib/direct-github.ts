import type { Octokit } from '@octokit/rest';
import { openArtifactStore } from '../../src/artifacts/index.js';
import { githubCalls } from '../../src/github/calls.js';
import { type OperationRequest, writesOf } from '../../src/operations/registry.js';

/** Direct calls wait for nothing and report to no one. */
const UNOBSERVED = { onResponse: () => {}, beforeWrite: async () => {} };

/**
 * The same GitHub calls the executor's activities make for an operation (its reads, then its
 * write or writes), sent straight from Octokit: no Temporal, no receipts, no budgets, no audit.
 */
export async function performDirect(octokit: Octokit, request: OperationRequest): Promise<void> {
  const calls = githubCalls(octokit, UNOBSERVED);
  const artifacts = await openArtifactStore({ kind: 'local', dir: '.data/artifacts' });
  let carry: string | undefined;
  for (const { view, step } of writesOf(request)) {
    const answer = await step.run({ calls, artifacts }, view, carry);
    if ('effect' in answer) return;
    carry = answer.carry;
  }
}
