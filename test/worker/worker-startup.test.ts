import { join } from 'node:path';
import { msToTs } from '@temporalio/common/lib/time.js';
import { Runtime } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkpointSignerFromJwk, openAuditStore } from '../../src/audit/index.js';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { createOctokit } from '../../src/github/octokit.js';
import { openLedger } from '../../src/ledger/index.js';
import { createExecutorMetrics } from '../../src/metrics/executor-metrics.js';
import { DEFAULT_AUDIENCE, generateSigningKey, loadKeyRing } from '../../src/receipts/index.js';
import { registerSearchAttributes } from '../../src/temporal/servers.js';
import { createExecutorWorkers, runWorkers } from '../../src/worker/executor-workers.js';
import { executorBundle } from '../support/executor-harness.js';
import { tempDir } from '../support/temp-dirs.js';
import { useTemporalServer } from '../support/temporal-server.js';

const suite = useTemporalServer('dev-server');
// Only retention is short here: test/worker/prerequisites.test.ts covers the other prerequisites.
beforeAll(() => registerSearchAttributes(suite.env.connection, 'default'));

async function workersOnDevServer(mode: 'prod' | 'dry-run' = 'prod') {
  const dir = await tempDir('startup');
  const receiptKeys = await generateSigningKey('startup');
  const auditKey = await generateSigningKey('startup-audit');
  return createExecutorWorkers({
    connection: suite.env.nativeConnection,
    namespace: 'default',
    validation: {
      keys: loadKeyRing(receiptKeys.publicJwks),
      mode,
      audience: DEFAULT_AUDIENCE,
      clockSkewSeconds: 60,
      maxAgeSeconds: 86_400,
    },
    store: await openAuditStore(
      `file:${join(dir, 'audit')}`,
      await checkpointSignerFromJwk(auditKey.privateJwk, 'startup'),
    ),
    ledger: await openLedger(`file:${join(dir, 'ledger')}`),
    octokit: createOctokit('http://127.0.0.1:9', { kind: 'none' }),
    metrics: createExecutorMetrics(Runtime.instance().metricMeter),
    githubWritesPerSecond: 1,
    workflowBundle: await executorBundle(),
  });
}

/** Started and stopped, so the workers release the connection the environment closes. */
async function runAndStop(workers: Awaited<ReturnType<typeof createExecutorWorkers>>): Promise<void> {
  expect(workers.length).toBeGreaterThan(0);
  const running = runWorkers(workers);
  for (const worker of workers) worker.shutdown();
  await running;
}

describe('the worker refuses unsafe start-up', () => {
  it('refuses a namespace whose retention is shorter than a receipt can live, and accepts a longer one', async () => {
    // The dev server's default namespace keeps closed workflows 24 h: receipts live up to 24 h, plus a margin.
    await expect(workersOnDevServer()).rejects.toThrow(/retains closed workflows for 24 h.*at least 25 h/);
    await suite.env.connection.workflowService.updateNamespace({
      namespace: 'default',
      config: { workflowExecutionRetentionTtl: msToTs('48 hours') },
    });
    await runAndStop(await workersOnDevServer());
  });

  it('in dry-run, never polls the GitHub write queue', async () => {
    const workers = await workersOnDevServer('dry-run');
    expect(workers.map((worker) => worker.options.taskQueue)).toEqual(['marketops-executor']);
    await runAndStop(workers);
  });

  it('refuses an unknown mode, naming the variable', () => {
    expect(() => loadConfig({ MARKETOPS_MODE: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ MARKETOPS_MODE: 'Prod' })).toThrow(
      /MARKETOPS_MODE must be exactly "prod" or "dry-run"/,
    );
    expect(loadConfig({}).mode).toBe('dry-run');
    expect(loadConfig({ MARKETOPS_MODE: 'prod' }).mode).toBe('prod');
  });
});
