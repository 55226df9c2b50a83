import { writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { releaseRequest, tagRequest } from '../../src/demo/requests.js';
import { DEFAULT_AUDIENCE, generateSigningKey, issueReceipt } from '../../src/receipts/index.js';
import type { PublicationPlan } from '../../src/runs/plan.js';
import { registerSearchAttributes } from '../../src/temporal/servers.js';
import { marketops } from '../support/processes.js';
import { tempDir } from '../support/temp-dirs.js';
import { useTemporalServer } from '../support/temporal-server.js';

/**
 * Issue 19, point 3: `--timeout` bounds every wait of the CLI. Against a real dev server with no
 * worker, each command that waits for one (or for an outcome) is a real process run with
 * `--timeout 3s`; it must exit 6 with its sentence within the limit plus 1 s of being spawned (the
 * deadline counts from the process's start), and not before the limit (it did wait). Before the
 * fix, `submit --wait --timeout 3s` exited after 21 s: the result's long poll outlived the answer.
 */
const LIMIT_MS = 3_000;
const SLACK_MS = 1_000;
const temporal = useTemporalServer('dev-server');
const runId = `timeouts-${Date.now()}`;
let env: NodeJS.ProcessEnv;
let dir: string;
let files: Record<'plan' | 'signingKey' | 'tagReceipt' | 'tagRequest' | 'releaseRequest', string>;

async function timed(args: string[], environment = env) {
  const started = performance.now();
  const run = await marketops([...args, '--timeout', `${LIMIT_MS / 1000}s`], { env: environment });
  return { ...run, ms: performance.now() - started };
}

beforeAll(async () => {
  await registerSearchAttributes(temporal.env.connection, temporal.env.namespace ?? 'default');
  dir = await tempDir('cli-timeouts');
  const { privateJwk, publicJwks } = await generateSigningKey('timeouts-test');
  const plan: PublicationPlan = {
    run_id: runId,
    steps: [{ id: 'tag', request: tagRequest(runId, 'v19.3.0') }],
  };
  files = {
    plan: join(dir, 'plan.yaml'),
    signingKey: join(dir, 'signing-key.jwk.json'),
    tagReceipt: join(dir, 'tag.jws'),
    tagRequest: join(dir, 'tag.json'),
    releaseRequest: join(dir, 'release.json'),
  };
  const receipt = await issueReceipt(privateJwk, tagRequest(runId, 'v19.3.0'), {
    ttlSeconds: 3600,
    audience: DEFAULT_AUDIENCE,
    now: new Date(),
  });
  await Promise.all([
    writeFile(files.plan, stringify(plan)),
    writeFile(files.signingKey, JSON.stringify(privateJwk)),
    writeFile(join(dir, 'keys.jwks.json'), JSON.stringify(publicJwks)),
    writeFile(files.tagReceipt, receipt),
    writeFile(files.tagRequest, JSON.stringify(tagRequest(runId, 'v19.3.0'))),
    writeFile(files.releaseRequest, JSON.stringify(releaseRequest(runId, 'v19.3.0'))),
  ]);
  env = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.env.address,
    TEMPORAL_NAMESPACE: temporal.env.namespace ?? 'default',
    MARKETOPS_DATA_DIR: dir,
    MARKETOPS_RECEIPT_KEYS: join(dir, 'keys.jwks.json'),
  };
  // Starting a run needs only the server: it then waits for a worker to answer anything.
  const started = await marketops(['run', 'start', files.plan], { env });
  expect(started.code, started.stderr).toBe(0);
});

