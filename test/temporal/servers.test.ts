import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { sleepFor } from '../support/sleepy-workflows.js';
import { useTemporalServer } from '../support/temporal-server.js';

let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  bundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../support/sleepy-workflows.ts', import.meta.url)),
  });
});

async function runSleep(env: TestWorkflowEnvironment, taskQueue: string, duration: string): Promise<string> {
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle });
  return worker.runUntil(
    env.client.workflow.execute(sleepFor, { taskQueue, workflowId: `sleep-${Date.now()}`, args: [duration] }),
  );
}

describe('time-skipping test server from .tools', () => {
  const suite = useTemporalServer('time-skipping');

  it('completes a 24-hour sleep in seconds of wall time', async () => {
    const started = Date.now();
    await expect(runSleep(suite.env, 'foundation-ts', '24 hours')).resolves.toBe('woke');
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});

describe('dev server from .tools', () => {
  const suite = useTemporalServer('dev-server');

  it('runs a workflow to completion, with real timers', async () => {
    const started = Date.now();
    await expect(runSleep(suite.env, 'foundation-local', '1 second')).resolves.toBe('woke');
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  });
});
