import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Octokit } from '@octokit/rest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequest, releaseRequest, tagRequest } from '../../src/demo/requests.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import { DEFAULT_REPOSITORY } from '../../src/sandbox/index.js';
import { searchAttributes, TASK_QUEUE, WORKFLOW_TYPE, workflowIdFor } from '../../src/shared.js';
import { createLocalEnv } from '../../src/temporal/servers.js';
import { launchChromium } from '../support/browser.js';
import { type ExecutorHarness, startExecutorHarness } from '../support/executor-harness.js';
import { freePort } from '../support/ports.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/ui/', import.meta.url));
const ROW = '[data-testid="workflows-summary-configurable-table-row"]';
const FEATURE_SHA = '2e4b6d8f0a1c3e5a7c9e1b3d5f7a9c1e3b5d7f9a';

const stamp = Date.now().toString(36);
const runId = `run-ui-${stamp}`;
const otherRunId = `run-ui-other-${stamp}`;
const conflictTag = `v-ui-conflict-${stamp}`;

/**
 * How a submission reaches the executor: through ExecutorClient; with the request tampered, which
 * the client refuses and records itself; or started raw, as a Federation Core on another SDK may,
 * with a request its receipt does not authorize, which the workflow rejects.
 */
type Route = 'client' | 'client-tampered' | 'raw-mismatched';

/** The run under test (real executor workflows), and another run the filter must hide. */
const planned: {
  runId: string;
  request: (run: string) => OperationRequest;
  route: Route;
  outcome: string;
  /** The Web UI's status column, with nothing configured. */
  status: 'Completed' | 'Failed';
}[] = [
  {
    runId,
    request: (run) => tagRequest(run, `v-ui-${stamp}`, 'UI test'),
    route: 'client',
    outcome: 'succeeded',
    status: 'Completed',
  },
  {
    runId,
    request: (run) => releaseRequest(run, `v-ui-${stamp}`),
    route: 'client-tampered',
    outcome: 'rejected',
    status: 'Completed',
  },
  {
    runId,
    request: (run) => releaseRequest(run, `v-ui-raw-${stamp}`),
    route: 'raw-mismatched',
    outcome: 'rejected',
    status: 'Failed',
  },
  {
    runId,
    request: (run) => tagRequest(run, conflictTag, 'UI conflict'),
    route: 'client',
    outcome: 'failed',
    status: 'Failed',
  },
  {
    runId,
    request: (run) => pullRequest(run, `UI ${stamp}`),
    route: 'client',
    outcome: 'succeeded',
    status: 'Completed',
  },
  {
    runId: otherRunId,
    request: (run) => releaseRequest(run, `v-other-${stamp}`),
    route: 'client',
    outcome: 'succeeded',
    status: 'Completed',
  },
];
const workflows: { workflowId: string; runId: string; outcome: string; status: string }[] = [];
const ours = () => workflows.filter((w) => w.runId === runId);
const otherWorkflowId = () => workflows.find((w) => w.runId === otherRunId)?.workflowId ?? otherRunId;
const failedWorkflowId = () => ours().find((w) => w.outcome === 'failed')?.workflowId ?? '';
const runQuery = `MarketOpsRunId="${runId}"`;

/** Visibility is eventually consistent: wait until the server itself lists every finished run with its outcome. */
async function waitForVisibility(env: TestWorkflowEnvironment): Promise<void> {
  const query =
    'MarketOpsRunId STARTS_WITH "run-ui-" AND ExecutionStatus != "Running" AND MarketOpsOutcome IS NOT NULL';
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await env.client.workflow.count(query)).count >= workflows.length) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the dev server did not list the finished workflows within 10 s');
}

const rowTexts = (page: Page) => page.locator(ROW).allTextContents();

