import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSandboxConfig, type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import type { RunTimeline } from '../../src/shared.js';
import { freePort } from '../support/ports.js';
import { type Background, marketops, marketopsInBackground, startArgs } from '../support/processes.js';
import { tempDir } from '../support/temp-dirs.js';

/**
 * A new user's path, end to end and as child processes: `start`, then `demo`, then the
 * CLI, metrics and a restart. A canary GitHub token is planted and hunted for everywhere.
 */
const canary = `ghp_${randomBytes(18).toString('hex')}`;
let sandbox: RunningSandbox;
let dataDir: string;
let env: NodeJS.ProcessEnv;
let stack: Background;
let ports: { temporal: number; ui: number; sandbox: number; metrics: number };

const RUNNING = /MarketOps Publisher is running\./;

/** Issue 15, point 5: "running" only once the worker polls, and then the walkthrough is last. */
async function startStack(): Promise<Background> {
  const started = marketopsInBackground(startArgs(dataDir, ports), env);
  await started.waitForOutput(RUNNING);
  // Nothing follows the walkthrough: the worker's own start-up lines are debug only.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const output = started.output();
  expect(output.slice(output.search(RUNNING)).trimEnd()).toMatch(/Ctrl-C stops everything\.$/);
  // No policy file here: start says plainly that any ring key authorizes alone.
  expect(output).toContain(
    'Approvals         no policy file (MARKETOPS_POLICY_FILE): one approval by any key of the receipt key ring authorizes any operation alone',
  );
  return started;
}

/** Our own log lines (pino JSON) at warn or above in `text`. */
const warnings = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('{"level":'))
    .filter((line) => (JSON.parse(line) as { level: number }).level >= 40);

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

beforeAll(async () => {
  ports = {
    temporal: await freePort(),
    ui: await freePort(),
    sandbox: await freePort(),
    metrics: await freePort(),
  };
  // A "real GitHub" from start's point of view: configured by URL and token, here the canary.
  sandbox = await startSandbox({
    config: { ...defaultSandboxConfig, tokens: [{ id: 'canary', token: canary }] },
  });
  dataDir = await tempDir('start');
  env = {
    ...process.env,
    GITHUB_API_URL: sandbox.url,
    GITHUB_TOKEN: canary,
    MARKETOPS_MODE: 'prod',
    MARKETOPS_GITHUB_WRITES_PER_SECOND: '1',
    MARKETOPS_METRICS_PORT: String(ports.metrics),
    MARKETOPS_DATA_DIR: dataDir,
    TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
  };
  stack = await startStack();
});

afterAll(async () => {
  await stack?.stop();
  await sandbox?.close();
});

