import { execFile } from 'node:child_process';
import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Runtime } from '@temporalio/worker';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditStore,
  type Checkpoint,
  checkpointSignerFromJwk,
  generateAuditKeys,
  openAuditStore,
} from '../../src/audit/index.js';
import { ExecutorClient } from '../../src/client/executor-client.js';
import { releaseRequest, tagRequest } from '../../src/demo/requests.js';
import { createOctokit } from '../../src/github/octokit.js';
import { openLedger, type ReceiptLedger } from '../../src/ledger/index.js';
import { createExecutorMetrics } from '../../src/metrics/executor-metrics.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import { DEFAULT_AUDIENCE, generateSigningKey, issueReceipt, loadKeyRing } from '../../src/receipts/index.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import {
  type ExecutionResult,
  searchAttributes,
  TASK_QUEUE,
  WORKFLOW_TYPE,
  workflowIdFor,
} from '../../src/shared.js';
import { createLocalEnv, registerSearchAttributes } from '../../src/temporal/servers.js';
import { createExecutorWorkers, runWorkers } from '../../src/worker/executor-workers.js';
import { executorBundle } from '../support/executor-harness.js';
import { tempDir } from '../support/temp-dirs.js';

/**
 * The executor on a real Temporal dev server, writing to an audit log whose keys and folder this file
 * holds, so the CLI can be pointed at the log, its keys and Temporal as an operator would.
 */
const run = promisify(execFile);
const RUN_ID = `run-anchored-${Date.now()}`;
const OTHER_RUN = `${RUN_ID}-other`;

let env: TestWorkflowEnvironment;
let sandbox: RunningSandbox;
let store: AuditStore;
let ledger: ReceiptLedger;
let logDir: string;
let keysFile: string;
/** Every execution's result, in the order they ran. */
const results: { workflowId: string; result: ExecutionResult }[] = [];

async function runExecutions(): Promise<void> {
  const receiptKey = await generateSigningKey('federation-anchored');
  const keys = loadKeyRing(receiptKey.publicJwks);
  const now = async () => new Date(await env.currentTimeMs());
  const issue = async (request: OperationRequest) =>
    issueReceipt(receiptKey.privateJwk, request, {
      ttlSeconds: 3600,
      audience: DEFAULT_AUDIENCE,
      now: await now(),
    });
  const workers = await createExecutorWorkers({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    validation: {
      keys,
      mode: 'dry-run',
      audience: DEFAULT_AUDIENCE,
      clockSkewSeconds: 60,
      maxAgeSeconds: 86_400,
    },
    store,
    ledger,
    octokit: createOctokit(sandbox.url, { kind: 'token', token: sandbox.token }),
    metrics: createExecutorMetrics(Runtime.instance().metricMeter),
    githubWritesPerSecond: 1000,
    workflowBundle: await executorBundle(),
    checkPrerequisites: false,
  });
  const client = new ExecutorClient(env.client, { keys, now });
  const running = runWorkers(workers);
  try {
    for (const request of [
      releaseRequest(OTHER_RUN, 'v9.0.0'),
      releaseRequest(RUN_ID, 'v1.0.0'),
      tagRequest(RUN_ID, 'v1.0.1'),
    ]) {
      const submission = await client.submit({ receipt: await issue(request), request });
      if (submission.status !== 'started')
        throw new Error(`submission refused: ${JSON.stringify(submission)}`);
      results.push({ workflowId: submission.workflowId, result: await client.result(submission.receiptId) });
    }
    // Federation Core starting a workflow itself, with a request the receipt does not authorize:
    // the executor rejects it in the workflow.
    const receipt = await issue(tagRequest(RUN_ID, 'v1.0.2'));
    const workflowId = workflowIdFor(String(decodeJwt(receipt).jti));
    const handle = await env.client.workflow.start(WORKFLOW_TYPE, {
      workflowId,
      taskQueue: TASK_QUEUE,
      args: [{ receipt, request: tagRequest(RUN_ID, 'v6.6.6') }],
      typedSearchAttributes: [{ key: searchAttributes.runId, value: RUN_ID }],
    });
    const result = await handle.result().catch((failure) => failure.cause?.details?.[0]);
    results.push({ workflowId, result });
  } finally {
    for (const worker of workers) worker.shutdown();
    await running;
  }
}

beforeAll(async () => {
  env = await createLocalEnv();
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  sandbox = await startSandbox({ port: 0 });
  const auditKeys = await generateAuditKeys();
  const dir = await tempDir('audit-anchored');
  logDir = join(dir, 'audit');
  keysFile = join(dir, 'audit-keys.jwks.json');
  await writeFile(keysFile, JSON.stringify(auditKeys.publicJwks));
  store = await openAuditStore(`file:${logDir}`, await checkpointSignerFromJwk(auditKeys.privateJwk));
  ledger = await openLedger(`file:${join(dir, 'ledger')}`);
  await runExecutions();
}, 180_000);

