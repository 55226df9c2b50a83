import type { JWK } from 'jose';
import { describeOutcome } from '../client/describe-outcome.js';
import type { ExecutorClient } from '../client/executor-client.js';
import { DEFAULT_AUDIENCE, issueReceipt, type OperationRequest } from '../receipts/index.js';
import { DEFAULT_MAIN_SHA, DEFAULT_REPOSITORY } from '../sandbox/index.js';
import type { ExecutionResult } from '../shared.js';

export interface TourStep {
  title: string;
  expected: ExecutionResult['status'];
  reasonCode?: string;
  result: ExecutionResult;
}

function tourRequests(runId: string, suffix: string): OperationRequest[] {
  return [
    {
      run_id: runId,
      operation_kind: 'tag_repo',
      repository: DEFAULT_REPOSITORY,
      tag: `v0.2.0-${suffix}`,
      sha: DEFAULT_MAIN_SHA,
      message: 'MarketOps v0.2.0',
    },
    {
      run_id: runId,
      operation_kind: 'publish_release',
      repository: DEFAULT_REPOSITORY,
      tag_name: `v0.2.0-${suffix}`,
      name: 'MarketOps v0.2.0',
      body: 'Phase 2 release, published by the demo.',
      target_commitish: 'main',
      draft: false,
      prerelease: false,
    },
    {
      run_id: runId,
      operation_kind: 'open_pr',
      repository: DEFAULT_REPOSITORY,
      head: 'feature/launch-notes',
      base: 'main',
      title: 'Launch notes',
      body: 'Opened by the MarketOps demo.',
      draft: false,
    },
  ];
}

/**
 * The scripted tour `marketops demo` runs against a live stack: three operations
 * succeed, then a replay, an expired receipt and a tampered request are refused.
 */
export async function runTour(
  executor: ExecutorClient,
  signingKey: JWK,
  runId: string,
  report: (step: TourStep) => void,
): Promise<TourStep[]> {
  const issue = (request: OperationRequest, now = new Date(), ttlSeconds = 3600) =>
    issueReceipt(signingKey, request, { ttlSeconds, audience: DEFAULT_AUDIENCE, now });
  const steps: TourStep[] = [];
  const step = async (
    title: string,
    expected: TourStep['expected'],
    receipt: string,
    request: unknown,
    reasonCode?: string,
  ) => {
    const result = await executor.execute({ receipt, request });
    const done = { title, expected, reasonCode, result };
    steps.push(done);
    report(done);
  };

  const [tag, release, pull] = tourRequests(runId, runId.replace(/[^A-Za-z0-9]/g, '').slice(-8)) as [
    OperationRequest,
    OperationRequest,
    OperationRequest,
  ];
  await step('Tag the repository (annotated tag)', 'succeeded', await issue(tag), tag);
  const releaseReceipt = await issue(release);
  await step('Publish the release', 'succeeded', releaseReceipt, release);
  await step('Open the pull request', 'succeeded', await issue(pull), pull);
  await step('Replay the release receipt', 'rejected', releaseReceipt, release, 'ALREADY_CONSUMED');
  const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
  await step('Submit an expired receipt', 'rejected', await issue(release, twoHoursAgo), release, 'EXPIRED');
  const tampered = { ...release, body: 'Tampered release notes.' };
  await step(
    'Tamper with an authorized request',
    'rejected',
    await issue(release),
    tampered,
    'PARAMS_MISMATCH',
  );
  return steps;
}

export function stepPassed(step: TourStep): boolean {
  if (step.result.status !== step.expected) return false;
  if (!step.reasonCode) return true;
  return (
    step.result.status === 'rejected' && step.result.reasons.some((reason) => reason.code === step.reasonCode)
  );
}

export const formatStep = (step: TourStep): string =>
  `${stepPassed(step) ? '✔' : '✘'} ${step.title}\n    ${describeOutcome(step.result).replace(/\n/g, '\n    ')}`;
