import type { JWK } from 'jose';
import { describeOutcome } from '../client/describe-outcome.js';
import type { ExecutorClient } from '../client/executor-client.js';
import { DEFAULT_AUDIENCE, issueReceipt, type OperationRequest } from '../receipts/index.js';
import type { ExecutionResult } from '../shared.js';
import { pullRequest, releaseRequest, tagRequest } from './requests.js';

export interface TourStep {
  title: string;
  expected: ExecutionResult['status'];
  reasonCode?: string;
  result: ExecutionResult;
}

/** The tour's three operations, their tags made unique by `suffix`. */
function tourRequests(runId: string, suffix: string) {
  const tag = `v0.2.0-${suffix}`;
  return {
    tag: tagRequest(runId, tag, 'MarketOps v0.2.0'),
    release: {
      ...releaseRequest(runId, tag),
      name: 'MarketOps v0.2.0',
      body: 'Phase 2 release, published by the demo.',
    },
    pull: { ...pullRequest(runId, 'Launch notes'), body: 'Opened by the MarketOps demo.' },
  };
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

  const { tag, release, pull } = tourRequests(runId, runId.replace(/[^A-Za-z0-9]/g, '').slice(-8));
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
