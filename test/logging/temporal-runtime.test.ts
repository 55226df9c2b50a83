import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { makeTelemetryFilterString, Runtime, Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { createLogger, temporalRuntimeLogger } from '../../src/logging/logger.js';
import { useTemporalServer } from '../support/temporal-server.js';
import * as activities from './fixtures/canary-activities.js';
import { logCanary } from './fixtures/canary-workflow.js';

const lines: string[] = [];
const logger = createLogger({
  pretty: false,
  level: 'debug',
  destination: { write: (l) => void lines.push(l) },
});
const records = () => lines.map((line) => JSON.parse(line));

// The Runtime is process-wide and must be installed before any connection exists; vitest gives this file its own process.
Runtime.install({
  logger: temporalRuntimeLogger(logger),
  telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'INFO' }) } },
});

describe('Temporal Runtime logs through pino', () => {
  const suite = useTemporalServer('dev-server');

  it('carries workflow, activity, worker and core logs, with the canary redacted', async () => {
    const canary = `ghs_${randomBytes(18).toString('hex')}`;
    const taskQueue = 'logging-canary';
    const worker = await Worker.create({
      connection: suite.env.nativeConnection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./fixtures/canary-workflow.ts', import.meta.url)),
      activities,
    });
    await worker.runUntil(
      suite.env.client.workflow.execute(logCanary, {
        taskQueue,
        workflowId: `canary-${Date.now()}`,
        args: [canary],
      }),
    );
    // Forwarded logs are buffered for 100 ms by the Runtime before they reach the logger.
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect(lines.join('')).not.toContain(canary);
    const logged = records();
    expect(logged).toContainEqual(
      expect.objectContaining({
        sdkComponent: 'workflow',
        level: 30,
        msg: 'workflow saw token [REDACTED]',
        headers: { authorization: '[REDACTED]' },
        note: '[REDACTED]',
      }),
    );
    expect(logged).toContainEqual(
      expect.objectContaining({
        sdkComponent: 'activity',
        level: 40,
        msg: 'activity failed',
        error: expect.objectContaining({ message: 'GitHub rejected [REDACTED]' }),
        request: { token: '[REDACTED]' },
      }),
    );
    expect(logged.some((record) => record.sdkComponent === 'worker')).toBe(true);
    expect(logged.some((record) => record.sdkComponent === 'core')).toBe(true);
  });
});
