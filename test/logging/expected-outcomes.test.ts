import { fileURLToPath } from 'node:url';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { Runtime, Worker } from '@temporalio/worker';
import { describe, expect, it, vi } from 'vitest';
import { nonRetryableBugs } from '../../src/activities/bug-class.js';
import { executionResult } from '../../src/client/execution-result.js';
import { Code } from '../../src/codes.js';
import { FEATURE_SHA, releaseRequest, tagRequest } from '../../src/demo/requests.js';
import { createLogger } from '../../src/logging/logger.js';
import { TASK_QUEUE, WORKFLOW_TYPE, workflowIdFor } from '../../src/shared.js';
import { runtimeLogger } from '../../src/worker/bootstrap.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import * as bugActivities from './fixtures/bug-activities.js';
import { runBug } from './fixtures/bug-workflow.js';

/**
 * Issue 19, point 8: an expected outcome is one info line, with the outcome and its reason and no
 * stack; a bug keeps its stack. Real executor workers run against the sandbox over HTTP, logging
 * through the worker's own runtime logger at `npm start`'s level (info), captured here.
 */
const lines: string[] = [];
const logger = createLogger({
  pretty: false,
  level: 'info',
  destination: { write: (l) => void lines.push(l) },
});
// The Runtime is process-wide and must be installed before any connection exists; vitest gives this file its own process.
Runtime.install({ logger: runtimeLogger(logger) });
const suite = useExecutorHarness('dev-server');
const runId = runIds('log-outcomes');

type Line = { level: number; msg: string; workflowId?: string; outcome?: string; reason?: string };
/** The raw lines (to search for any stack) and the parsed ones of one workflow. */
function linesOf(workflowId: string) {
  const raw = lines.filter((line) => JSON.parse(line).workflowId === workflowId);
  return { raw, parsed: raw.map((line) => JSON.parse(line) as Line) };
}
const receiptIdOf = (receipt: string): string =>
  JSON.parse(Buffer.from(receipt.split('.')[1] ?? '', 'base64url').toString()).jti;

describe('expected outcomes are one info line each, without a stack', () => {
  it('a CONFLICT (GitHub refused, nothing changed)', async () => {
    const { harness } = suite;
    const run = runId();
    const moved = { ...tagRequest(run, 'v8.0.0'), sha: FEATURE_SHA };
    const receipt = await harness.issue(moved);
    const result = await harness.withWorkers('prod', async () => {
      expect((await harness.issueAndExecute(tagRequest(run, 'v8.0.0'))).status).toBe('succeeded');
      return harness.client.execute({ receipt, request: moved });
    });
    expect(result).toMatchObject({ status: 'failed', code: 'CONFLICT' });

    const { raw, parsed } = linesOf(workflowIdFor(receiptIdOf(receipt)));
    expect(raw.join('\n')).not.toContain('"stack"');
    expect(parsed.map(({ level }) => level)).toEqual([30]);
    expect(parsed[0]).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('failed CONFLICT: Tag v8.0.0 exists but points at'),
    });
  });

  it('a receipt the workflow refuses (it authorizes another request)', async () => {
    const { harness } = suite;
    const run = runId();
    const receipt = await harness.issue(tagRequest(run, 'v8.1.0'));
    const workflowId = workflowIdFor(receiptIdOf(receipt));
    // Past the client, which refuses it itself: as a starter that skips the client's checks would.
    const result = await harness.withWorkers('prod', async () => {
      const handle = await harness.env.client.workflow.start(WORKFLOW_TYPE, {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [{ receipt, request: releaseRequest(run, 'v8.1.0') }],
      });
      return executionResult(handle);
    });
    expect(result.status).toBe('rejected');

    const { raw, parsed } = linesOf(workflowId);
    expect(raw.join('\n')).not.toContain('"stack"');
    expect(parsed.map(({ level }) => level)).toEqual([30]);
    expect(parsed[0]?.reason).toMatch(
      / · rejected OPERATION_KIND_MISMATCH, PARAMS_MISMATCH: The receipt authorizes tag_repo/,
    );
  });

  it('a wait for the budget: the SDK’s debug line becomes one info line with the wait', () => {
    const before = lines.length;
    const wait = ApplicationFailure.create({
      type: Code.GITHUB_BUDGET_WAIT,
      message: "This GitHub identity's budget has room for the request in 900 ms (nothing was sent)",
      nonRetryable: true,
      details: [{ waitMs: 900, reservation: 'r-1' }],
      category: ApplicationFailureCategory.BENIGN,
    });
    runtimeLogger(logger).debug('Activity failed', {
      error: wait,
      workflowId: 'receipt-w',
      activityType: 'githubWrite',
    });
    const written = lines.slice(before);
    expect(written).toHaveLength(1);
    expect(written[0]).not.toContain('"stack"');
    expect(JSON.parse(written[0] ?? '{}')).toMatchObject({
      level: 30,
      msg: `Waiting: ${wait.message}`,
      outcome: 'waiting',
      reason: Code.GITHUB_BUDGET_WAIT,
      waitMs: 900,
    });
  });
});

