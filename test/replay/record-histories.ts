/**
 * Records the golden histories that test/replay/replay.test.ts replays against the
 * current workflow code. Re-record only for an intended, versioned change of workflow
 * logic (see README, "Changing workflow code"): `npm run histories:record` writes a new
 * dated folder beside the older ones, which stay until no execution they describe can be open.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { executionResult } from '../../src/client/executor-client.js';
import { pullRequest, releaseRequest, tagRequest } from '../../src/demo/requests.js';
import type { OperationRequest } from '../../src/receipts/index.js';
import { TASK_QUEUE, WORKFLOW_TYPE, workflowIdFor } from '../../src/shared.js';
import { createTimeSkippingEnv } from '../../src/temporal/servers.js';
import { startExecutorHarness } from '../support/executor-harness.js';

const env = await createTimeSkippingEnv();
const harness = await startExecutorHarness(env);
const run = `replay-${Date.now()}`;
const scenarios: {
  name: string;
  request: OperationRequest;
  submitted?: unknown;
  mode?: 'dry-run';
  /** The raw input instead of { receipt, request }. */
  input?: unknown;
}[] = [
  { name: 'release-succeeded', request: releaseRequest(run, 'v9.0.0') },
  { name: 'annotated-tag-succeeded', request: tagRequest(run, 'v9.0.0-annotated', 'Annotated') },
  { name: 'pull-request-succeeded', request: pullRequest(run, 'Replay') },
  {
    name: 'params-mismatch-rejected',
    request: releaseRequest(run, 'v9.1.0'),
    submitted: { ...releaseRequest(run, 'v9.1.0'), body: 'x' },
  },
  { name: 'dry-run-blocked', request: releaseRequest(run, 'v9.2.0'), mode: 'dry-run' },
  { name: 'null-input-rejected', request: releaseRequest(run, 'v9.3.0'), input: null },
];
const dir = new URL(`histories/${new Date().toISOString().slice(0, 10)}/`, import.meta.url);
await mkdir(dir, { recursive: true });
try {
  for (const scenario of scenarios) {
    const receipt = await harness.issue(scenario.request);
    const receiptId = JSON.parse(Buffer.from(receipt.split('.')[1] ?? '', 'base64url').toString()).jti;
    // Started directly, as a Federation Core on another SDK would: ExecutorClient refuses a
    // mismatched request before any workflow starts, so only this path reaches the workflow.
    const workflowId = workflowIdFor(receiptId);
    const input =
      'input' in scenario ? scenario.input : { receipt, request: scenario.submitted ?? scenario.request };
    await harness.withWorkers(scenario.mode ?? 'prod', async () =>
      executionResult(
        await env.client.workflow.start(WORKFLOW_TYPE, { workflowId, taskQueue: TASK_QUEUE, args: [input] }),
      ),
    );
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    // protobufjs's own JSON form: the SDK's historyToJSON trips over the SDK's two protobufjs copies.
    await writeFile(new URL(`${scenario.name}.json`, dir), JSON.stringify(history));
    console.log(`recorded ${scenario.name}`);
  }
} finally {
  await harness.close();
  await env.teardown();
}