describe('Temporal Web UI', () => {
  let env: TestWorkflowEnvironment;
  let chromium: BrowserContext;
  let harness: ExecutorHarness;
  let uiUrl: string;
  /** The workers keep running while the browser looks: a page's current details are a query they answer. */
  let stopWorkers: () => void = () => {};
  let workersDone: Promise<unknown> = Promise.resolve();

  /** Submits one planned operation by its route; the workflow that records it and its outcome. */
  async function submit(request: OperationRequest, route: Route) {
    const receipt = await harness.issue(request);
    if (route === 'raw-mismatched') {
      const jti = JSON.parse(Buffer.from(receipt.split('.')[1] ?? '', 'base64url').toString()).jti;
      const handle = await env.client.workflow.start(WORKFLOW_TYPE, {
        workflowId: workflowIdFor(jti),
        taskQueue: TASK_QUEUE,
        args: [{ request: { ...request, name: 'not what was authorized' }, receipt }],
        typedSearchAttributes: [{ key: searchAttributes.runId, value: request.run_id }],
      });
      return { workflowId: handle.workflowId, outcome: (await harness.client.result(jti)).status };
    }
    const submitted = {
      receipt,
      request: route === 'client-tampered' ? { ...request, body: 'tampered' } : request,
    };
    const submission = await harness.client.submit(submitted);
    if (submission.status === 'rejected') return { workflowId: submission.workflowId, outcome: 'rejected' };
    const handle = env.client.workflow.getHandle(submission.workflowId);
    // A failed outcome ends the execution failed; its result is details[0] of the failure.
    const outcome = await handle.result().then(
      (result) => result.status,
      (error) => error.cause?.details?.[0]?.status,
    );
    return { workflowId: submission.workflowId, outcome };
  }

  beforeAll(async () => {
    const uiPort = await freePort();
    env = await createLocalEnv({ uiPort, searchAttributes: Object.values(searchAttributes) });
    uiUrl = `http://127.0.0.1:${uiPort}`;
    harness = await startExecutorHarness(env);
    const [owner = '', repo = ''] = DEFAULT_REPOSITORY.split('/');
    await new Octokit({ baseUrl: harness.sandbox.url, auth: harness.sandbox.token }).git.createRef({
      owner,
      repo,
      ref: `refs/tags/${conflictTag}`,
      sha: FEATURE_SHA,
    });
    const stopped = new Promise<void>((resolve) => {
      stopWorkers = resolve;
    });
    let ready: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      ready = resolve;
    });
    workersDone = harness.withWorkers('prod', () => {
      ready();
      return stopped;
    });
    await started;
    for (const plan of planned) {
      const { workflowId, outcome } = await submit(plan.request(plan.runId), plan.route);
      expect(outcome).toBe(plan.outcome);
      workflows.push({ workflowId, runId: plan.runId, outcome, status: plan.status });
    }
    await waitForVisibility(env);
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    stopWorkers();
    await workersDone;
    await harness?.close();
    await env?.teardown();
  });

  it('filters by MarketOpsRunId; what did not ship stands out as Failed with no column configured', async () => {
    const page = await chromium.newPage();
    page.setDefaultTimeout(15_000);
    await page.setViewportSize({ width: 1920, height: 720 });
    await page.goto(`${uiUrl}/namespaces/default/workflows`);
    await page
      .locator(ROW)
      .nth(workflows.length - 1)
      .waitFor();
    expect((await rowTexts(page)).join('\n')).toContain(otherWorkflowId());

    // Filter the way an operator does: the raw query box.
    await page.getByTestId('toggle-manual-query').click();
    await page.getByLabel('Enter a query').fill(runQuery);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('query') === runQuery);
    await page.locator(ROW, { hasText: otherWorkflowId() }).first().waitFor({ state: 'detached' });
    await page.locator(ROW, { hasText: ours()[0]?.workflowId }).first().waitFor();

    const texts = await rowTexts(page);
    expect(texts).toHaveLength(ours().length);
    expect(texts.join('\n')).not.toContain(otherWorkflowId());
    for (const w of ours()) {
      const row = page.locator(ROW, { hasText: w.workflowId });
      await expect(row.locator('[data-testid="execution-status"]').textContent()).resolves.toContain(
        w.status,
      );
    }
    // The client's own refusals are recorded by workflows named for what they are.
    const refusal = ours().find((w) => w.workflowId.startsWith('rejected-'));
    expect(texts.find((text) => text.includes(refusal?.workflowId ?? '?'))).toContain(
      'recordSubmissionRejection',
    );

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/workflows-filtered-by-run.png`, fullPage: true });
  });

  it("shows a failed operation's outcome and reason in one line at the top of its page", async () => {
    const page = await chromium.newPage();
    page.setDefaultTimeout(15_000);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(failedWorkflowId())}`);
    const line = `tag_repo ${DEFAULT_REPOSITORY} · prod · failed CONFLICT: Tag ${conflictTag} exists but points at 2e4b6d8`;
    // The failure's message, in the Result panel at the top of the page.
    const message = page.getByText(line);
    await message.first().waitFor();
    const box = await message.first().boundingBox();
    expect(box && box.y + box.height).toBeLessThanOrEqual(900);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/failed-operation.png` });

    // The same line as current details, under User Metadata beside the summary set at the start.
    await page.getByText('User Metadata').first().click();
    const fullLine = await env.client.workflow
      .getHandle(failedWorkflowId())
      .result()
      .then(
        () => '',
        (error) => String(error.cause?.message),
      );
    expect(fullLine.startsWith(line)).toBe(true);
    // The UI renders user metadata as Markdown, each in a sandboxed frame of its own.
    const frames = page.locator('iframe');
    await frames.nth(1).waitFor();
    const frameTexts = async () =>
      Promise.all(
        (await frames.all()).map(async (frame) =>
          ((await frame.contentFrame().locator('body').textContent()) ?? '').trim(),
        ),
      );
    await expect
      .poll(frameTexts, { timeout: 15_000 })
      .toEqual(expect.arrayContaining([`tag_repo ${DEFAULT_REPOSITORY} ${conflictTag}`, fullLine]));
    await page.screenshot({ path: `${ARTIFACTS}/failed-operation-details.png` });
  });
});