describe('a rate-limit refusal from GitHub itself stays a warning', () => {
  it('one warn line with the reason and the wait, without a stack', () => {
    const before = lines.length;
    const refusal = ApplicationFailure.create({
      type: Code.GITHUB_SECONDARY_RATE_LIMIT,
      message: 'GitHub answered 403: You have exceeded a secondary rate limit',
      nonRetryable: true,
      details: [{ waitMs: 60_000 }],
    });
    runtimeLogger(logger).warn('Activity failed', {
      error: refusal,
      workflowId: 'receipt-r',
      activityType: 'githubWrite',
    });
    const written = lines.slice(before);
    expect(written).toHaveLength(1);
    expect(written[0]).not.toContain('"stack"');
    expect(JSON.parse(written[0] ?? '{}')).toMatchObject({
      level: 40,
      msg: `Waiting: ${refusal.message}`,
      reason: Code.GITHUB_SECONDARY_RATE_LIMIT,
      waitMs: 60_000,
    });
  });
});

describe('a bug keeps its stack', () => {
  it('a bug while validating a receipt: its stack at error, the INTERNAL_ERROR outcome at warn', async () => {
    const { harness } = suite;
    const run = runId();
    const request = tagRequest(run, 'v8.2.0');
    const receipt = await harness.issue(request);
    const workflowId = workflowIdFor(receiptIdOf(receipt));
    const bug = vi.spyOn(harness.keys, 'keyFor').mockImplementation(() => {
      throw new TypeError('a bug in the key ring');
    });
    try {
      // Past the client, which would meet the same bug itself.
      const result = await harness.withWorkers('prod', async () =>
        executionResult(
          await harness.env.client.workflow.start(WORKFLOW_TYPE, {
            workflowId,
            taskQueue: TASK_QUEUE,
            args: [{ receipt, request }],
          }),
        ),
      );
      expect(result).toMatchObject({ status: 'rejected', reasons: [{ code: 'INTERNAL_ERROR' }] });
    } finally {
      bug.mockRestore();
    }

    const { parsed } = linesOf(workflowId);
    const caught = parsed.find((line) => line.level >= 50) as
      | (Line & { error: { stack: string } })
      | undefined;
    expect(caught?.error.stack).toMatch(/^TypeError: a bug in the key ring\n\s+at /);
    expect(parsed.find((line) => line.outcome === 'failed')).toMatchObject({
      level: 40,
      reason: expect.stringContaining('rejected INTERNAL_ERROR'),
    });
  });

  it('an activity throwing a TypeError is logged at warn with the stack of the TypeError', async () => {
    const { harness } = suite;
    const taskQueue = 'log-outcomes-bug';
    const workflowId = `bug-${Date.now()}`;
    const worker = await Worker.create({
      connection: harness.env.nativeConnection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./fixtures/bug-workflow.ts', import.meta.url)),
      // The executor's own wrapper: a bug ends the activity as INTERNAL_ERROR, not retried.
      activities: nonRetryableBugs(bugActivities),
    });
    const failed = await worker.runUntil(
      harness.env.client.workflow.execute(runBug, { taskQueue, workflowId }).then(
        () => undefined,
        (error: Error) => error,
      ),
    );
    expect(failed).toBeInstanceOf(Error);

    const activity = linesOf(workflowId).parsed.find((line) => line.msg === 'Activity failed') as
      | (Line & { error: { stack: string } })
      | undefined;
    expect(activity?.level).toBe(40);
    expect(activity?.error.stack).toMatch(/caused by: TypeError: Cannot read properties of undefined/);
    expect(activity?.error.stack).toContain('bug-activities.ts');
  });
});
