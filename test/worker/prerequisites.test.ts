import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { msToTs } from '@temporalio/common/lib/time.js';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { tagRequest } from '../../src/demo/requests.js';
import { searchAttributes } from '../../src/shared.js';
import {
  createLocalEnv,
  registerSearchAttributes,
  temporalCliExecutable,
} from '../../src/temporal/servers.js';
import { marketops, marketopsInBackground } from '../support/processes.js';
import { tempDir } from '../support/temp-dirs.js';
import { probe, workerEnv, workerRun } from '../support/worker-process.js';

/**
 * Issue 23, point 4: on a bare dev server (no search attributes, 24 h retention) `doctor` names
 * each missing piece with the command that fixes it, the worker refuses to start (and never says
 * healthy), and `run start` keeps the server's reason; after the setup all pass.
 */
describe('on a bare dev server', () => {
  let server: TestWorkflowEnvironment | undefined;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    server = await createLocalEnv();
    env = await workerEnv({ TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'default' });
  }, 60_000);
  afterAll(() => server?.teardown());

  it('doctor names each missing piece with its fix and exits 1', async () => {
    const doctor = await marketops(['doctor'], { env });
    expect(doctor.code, doctor.stderr).toBe(1);
    expect(doctor.stdout).toContain('temporal operator namespace update --namespace default --retention 25h');
    for (const { name } of Object.values(searchAttributes))
      expect(doctor.stdout).toContain(
        `temporal operator search-attribute create --namespace default --name ${name} --type Keyword`,
      );
    expect(doctor.stdout).not.toMatch(/Updates/);
  });

  it('doctor names a namespace that does not exist', async () => {
    const doctor = await marketops(['doctor', '--json'], { env: { ...env, TEMPORAL_NAMESPACE: 'nowhere' } });
    expect(doctor.code, doctor.stderr).toBe(1);
    expect(JSON.parse(doctor.stdout).missing).toEqual([
      {
        what: 'namespace nowhere does not exist',
        fix: 'temporal operator namespace create --namespace nowhere --retention 25h',
      },
    ]);
  });

  it('the worker refuses to start, naming what is missing, and is never healthy', async () => {
    const worker = await workerRun(env);
    expect(worker.code, worker.stderr).toBe(1);
    expect(worker.stderr).toMatch(/The worker cannot start: Temporal namespace default is not ready/);
    expect(worker.stderr).toContain('--name MarketOpsRunId --type Keyword');
    expect(worker.health).not.toContain(200);
  }, 60_000);

  it("run start prints the server's reason, not only that the start failed", async () => {
    const dir = await tempDir('prerequisites');
    const plan = join(dir, 'plan.yaml');
    const runId = `prerequisites-${Date.now()}`;
    await writeFile(
      plan,
      stringify({ run_id: runId, steps: [{ id: 'tag', request: tagRequest(runId, 'v1.0.0') }] }),
    );
    const start = await marketops(['run', 'start', plan], { env });
    expect(start.code, start.stderr).toBe(1);
    expect(start.stderr).toMatch(
      /^marketops: Failed to start Workflow: Namespace default has no mapping defined for search attribute MarketOpsRunId\.$/m,
    );
  });

  it('after the setup: doctor passes, and the worker says healthy only once it polls', async () => {
    if (!server) throw new Error('the dev server did not start');
    await registerSearchAttributes(server.connection, 'default');
    await server.connection.workflowService.updateNamespace({
      namespace: 'default',
      config: { workflowExecutionRetentionTtl: msToTs('25 hours') },
    });
    const doctor = await marketops(['doctor'], { env });
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
    expect(doctor.stdout).toBe('Temporal namespace default is ready for the executor.\n');

    const worker = marketopsInBackground(['worker'], env);
    try {
      const port = env.MARKETOPS_METRICS_PORT;
      // Health turns 200 when the workers poll, just before the worker logs that it runs; the log line
      // reaches this test through a pipe a moment later. So: no 200 until then but for that moment.
      const before: number[] = [];
      let healthyAt: number | undefined;
      while (!/MarketOps worker running/.test(worker.output())) {
        expect(worker.child.exitCode, worker.output()).toBeNull();
        const status = await probe(port);
        if (status === 200) healthyAt ??= Date.now();
        else before.push(status);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // Not listening yet (0) or starting (503): never healthy.
      expect(before).toContain(503);
      expect(before.filter((status) => status !== 503 && status !== 0)).toEqual([]);
      if (healthyAt !== undefined) expect(Date.now() - healthyAt).toBeLessThan(1_000);
      expect(await probe(port)).toBe(200);
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text());
      expect(metrics).toContain('marketops_receipts');
    } finally {
      expect(await worker.stop('SIGTERM')).toBe(0);
    }
  }, 120_000);
});

it('doctor names Updates switched off on the server', async () => {
  const server = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: temporalCliExecutable(),
      extraArgs: ['--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=false'],
    },
  });
  try {
    const doctor = await marketops(['doctor'], { env: { ...process.env, TEMPORAL_ADDRESS: server.address } });
    expect(doctor.code, doctor.stderr).toBe(1);
    expect(doctor.stdout).toContain(
      'namespace default does not accept workflow Updates; fix: set the server dynamic config frontend.enableUpdateWorkflowExecution to true',
    );
  } finally {
    await server.teardown();
  }
}, 60_000);