describe('with the server up and no worker, --timeout 3s ends each wait within 4 s', () => {
  it('submit --wait: exit 6, the execution goes on', async () => {
    const run = await timed([
      'submit',
      '--receipt',
      files.tagReceipt,
      '--request',
      files.tagRequest,
      '--wait',
    ]);
    expect(run.code, run.stderr).toBe(6);
    expect(run.stdout).toMatch(/^no outcome within 3 s; receipt-[0-9a-f-]+ goes on\.$/m);
    expect(run.ms).toBeGreaterThanOrEqual(LIMIT_MS);
    expect(run.ms).toBeLessThan(LIMIT_MS + SLACK_MS);
  });

  it('submit of a refused receipt, whose refusal a worker records: exit 6, refused, its record goes on', async () => {
    // The tag's receipt with the release's request: the client refuses it (OPERATION_KIND_MISMATCH, …).
    const run = await timed(['submit', '--receipt', files.tagReceipt, '--request', files.releaseRequest]);
    expect(run.code, run.stderr).toBe(6);
    expect(run.stdout).toMatch(
      /^refused OPERATION_KIND_MISMATCH[^;]*; its record rejected-\S+ was not written within 3 s and goes on\.\nreceipt unused\. Next: /m,
    );
    expect(run.stderr).not.toContain('reserved');
    expect(run.stderr).toContain('the refusal is recorded, and its reasons printed, as soon as one polls');
    expect(run.ms).toBeGreaterThanOrEqual(LIMIT_MS);
    expect(run.ms).toBeLessThan(LIMIT_MS + SLACK_MS);
  });

  it('submit whose --timeout passed before it connected: exit 6, nothing was submitted', async () => {
    const run = await marketops(
      ['submit', '--receipt', files.tagReceipt, '--request', files.tagRequest, '--timeout', '0'],
      { env },
    );
    expect(run.code, run.stderr).toBe(6);
    expect(run.stdout).toBe(
      'nothing was submitted within 0 s.\nreceipt unused. Next: Submit again with a longer --timeout.\n',
    );
  });

  it('demo whose --timeout passed before it connected: exit 6, not Temporal unreachable', async () => {
    const run = await marketops(
      ['demo', '--key', files.signingKey, '--run-id', `${runId}-demo-0`, '--timeout', '0'],
      { env },
    );
    expect(run.code, run.stderr).toBe(6);
    expect(run.stderr).toMatch(/^marketops: The demo did not finish within 0 s: /m);
  });

  const sentences: [string, () => string[], RegExp][] = [
    [
      'run authorize',
      () => ['run', 'authorize', runId, '--step', 'tag', '--receipt', files.tagReceipt],
      /^marketops: No answer from run \S+ within 3 s: .* see marketops run show \S+ for the steps accepted, and deliver the others again\.$/m,
    ],
    [
      'run show',
      () => ['run', 'show', runId],
      /^marketops: No timeline of run \S+ within 3 s: .*nothing was changed; run marketops run show \S+ again once one polls\.$/m,
    ],
    [
      'plan',
      () => ['plan', files.plan],
      /^marketops: No preview within 3 s: .*nothing was written or consumed; .*or preview with --offline\.$/m,
    ],
    [
      'demo',
      () => ['demo', '--key', files.signingKey, '--run-id', `${runId}-demo`],
      /^marketops: The demo did not finish within 3 s: what it started, if anything, goes on .*; see marketops run show \S+-demo\.$/m,
    ],
  ];
  it.each(sentences)('%s: exit 6 and one sentence saying what goes on', async (_, args, sentence) => {
    const run = await timed(args());
    expect(run.code, run.stderr).toBe(6);
    expect(run.stderr).toMatch(sentence);
    expect(run.ms).toBeGreaterThanOrEqual(LIMIT_MS);
    expect(run.ms).toBeLessThan(LIMIT_MS + SLACK_MS);
  });
});

describe('with a server that accepts connections and never answers', () => {
  const sockets = new Set<Socket>();
  const blackHole = createServer((socket) => sockets.add(socket));
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  it('status gives up connecting at the limit, not after the SDK’s 10 s: exit 7, Temporal unreachable', async () => {
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const address = blackHole.address();
    if (address === null || typeof address === 'string') throw new Error('the black hole has no port');
    const run = await timed(['execution', 'show', 'some-receipt'], {
      ...env,
      TEMPORAL_ADDRESS: `127.0.0.1:${address.port}`,
    });
    expect(run.code, run.stderr).toBe(7);
    expect(run.stderr).toMatch(/^marketops: Cannot reach Temporal at 127\.0\.0\.1:\d+ \(.*\); start it with/);
    expect(run.ms).toBeLessThan(LIMIT_MS + SLACK_MS);
  });
});