describe('start, demo, inspect, stop, resume', () => {
  let demoRunId = '';
  let demoOutput = '';

  it('the demo runs a plan: three steps ship, a tampered receipt and a conflicting retag are refused, its dependant does not ship', async () => {
    const demo = await marketops(['demo'], { env });
    expect(demo.code, demo.stderr).toBe(0);
    demoOutput = demo.stdout + demo.stderr;
    demoRunId = /MarketOps demo, run (\S+)/.exec(demo.stdout)?.[1] ?? '';
    for (const line of [
      /^Plan of run \S+: 5 steps, in execution order\. Nothing was written or consumed\.$/m,
      new RegExp(`^Started run-${demoRunId}: `, 'm'),
      /^✔ release \(tampered receipt\): refused: RECEIPT_UNVERIFIED: .*\(BAD_SIGNATURE\)\.$/m,
      /^\*\*\* PROD MODE/m,
      /: 3 of 5 steps shipped\.$/m,
      /^✘ retag .* not shipped: GITHUB_REFUSED: GitHub refused it \(CONFLICT\): Tag \S+ exists but points at 1f3a9c2, not 2e4b6d8/m,
      /^✘ rerelease .* not shipped: NEEDED_STEP_NOT_SHIPPED: Step "retag", which it needs, did not ship\.$/m,
      /^Closed FAILED in Temporal: the workflows list shows at a glance that not every step shipped\.$/m,
      /^ {2}#\d+ rejected +publish_release +RECEIPT_UNVERIFIED +leaf \S+ {2}refused authorization of step release, receipt \S+ \(unverified\)$/m,
      /^Audit log verified: 6 records, every checkpoint signed and consistent\.$/m,
      /^As scripted: /m,
    ])
      expect(demo.stdout).toMatch(line);
    // Every receipt but the tampered one was accepted: the demo marks any other answer ✘.
    expect(demo.stdout.match(/^✔ \S+: accepted, runs as receipt-/gm)).toHaveLength(5);

    const show = await marketops(['run', 'show', demoRunId, '--json'], { env });
    expect(show.code, 'not every step shipped').toBe(1);
    const timeline = JSON.parse(show.stdout) as RunTimeline;
    expect(timeline.state).toBe('closed');
    expect(
      Object.fromEntries(
        timeline.steps.map((step) => [
          step.id,
          step.reason?.detail[0]?.code ?? step.reason?.code ?? step.status,
        ]),
      ),
    ).toEqual({
      tag: 'shipped',
      release: 'shipped',
      pr: 'shipped',
      retag: 'CONFLICT',
      rerelease: 'NEEDED_STEP_NOT_SHIPPED',
    });
    // The conflict wrote nothing and the release that needed it never ran.
    const state = await sandbox.admin.state();
    const repo = state.repos.find((r) => r.name === 'marketops');
    expect([repo?.releases.length, repo?.pulls.length, repo?.tags.length]).toEqual([1, 1, 1]);

    // Issue 19, point 8: on start's console the CONFLICT is one info line, and nothing is a warning.
    const printed = stack.output();
    expect(warnings(printed)).toEqual([]);
    expect(
      printed.match(/^\{"level":30,.*"msg":"Workflow ended: tag_repo .* failed CONFLICT: Tag /gm),
    ).toHaveLength(1);
  });

  it('execution list and audit verify explain the run', async () => {
    const runs = await marketops(['execution', 'list', '--run-id', demoRunId, '--json'], { env });
    expect(runs.code).toBe(0);
    // The run's own workflow, and one receipt workflow per step that started.
    const outcomes = (JSON.parse(runs.stdout) as { outcome: string }[]).map((run) => run.outcome);
    expect(outcomes.sort()).toEqual(['failed', 'not_shipped', 'succeeded', 'succeeded', 'succeeded']);
    const verify = await marketops(['audit', 'verify', '--json'], { env });
    expect(verify.code).toBe(0);
  });

  it("exposes Prometheus metrics: ours and the Temporal runtime's", async () => {
    const text = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
    expect(text).toMatch(/marketops_receipts\{[^}]*decision="accepted"/);
    expect(text).toMatch(/marketops_outcomes\{[^}]*code="CONFLICT"/);
    expect(text).toMatch(/marketops_github_calls\{[^}]*status="201"/);
    expect(text).toMatch(/temporal_activity_execution_latency/);
  });

  it('never lets the GitHub token out: not in logs, CLI output, audit records or workflow histories', async () => {
    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    const client = new Client({ connection });
    const histories: string[] = [];
    for await (const execution of client.workflow.list()) {
      histories.push(JSON.stringify(await client.workflow.getHandle(execution.workflowId).fetchHistory()));
    }
    await connection.close();
    expect(histories.length).toBeGreaterThanOrEqual(6);
    const status = await marketops(['execution', 'show', 'no-such-receipt'], { env });
    const stored = await Promise.all(
      (await filesUnder(join(dataDir, 'audit'))).map((file) => readFile(file, 'utf8')),
    );
    for (const text of [stack.output(), demoOutput, status.stdout + status.stderr, ...histories, ...stored]) {
      expect(text).not.toContain(canary);
    }
    expect(stored.join('').length).toBeGreaterThan(0);
  });

  it('Ctrl-C stops everything cleanly, and a second start resumes with the same data', async () => {
    const before = stack.output().length;
    expect(await stack.stop('SIGINT')).toBe(0);
    const afterCtrlC = stack.output().slice(before);
    expect(afterCtrlC).toContain('MarketOps Publisher stopped.');
    // The worker's shutdown (state changes, failed polls against a stopping server) is debug only.
    expect(warnings(afterCtrlC)).toEqual([]);
    expect(afterCtrlC).not.toContain('Worker state changed');
    // So is the bundler's report.
    expect(stack.output()).not.toMatch(/asset workflow-bundle|Workflow bundle created/);
    const leftovers = execFileSync('ps', ['-eo', 'args'])
      .toString()
      .split('\n')
      .filter((line) => line.includes(dataDir));
    expect(leftovers).toEqual([]);
    stack = await startStack();
    const runs = await marketops(['execution', 'list', '--run-id', demoRunId, '--json'], { env });
    expect(JSON.parse(runs.stdout)).toHaveLength(5);
    const verify = await marketops(['audit', 'verify'], { env });
    expect(verify.stdout).toContain('6 records');
  });
});
