import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { releaseRequest } from '../../src/demo/requests.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { MARKETOPS_BIN, marketops } from '../support/processes.js';
import { tempDir } from '../support/temp-dirs.js';

/**
 * Issue 15, points 2, 3 and 6, through the real CLI against a real dev server: a wait without a
 * worker says so within 5 s and goes on, `--timeout` ends it with exit 6, `execution show` takes every id
 * the commands print, `execution list` shows reason codes, and failures say what to do next.
 */
const NO_WORKER = 'queued; no worker is polling marketops-executor; it will run when one starts';
const suite = useExecutorHarness('dev-server');
const runId = runIds('cli-ids');
let env: NodeJS.ProcessEnv;
let dir: string;

beforeAll(async () => {
  dir = await tempDir('cli-ids');
  const { d: _private, ...publicJwk } = suite.harness.signingKey;
  await writeFile(join(dir, 'keys.jwks.json'), JSON.stringify({ keys: [publicJwk] }));
  env = {
    ...process.env,
    TEMPORAL_ADDRESS: suite.harness.env.address,
    MARKETOPS_DATA_DIR: dir,
    MARKETOPS_RECEIPT_KEYS: join(dir, 'keys.jwks.json'),
  };
});

/** The receipt and request files of a fresh authorized release. */
async function authorizedRelease(run: string, tag: string) {
  const request: OperationRequest = releaseRequest(run, tag);
  const receipt = await suite.harness.issue(request);
  const files = { receipt: join(dir, `${tag}.jws`), request: join(dir, `${tag}.json`) };
  await writeFile(files.receipt, receipt);
  await writeFile(files.request, JSON.stringify(request));
  const receiptId = JSON.parse(Buffer.from(receipt.split('.')[1] ?? '', 'base64url').toString())
    .jti as string;
  return { ...files, receiptId };
}

const submitArgs = (files: { receipt: string; request: string }, ...more: string[]) => [
  'submit',
  '--receipt',
  files.receipt,
  '--request',
  files.request,
  ...more,
];

/** `marketops submit …` in the background: when each stderr line came, and how it ended. */
function submitInBackground(args: string[]) {
  const started = Date.now();
  const child = spawn(process.execPath, [MARKETOPS_BIN, ...args], { env });
  const lines: { at: number; text: string }[] = [];
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => {
    for (const text of chunk.toString().split('\n').filter(Boolean))
      lines.push({ at: Date.now() - started, text });
  });
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  const ended = new Promise<{ code: number | null; stdout: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout })),
  );
  return { lines, ended };
}

async function until(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('no worker, then a worker', () => {
  const run = runId();
  let waited: Awaited<ReturnType<typeof authorizedRelease>>;
  let timedOut: Awaited<ReturnType<typeof authorizedRelease>>;

  it('submit --wait says within 5 s that no worker polls, and goes on waiting until one does', async () => {
    waited = await authorizedRelease(run, `v9.0.0-${Date.now()}`);
    const submit = submitInBackground(submitArgs(waited, '--wait'));
    await until(() => submit.lines.some((line) => line.text === NO_WORKER), 15_000);
    const notice = submit.lines.find((line) => line.text === NO_WORKER);
    expect(notice?.at).toBeLessThan(5_000);

    // --timeout bounds the wait with its own exit code; the submission stays queued. The limit
    // counts from the process's start and the first look for a worker comes a second after
    // connecting: 5 s leave room for the notice even when tsx compiles the sources on load.
    timedOut = await authorizedRelease(run, `v9.0.1-${Date.now()}`);
    const bounded = await marketops(submitArgs(timedOut, '--wait', '--timeout', '5s'), { env });
    expect(bounded.code, bounded.stderr).toBe(6);
    expect(bounded.stdout).toContain(`no outcome within 5 s; receipt-${timedOut.receiptId} goes on.`);
    expect(bounded.stderr).toContain(NO_WORKER);

    // status says the same, not the SDK's "Failed to query Workflow".
    const status = await marketops(['execution', 'show', timedOut.receiptId], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`receipt-${timedOut.receiptId}: RUNNING; ${NO_WORKER}`);
    expect(status.stdout).toContain('receipt reserved. Next: Start a worker for marketops-executor');

    const result = await suite.harness.withWorkers('prod', async () => {
      const ended = await submit.ended;
      await suite.harness.client.result(timedOut.receiptId);
      return ended;
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^succeeded: /);
  });

  it('status takes the bare receipt id and receipt-<id>; a refusal is looked up by its rejected-… id', async () => {
    for (const id of [waited.receiptId, `receipt-${waited.receiptId}`]) {
      const status = await marketops(['execution', 'show', id, '--json'], { env });
      expect(status.code, status.stderr).toBe(0);
      const shown = JSON.parse(status.stdout);
      expect(shown).toMatchObject({ receiptId: waited.receiptId, workflowId: `receipt-${waited.receiptId}` });
      expect(shown.result.status).toBe('succeeded');
    }
    // A replay is refused by the client and recorded by a workflow of its own.
    const replay = await suite.harness.withWorkers('prod', () =>
      marketops(submitArgs(waited, '--json'), { env }),
    );
    expect(replay.code).toBe(3);
    const refusal = JSON.parse(replay.stdout);
    expect(refusal.workflowId).toMatch(/^rejected-duplicate-/);
    expect(refusal.nextStep.receipt).toBe('used up');

    const status = await marketops(['execution', 'show', refusal.workflowId], { env });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`${refusal.workflowId}: COMPLETED; rejected:\n  ALREADY_CONSUMED: `);
    expect(status.stdout).toContain('receipt used up. Next: This receipt already ran');

    const old = await marketops(['status', refusal.workflowId], { env });
    expect([old.code, old.stdout]).toEqual([0, status.stdout]);
    expect(old.stderr).toBe('marketops: deprecated spelling; use marketops execution show <id>\n');

    const unknown = await marketops(['execution', 'show', 'no-such-receipt'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No submission "no-such-receipt"');
  });

  it('execution list shows reason codes, and every id it prints works with execution show', async () => {
    const list = await marketops(['execution', 'list', '--run-id', run], { env });
    expect(list.code, list.stderr).toBe(0);
    const rows = list.stdout.trim().split('\n');
    expect(rows).toHaveLength(3);
    expect(rows.find((row) => row.includes('rejected-duplicate-'))).toMatch(/ rejected {2}ALREADY_CONSUMED$/);
    expect(rows.filter((row) => / succeeded {2}-$/.test(row))).toHaveLength(2);
    const old = await marketops(['runs', 'list', '--run-id', run], { env });
    expect([old.code, old.stdout]).toEqual([0, list.stdout]);
    expect(old.stderr).toContain('use marketops execution list --run-id <id>');
    for (const row of rows) {
      const id = row.split(/\s+/)[1] ?? '';
      const status = await marketops(['execution', 'show', id], { env });
      expect(status.code, `${id}: ${status.stderr}`).toBe(0);
    }
  });
});
