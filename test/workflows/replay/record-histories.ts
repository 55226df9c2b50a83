/**
 * Records the golden histories that test/workflows/replay/replay.test.ts replays against the
 * current workflow code. Re-record only for an intended, versioned change of workflow
 * logic (docs/workflow-changes.md): `npm run histories:record` writes a new dated folder
 * beside the older ones, which stay until no execution they describe can be open.
 * `npm run histories:record -- run-` records only the scenarios whose names start with `run-`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { executionResult } from '../../../src/client/execution-result.js';
import { RunClient } from '../../../src/client/run-client.js';
import { pullRequest, releaseRequest, tagRequest } from '../../../src/demo/requests.js';
import { tamper } from '../../../src/demo/tour.js';
import type { OperationRequest } from '../../../src/operations/registry.js';
import type { PublicationPlan } from '../../../src/runs/plan.js';
import { runWorkflowIdFor, TASK_QUEUE, WORKFLOW_TYPE, workflowIdFor } from '../../../src/shared.js';
import { createTimeSkippingEnv } from '../../../src/temporal/servers.js';
import { startExecutorHarness } from '../../support/executor-harness.js';

const env = await createTimeSkippingEnv();
const harness = await startExecutorHarness(env);
const run = `replay-${Date.now()}`;
/** Two small artifacts in the workers' store: a release with assets has a write per asset between draft and publication. */
const assets = await Promise.all(
  ['marketops-linux-amd64.tar.gz', 'SHA256SUMS'].map(async (name) => {
    const { sha256, size } = await harness.artifacts.put(Readable.from([Buffer.from(`bytes of ${name}`)]));
    return { name, size, sha256, content_type: 'application/octet-stream' };
  }),
);
const scenarios: {
  name: string;
  request: OperationRequest;
  submitted?: unknown;
  mode?: 'dry-run';
  /** The raw input instead of { receipt, request }. */
  input?: unknown;
}[] = [
  { name: 'release-succeeded', request: releaseRequest(run, 'v9.0.0') },
  { name: 'release-with-assets-succeeded', request: { ...releaseRequest(run, 'v9.0.1'), assets } },
  { name: 'annotated-tag-succeeded', request: tagRequest(run, 'v9.0.0-annotated', 'Annotated') },
  { name: 'pull-request-succeeded', request: pullRequest(run, 'Replay') },
  {
    name: 'params-mismatch-rejected',
    request: releaseRequest(run, 'v9.1.0'),
    submitted: { ...releaseRequest(run, 'v9.1.0'), body: 'x' },
  },
  { name: 'dry-run-blocked', request: releaseRequest(run, 'v9.2.0'), mode: 'dry-run' },
  { name: 'null-input-rejected', request: releaseRequest(run, 'v9.3.0'), input: null },
  {
    name: 'unknown-target-failed',
    request: { ...releaseRequest(run, 'v9.4.0'), target_commitish: 'no-such-branch' },
  },
];
/** Publication runs: the run workflow's own history; its steps' workflows are recorded above. */
const runPlan = (id: string, version: string, target = 'main'): PublicationPlan => ({
  run_id: id,
  steps: [
    { id: 'tag', request: tagRequest(id, version, `Release ${version}`) },
    { id: 'release', request: { ...releaseRequest(id, version), target_commitish: target }, needs: ['tag'] },
    { id: 'pr', request: pullRequest(id, `Launch ${version}`), needs: ['release'] },
  ],
});
const runScenarios: {
  name: string;
  plan: PublicationPlan;
  /** Steps authorized, in this order; a step named twice gets a second, refused, receipt. */
  authorize: string[];
  /** Steps offered a tampered receipt first (refused after reading it, and recorded). */
  forged?: string[];
  mode?: 'dry-run';
  deadlineSeconds?: number;
}[] = [
  {
    name: 'run-shipped',
    plan: runPlan(`${run}-a`, 'v9.4.0'),
    authorize: ['pr', 'release', 'release', 'tag'],
  },
  {
    name: 'run-not-shipped',
    plan: runPlan(`${run}-b`, 'v9.5.0', 'no-such-branch'),
    authorize: ['tag', 'release'],
    deadlineSeconds: 600,
  },
  {
    name: 'run-refused',
    plan: runPlan(`${run}-d`, 'v9.7.0'),
    forged: ['tag'],
    authorize: ['release'],
    deadlineSeconds: 600,
  },
  {
    name: 'run-dry-run',
    plan: runPlan(`${run}-c`, 'v9.6.0'),
    authorize: ['tag', 'release', 'pr'],
    mode: 'dry-run',
  },
];
const only = process.argv[2];
const wanted = (name: string) => only === undefined || name.startsWith(only);
const dir = new URL(`histories/${new Date().toISOString().slice(0, 10)}/`, import.meta.url);
await mkdir(dir, { recursive: true });
try {
  for (const scenario of scenarios.filter(({ name }) => wanted(name))) {
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
  const runs = new RunClient(env.client);
  for (const scenario of runScenarios.filter(({ name }) => wanted(name))) {
    const { plan } = scenario;
    await harness.withWorkers(scenario.mode ?? 'prod', async () => {
      await runs.start(plan, { deadlineSeconds: scenario.deadlineSeconds });
      for (const step of scenario.forged ?? []) {
        const request = plan.steps.find((s) => s.id === step)?.request as OperationRequest;
        await runs.authorize(plan.run_id, [{ step, receipt: tamper(await harness.issue(request), request) }]);
      }
      for (const step of scenario.authorize) {
        const request = plan.steps.find((s) => s.id === step)?.request as OperationRequest;
        await runs.authorize(plan.run_id, [{ step, receipt: await harness.issue(request) }]);
      }
      return runs.result(plan.run_id);
    });
    const history = await env.client.workflow.getHandle(runWorkflowIdFor(plan.run_id)).fetchHistory();
    await writeFile(new URL(`${scenario.name}.json`, dir), JSON.stringify(history));
    console.log(`recorded ${scenario.name}`);
  }
} finally {
  await harness.close();
  await env.teardown();
}
