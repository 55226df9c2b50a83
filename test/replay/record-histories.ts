/**
 * Records the golden histories that test/replay/replay.test.ts replays against the
 * current workflow code. Re-record only for an intended, versioned change of workflow
 * logic (see README, "Changing workflow code"): `npm run histories:record`.
 */
import { writeFile } from 'node:fs/promises';
import type { OperationRequest } from '../../src/receipts/index.js';
import { TASK_QUEUE, WORKFLOW_TYPE } from '../../src/shared.js';
import { createTimeSkippingEnv } from '../../src/temporal/servers.js';
import {
  pullRequest,
  releaseRequest,
  startExecutorHarness,
  tagRequest,
} from '../support/executor-harness.js';

const env = await createTimeSkippingEnv();
const harness = await startExecutorHarness(env);
const run = `replay-${Date.now()}`;
const scenarios: {
  name: string;
  request: OperationRequest;
  submitted?: unknown;
  mode?: 'dry-run';
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
];
try {
  for (const scenario of scenarios) {
    const receipt = await harness.issue(scenario.request);
    // Started directly, as a Federation Core on another SDK would: ExecutorClient refuses a
    // mismatched request before any workflow starts, so only this path reaches the workflow.
    const workflowId = `replay-${scenario.name}-${Date.now()}`;
    await harness.withWorkers(scenario.mode ?? 'prod', () =>
      env.client.workflow.execute(WORKFLOW_TYPE, {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [{ receipt, request: scenario.submitted ?? scenario.request }],
      }),
    );
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    // protobufjs's own JSON form: the SDK's historyToJSON trips over the SDK's two protobufjs copies.
    await writeFile(new URL(`histories/${scenario.name}.json`, import.meta.url), JSON.stringify(history));
    console.log(`recorded ${scenario.name}`);
  }
} finally {
  await harness.close();
  await env.teardown();
}
