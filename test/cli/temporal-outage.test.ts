import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, expect, it } from 'vitest';
import { tagRequest } from '../../src/demo/requests.js';
import { DEFAULT_AUDIENCE, generateSigningKey, issueReceipt } from '../../src/receipts/index.js';
import { createLocalEnv, registerSearchAttributes } from '../../src/temporal/servers.js';
import { freePort } from '../support/ports.js';
import { type Background, marketops, marketopsInBackground } from '../support/processes.js';
import { tempDir } from '../support/temp-dirs.js';

/**
 * Issue 23, point 5: during a 30 s server outage `submit --wait` (as `demo`) gave up after about
 * 20 s, when the SDK's ten retries ran out, with "Failed to get Workflow execution history" and the
 * usage exit code. Now each call is retried until --timeout. Two waits on a dev server that stops
 * (its SQLite file keeps the executions) and is back 25 s later, with no worker: one whose timeout
 * passes while the server is down exits 7 saying the work goes on; one whose timeout passes after
 * the server is back exits 6, as any wait without a worker does. The executions are still there.
 */
const dir = await tempDir('temporal-outage');
const port = await freePort();
const server = () => createLocalEnv({ port, dbFilename: join(dir, 'temporal.sqlite') });
let temporal: TestWorkflowEnvironment | undefined = await server();
afterAll(() => temporal?.teardown());

async function receiptFiles(runId: string, tag: string, privateJwk: Parameters<typeof issueReceipt>[0]) {
  const request = tagRequest(runId, tag);
  const receipt = await issueReceipt(privateJwk, request, {
    ttlSeconds: 3600,
    audience: DEFAULT_AUDIENCE,
    now: new Date(),
  });
  const files = { receipt: join(dir, `${tag}.jws`), request: join(dir, `${tag}.json`) };
  await Promise.all([writeFile(files.receipt, receipt), writeFile(files.request, JSON.stringify(request))]);
  return ['submit', '--receipt', files.receipt, '--request', files.request, '--wait'];
}

/** The exit code of a background command, once it ends by itself. */
const exitOf = async ({ child }: Background) =>
  child.exitCode ?? ((await once(child, 'exit')) as [number | null])[0];

it('rides out an outage within --timeout: exit 7 while Temporal is down, exit 6 once it is back', async () => {
  if (!temporal) throw new Error('the dev server did not start');
  await registerSearchAttributes(temporal.connection, 'default');
  const { privateJwk, publicJwks } = await generateSigningKey('outage-test');
  await writeFile(join(dir, 'keys.jwks.json'), JSON.stringify(publicJwks));
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
    MARKETOPS_DATA_DIR: dir,
    MARKETOPS_RECEIPT_KEYS: join(dir, 'keys.jwks.json'),
  };
  const runId = `outage-${Date.now()}`;
  const outlasting = marketopsInBackground(
    [...(await receiptFiles(runId, 'v23.1.0', privateJwk)), '--timeout', '45s'],
    env,
  );
  const cutShort = marketopsInBackground(
    [...(await receiptFiles(runId, 'v23.2.0', privateJwk)), '--timeout', '14s'],
    env,
  );
  // Both submitted and waiting for an outcome.
  await outlasting.waitForOutput(/no worker is polling/, 20_000);
  await cutShort.waitForOutput(/no worker is polling/, 20_000);

  await temporal?.teardown();
  temporal = undefined;
  const down = Date.now();
  expect(await exitOf(cutShort), cutShort.output()).toBe(7);
  expect(cutShort.output()).toMatch(/stopped answering; retrying until --timeout; what was started goes on/);
  expect(cutShort.output()).toMatch(
    /Temporal at 127\.0\.0\.1:\d+ stopped answering at \S+ and still does not answer: no outcome within 14 s; receipt-\S+ goes on\./,
  );

  await new Promise((resolve) => setTimeout(resolve, Math.max(0, down + 25_000 - Date.now())));
  temporal = await server();
  expect(await exitOf(outlasting)).toBe(6);
  expect(outlasting.output()).toMatch(/no outcome within 45 s; receipt-\S+ goes on\./);
  expect(outlasting.output()).not.toMatch(/Failed to get Workflow execution history/);

  const receiptId = /receipt-(\S+) goes on/.exec(outlasting.output())?.[1] ?? '';
  const shown = await marketops(['execution', 'show', receiptId, '--json'], { env });
  expect(shown.code, shown.stderr).toBe(0);
  expect(JSON.parse(shown.stdout)).toMatchObject({ status: 'RUNNING', waitingForWorker: true });
}, 120_000);
