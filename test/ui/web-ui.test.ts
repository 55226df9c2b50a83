import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullRequest, releaseRequest, tagRequest } from '../../src/demo/requests.js';
import type { OperationRequest } from '../../src/receipts/index.js';
import { searchAttributes } from '../../src/shared.js';
import { createLocalEnv } from '../../src/temporal/servers.js';
import { launchChromium } from '../support/browser.js';
import { type ExecutorHarness, startExecutorHarness } from '../support/executor-harness.js';
import { freePort } from '../support/ports.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/ui/', import.meta.url));
const ROW = '[data-testid="workflows-summary-configurable-table-row"]';

const stamp = Date.now().toString(36);
const runId = `run-ui-${stamp}`;
const otherRunId = `run-ui-other-${stamp}`;
/** The run under test (real executor workflows, one of them refused), and another run the filter must hide. */
const planned: {
  runId: string;
  request: (run: string) => OperationRequest;
  tamper?: boolean;
  outcome: string;
}[] = [
  { runId, request: (run) => tagRequest(run, `v-ui-${stamp}`, 'UI test'), outcome: 'succeeded' },
  { runId, request: (run) => releaseRequest(run, `v-ui-${stamp}`), tamper: true, outcome: 'rejected' },
  { runId, request: (run) => pullRequest(run, `UI ${stamp}`), outcome: 'succeeded' },
  { runId: otherRunId, request: (run) => releaseRequest(run, `v-other-${stamp}`), outcome: 'succeeded' },
];
const workflows: { workflowId: string; runId: string; outcome: string }[] = [];
const ours = () => workflows.filter((w) => w.runId === runId);
const otherWorkflowId = () => workflows.find((w) => w.runId === otherRunId)?.workflowId ?? otherRunId;
const runQuery = `MarketOpsRunId="${runId}"`;

/** Visibility is eventually consistent: wait until the server itself lists every finished run with its outcome. */
async function waitForVisibility(env: TestWorkflowEnvironment): Promise<void> {
  const query =
    'MarketOpsRunId STARTS_WITH "run-ui-" AND ExecutionStatus = "Completed" AND MarketOpsOutcome IS NOT NULL';
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

  beforeAll(async () => {
    const uiPort = await freePort();
    env = await createLocalEnv({ uiPort, searchAttributes: Object.values(searchAttributes) });
    uiUrl = `http://127.0.0.1:${uiPort}`;
    harness = await startExecutorHarness(env);
    await harness.withWorkers('prod', async () => {
      for (const plan of planned) {
        const request = plan.request(plan.runId);
        const receipt = await harness.issue(request);
        const submitted = { receipt, request: plan.tamper ? { ...request, body: 'tampered' } : request };
        const submission = await harness.client.submit(submitted);
        // A tampered request is refused by the client and recorded by a workflow of its own.
        const status =
          submission.status === 'started'
            ? (await harness.client.result(submission.receiptId)).status
            : 'rejected';
        expect(status).toBe(plan.outcome);
        workflows.push({ workflowId: submission.workflowId, runId: plan.runId, outcome: plan.outcome });
      }
    });
    await waitForVisibility(env);
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    await harness?.close();
    await env?.teardown();
  });

  it('filters workflows by MarketOpsRunId and shows their status and outcome', async () => {
    const page = await chromium.newPage();
    page.setDefaultTimeout(15_000);
    // Wide enough that the screenshot shows the outcome column beside the default ones.
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
    for (const w of ours()) expect(texts.filter((text) => text.includes(w.workflowId))).toHaveLength(1);
    const statuses = await page.locator(`${ROW} [data-testid="execution-status"]`).allTextContents();
    expect(statuses.map((s) => s.trim())).toEqual(ours().map(() => 'Completed'));

    // The outcome is a custom search attribute: add it as a column, as an operator would.
    await page.getByLabel('Configure Columns').click();
    await page.getByTestId('orderable-list-item-MarketOpsOutcome-add-button').click();
    await page.getByRole('button', { name: 'Close' }).first().click();
    await page.getByRole('heading', { name: 'Configure Workflows Table' }).waitFor({ state: 'hidden' });
    await page.locator('th', { hasText: 'MarketOpsOutcome' }).waitFor();
    for (const w of ours()) {
      const row = page.locator(ROW, { hasText: w.workflowId });
      const cells = (await row.locator('td').allTextContents()).map((cell) => cell.trim());
      expect(cells).toContain(w.outcome);
    }

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/workflows-filtered-by-run.png`, fullPage: true });
  });
});
