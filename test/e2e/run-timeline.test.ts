import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_REPOSITORY } from '../../src/sandbox/index.js';
import { RUN_WORKFLOW_TYPE, type RunTimeline, runWorkflowIdFor, searchAttributes } from '../../src/shared.js';
import { createLocalEnv } from '../../src/temporal/servers.js';
import { authorizeSteps, releasePlan, runClientOf } from '../runs/fixtures.js';
import { launchChromium } from '../support/browser.js';
import { type ExecutorHarness, startExecutorHarness } from '../support/executor-harness.js';
import { freePort } from '../support/ports.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/ui/', import.meta.url));
const stamp = Date.now().toString(36);
const plan = releasePlan(`timeline-ui-${stamp}`, `v-timeline-${stamp}`);
const workflowId = runWorkflowIdFor(plan.run_id);
const ROW = '[data-testid="workflows-summary-configurable-table-row"]';
const HEADERS = ['step', 'operation', 'repository', 'status', 'reason', 'link'];

/** The UI renders each piece of user metadata as Markdown in a sandboxed frame of its own. */
async function metadataFrames(page: Page) {
  const frames = await page.locator('iframe').all();
  return Promise.all(
    frames.map(async (frame) => {
      const body = frame.contentFrame().locator('body');
      const rows = await Promise.all(
        (await body.locator('tr').all()).map(async (row) =>
          (await row.locator('th, td').allTextContents()).map((cell) => cell.trim()),
        ),
      );
      const links = await Promise.all((await body.locator('td a').all()).map((a) => a.getAttribute('href')));
      return { text: ((await body.textContent()) ?? '').trim(), rows, links };
    }),
  );
}

/**
 * The current details' table, once the UI shows the summary and the details under `heading`,
 * table rendered: each frame renders on its own, so the heading can be there before its rows.
 */
async function currentDetails(page: Page, heading: string) {
  await page.getByTestId('user-metadata-tab').click();
  const summary = `Publication run ${plan.run_id}: 3 steps`;
  let details: Awaited<ReturnType<typeof metadataFrames>>[number] | undefined;
  await expect
    .poll(
      async () => {
        const found = await metadataFrames(page);
        details = found.find((frame) => frame.text.startsWith(heading) && frame.rows.length > 0);
        return { summary: found.some((frame) => frame.text.startsWith(summary)), details: !!details };
      },
      { timeout: 15_000 },
    )
    .toEqual({ summary: true, details: true });
  return details ?? { rows: [], links: [] };
}

const headingOf = (state: string, shipped: number, notShipped: number, pending: number) =>
  `Run ${plan.run_id} · mode prod · ${state} · ${shipped} shipped, ${notShipped} not shipped, ${pending} pending`;

describe('a publication run in the Temporal Web UI', () => {
  let env: TestWorkflowEnvironment;
  let chromium: BrowserContext;
  let harness: ExecutorHarness;
  let uiUrl: string;

  beforeAll(async () => {
    const uiPort = await freePort();
    env = await createLocalEnv({ uiPort, searchAttributes: Object.values(searchAttributes) });
    uiUrl = `http://127.0.0.1:${uiPort}`;
    harness = await startExecutorHarness(env);
    chromium = await launchChromium();
  });

  afterAll(async () => {
    await chromium?.close();
    await harness?.close();
    await env?.teardown();
  });

  it("shows the run's summary, its timeline as a table updated as steps ship, and its steps as children", async () => {
    const runs = runClientOf(harness);
    const page = await chromium.newPage();
    page.setDefaultTimeout(15_000);
    await page.setViewportSize({ width: 1920, height: 1000 });
    // The workers run while the browser looks: current details are a query a worker answers.
    await harness.withWorkers('prod', async () => {
      await runs.start(plan);
      await authorizeSteps(harness, plan, ['tag']);
      await expect
        .poll(async () => (await runs.timeline(plan.run_id)).steps[0]?.status, { timeout: 30_000 })
        .toBe('shipped');

      // Open: the tag shipped, the release and the pull request wait for their receipts.
      await page.goto(`${uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`);
      await page.getByText(workflowId).first().waitFor();
      const open = await currentDetails(page, headingOf('open', 1, 0, 2));
      expect(open.rows.map((row) => row[3])).toEqual([
        'status',
        'shipped',
        'waiting_authorization',
        'waiting_authorization',
      ]);

      await authorizeSteps(harness, plan, ['release', 'pr']);
      const timeline: RunTimeline = await runs.result(plan.run_id);
      expect(timeline.steps.map((step) => step.status)).toEqual(['shipped', 'shipped', 'shipped']);

      await page.reload();
      const closed = await currentDetails(page, headingOf('closed', 3, 0, 0));
      const urls = timeline.steps.map((step) => step.url ?? '?');
      expect(closed.rows).toEqual([
        HEADERS,
        ['tag', 'tag_repo', DEFAULT_REPOSITORY, 'shipped', '', urls[0]],
        ['release', 'publish_release', DEFAULT_REPOSITORY, 'shipped', '', urls[1]],
        ['pr', 'open_pr', DEFAULT_REPOSITORY, 'shipped', '', urls[2]],
      ]);
      expect(closed.links).toEqual(urls);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}/run-timeline.png`, fullPage: true });

      // Each step ran as its receipt's own workflow, a child of the run.
      await page.getByTestId('relationships-tab').click();
      for (const step of timeline.steps)
        await page
          .getByText(step.workflowId ?? '?')
          .first()
          .waitFor();
      await expect(page.getByTestId('relationships-tab').textContent()).resolves.toContain('3');
      await page.screenshot({ path: `${ARTIFACTS}/run-timeline-children.png`, fullPage: true });
    });
  });

  it('closes a run that did not ship everything Failed in the workflows list, beside the shipped run Completed', async () => {
    const other = releasePlan(`timeline-ui-failed-${stamp}`, `v-timeline-failed-${stamp}`);
    const runs = runClientOf(harness);
    const timeline = await harness.withWorkers('prod', async () => {
      await runs.start(other);
      await authorizeSteps(harness, other, ['tag']);
      await expect
        .poll(async () => (await runs.timeline(other.run_id)).steps[0]?.status, { timeout: 30_000 })
        .toBe('shipped');
      await runs.cancel(other.run_id);
      return runs.result(other.run_id);
    });
    expect(timeline.steps.map((step) => step.reason?.code ?? step.status)).toEqual([
      'shipped',
      'CANCELLED',
      'CANCELLED',
    ]);

    const page = await chromium.newPage();
    page.setDefaultTimeout(15_000);
    await page.setViewportSize({ width: 1920, height: 720 });
    const query = encodeURIComponent(`WorkflowType = "${RUN_WORKFLOW_TYPE}"`);
    const status = (id: string) =>
      page.locator(ROW, { hasText: id }).first().locator('[data-testid="execution-status"]').textContent();
    // Visibility lags the close by a moment: reload until the list has it.
    await expect
      .poll(
        async () => {
          await page.goto(`${uiUrl}/namespaces/default/workflows?query=${query}`);
          return status(runWorkflowIdFor(other.run_id)).catch(() => '');
        },
        { timeout: 30_000 },
      )
      .toContain('Failed');
    await expect(status(workflowId)).resolves.toContain('Completed');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/runs-closing-states.png`, fullPage: true });
  });
});