afterAll(async () => {
  await Promise.allSettled([store?.close(), ledger?.close(), sandbox?.close()]);
  await env?.teardown();
});

const cli = (args: string[]) =>
  run('./bin/marketops.js', args, {
    env: { ...process.env, TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: env.namespace ?? 'default' },
  });

/** A copy of the log cut back to its first `keep` records, together with their checkpoints. */
async function cutCopy(keep: number): Promise<string> {
  const dir = await tempDir('audit-cut');
  await cp(logDir, dir, { recursive: true });
  for (const file of ['entries.jsonl', 'checkpoints.jsonl']) {
    const lines = (await readFile(join(dir, file), 'utf8')).split('\n').slice(0, keep);
    await writeFile(join(dir, file), lines.map((line) => `${line}\n`).join(''));
  }
  return dir;
}

const verify = (dir: string, ...extra: string[]) =>
  cli(['audit', 'verify', '--store', `file:${dir}`, '--keys', keysFile, ...extra]);

const checkpointOf = (i: number): Checkpoint =>
  (results[i] as { result: { audit: { checkpoint: Checkpoint } } }).result.audit.checkpoint;

/** `audit export` of this file's run from the log in `storeDir`, trusting this file's audit key. */
const exportRun = (out: string, storeDir: string) =>
  cli([
    'audit',
    'export',
    '--run-id',
    RUN_ID,
    '--out',
    out,
    '--store',
    `file:${storeDir}`,
    '--keys',
    keysFile,
  ]);

describe('audit verify against checkpoints kept elsewhere (real executions)', () => {
  it('every execution returned (or failed with) its record’s anchor; the whole log passes every check', async () => {
    expect(results.map((r) => r.result.status)).toEqual([
      'blocked_by_mode',
      'blocked_by_mode',
      'blocked_by_mode',
      'rejected',
    ]);
    expect((await verify(logDir, '--temporal')).stdout).toMatch(
      /intact: 4 records; consistent with 4 kept checkpoints/,
    );
  });

  it('a tail cut with its checkpoints passes alone, but fails (exit 5) against a kept checkpoint file', async () => {
    const cut = await cutCopy(2);
    expect((await verify(cut)).stdout).toMatch(/intact: 2 records/);
    const kept = join(cut, 'kept.txt');
    // A signed note as the log wrote it (lines 1-5), a blank line, then a JSON result on one line (line 7).
    await writeFile(kept, `${checkpointOf(1).text}\n${JSON.stringify(results[3]?.result)}\n`);
    await expect(verify(cut, '--checkpoints', kept)).rejects.toMatchObject({
      code: 5,
      stdout: expect.stringMatching(
        /broken at index 2: .*kept\.txt line 7 keeps a checkpoint of size 4 but the log holds only 2 records: its end was cut off/,
      ),
    });
  });

  it('a tail cut with its checkpoints fails (exit 5) against Temporal, naming the workflow', async () => {
    const cut = await cutCopy(3);
    const last = results[3]?.workflowId as string;
    await expect(verify(cut, '--temporal')).rejects.toMatchObject({
      code: 5,
      stdout: expect.stringMatching(
        new RegExp(
          `workflow ${last} \\(run [^)]+\\) keeps a checkpoint of size 4 but the log holds only 3 records`,
        ),
      ),
    });
  });

  it('export finds the run’s workflows in Temporal, and a bundle missing one of their records fails verify-bundle naming it', async () => {
    const cut = await cutCopy(3);
    const out = join(cut, 'bundle.json');
    await exportRun(out, cut);
    const bundle = JSON.parse(await readFile(out, 'utf8'));
    expect(Object.keys(bundle.histories).sort()).toEqual(
      results
        .slice(1)
        .map((r) => r.workflowId)
        .sort(),
    );
    await expect(cli(['audit', 'verify-bundle', out])).rejects.toMatchObject({
      code: 5,
      stdout: expect.stringContaining(results[3]?.workflowId as string),
    });
    const whole = join(cut, 'whole.json');
    await exportRun(whole, logDir);
    expect((await cli(['audit', 'verify-bundle', whole, '--keys', keysFile])).stdout).toMatch(
      /verified: 3 records/,
    );
  });

  it('export of a run the log lost entirely fails (exit 5) naming the workflows Temporal knows', async () => {
    const cut = await cutCopy(1);
    await expect(exportRun(join(cut, 'b.json'), cut)).rejects.toMatchObject({
      code: 5,
      stderr: expect.stringContaining(results[1]?.workflowId as string),
    });
  });
});
