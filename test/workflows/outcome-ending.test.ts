import { Octokit } from '@octokit/rest';
import { ApplicationFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { Code } from '../../src/codes.js';
import { releaseRequest, tagRequest } from '../../src/demo/requests.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import { DEFAULT_REPOSITORY } from '../../src/sandbox/index.js';
import { WORKFLOW_ID_REUSE_POLICY } from '../../src/shared.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { codesOf } from '../support/results.js';

// The dev server: real id-policy semantics are under test, and nothing needs time to skip.
const suite = useExecutorHarness('dev-server');
const runId = runIds('ending');

const FEATURE_SHA = '2e4b6d8f0a1c3e5a7c9e1b3d5f7a9c1e3b5d7f9a';

const github = () => new Octokit({ baseUrl: suite.harness.sandbox.url, auth: suite.harness.sandbox.token });
const [owner = '', repo = ''] = DEFAULT_REPOSITORY.split('/');

/** Someone else's tag at another commit: tagging it again is a CONFLICT, a failed outcome. */
async function foreignTag(tag: string): Promise<void> {
  await github().git.createRef({ owner, repo, ref: `refs/tags/${tag}`, sha: FEATURE_SHA });
}

const tagTarget = async (tag: string) =>
  (await github().git.getRef({ owner, repo, ref: `tags/${tag}` })).data.object.sha;

/** What the Web UI shows as the workflow's current details (Temporal's built-in metadata query). */
async function currentDetails(handle: WorkflowHandle): Promise<string | undefined> {
  const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return metadata.currentDetails;
}

async function closingFailure(handle: WorkflowHandle): Promise<ApplicationFailure> {
  const error = await handle.result().then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(WorkflowFailedError);
  const cause = (error as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

/** A tag request that conflicts with someone else's tag, and its receipt. */
async function conflictingTag(label: string) {
  const tag = `v-${label}-${Date.now()}`;
  await foreignTag(tag);
  const request = tagRequest(runId(), tag, `${label} test`);
  return { tag, request, receipt: await suite.harness.issue(request) };
}

/** Submits through the client, which must start the execution. */
async function started(input: { receipt: string; request: OperationRequest }) {
  const submission = await suite.harness.client.submit(input);
  if (submission.status !== 'started') throw new Error('the client refused a valid receipt');
  return {
    receiptId: submission.receiptId,
    handle: suite.harness.env.client.workflow.getHandle(submission.workflowId),
  };
}

describe('a failed operation ends failed, with its result in the failure', () => {
  it('CONFLICT: status Failed, type OPERATION_FAILED, details[0] the result, read back by the client', async () => {
    const { harness } = suite;
    const { request, receipt } = await conflictingTag('ending');
    await harness.withWorkers('prod', async () => {
      const { receiptId, handle } = await started({ receipt, request });
      const failure = await closingFailure(handle);
      expect(failure.type).toBe(Code.OPERATION_FAILED);
      expect(failure.nonRetryable).toBe(true);
      const [result] = failure.details ?? [];
      expect(result).toMatchObject({
        status: 'failed',
        code: 'CONFLICT',
        audit: { leafHash: expect.any(String) },
      });
      expect((await handle.describe()).status.name).toBe('FAILED');

      // One line, as the failure's message and as the current details the Web UI shows.
      const line = `tag_repo ${DEFAULT_REPOSITORY} · prod · failed CONFLICT: ${(result as { message: string }).message}`;
      expect(failure.message).toBe(line);
      expect(await currentDetails(handle)).toBe(line);
      // Federation Core reads the outcome through ExecutorClient as before.
      expect(await harness.client.result(receiptId)).toEqual(result);
    });
  });

  it('its receipt stays consumed: the id policy lets it run again, the ledger refuses it, nothing is written', async () => {
    const { harness } = suite;
    expect(WORKFLOW_ID_REUSE_POLICY).toBe('ALLOW_DUPLICATE_FAILED_ONLY');
    const { tag, request, receipt } = await conflictingTag('rerun');
    await harness.withWorkers('prod', async () => {
      const { receiptId, handle } = await started({ receipt, request });
      expect((await closingFailure(handle)).type).toBe(Code.OPERATION_FAILED);

      const again = await harness.client.execute({ receipt, request });
      expect(again.status).toBe('rejected');
      expect(codesOf(again)).toEqual(['ALREADY_CONSUMED']);
      expect(await tagTarget(tag)).toBe(FEATURE_SHA);
      const outcomes = (await harness.store.entries())
        .filter((entry) => entry.record.receipt_id === receiptId)
        .map((entry) => entry.record.outcome);
      expect(outcomes).toEqual(['failed', 'rejected']);
    });
  });

  it.each([
    ['prod', 'succeeded', / · prod · succeeded · http:\/\/sandbox\.github\.local\/.+\/releases\/tag\/v-end-/],
    [
      'dry-run',
      'blocked_by_mode',
      / · dry-run · blocked_by_mode MODE_NOT_PROD: 1 request\(s\) planned, nothing written$/,
    ],
  ] as const)('%s: %s completes, with its one line of details', async (mode, status, line) => {
    const { harness } = suite;
    const request = releaseRequest(runId(), `v-end-${mode}-${Date.now()}`);
    const receipt = await harness.issue(request);
    await harness.withWorkers(mode, async () => {
      const { handle } = await started({ receipt, request });
      expect((await handle.result()).status).toBe(status);
      expect((await handle.describe()).status.name).toBe('COMPLETED');
      expect(await currentDetails(handle)).toMatch(
        new RegExp(`^publish_release ${DEFAULT_REPOSITORY}${line.source}`),
      );
    });
  });
});
