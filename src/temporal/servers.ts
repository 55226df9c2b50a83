import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type DevServerConfig,
  type EphemeralServerExecutable,
  TestWorkflowEnvironment,
} from '@temporalio/testing';
import { searchAttributes } from '../shared.js';
import { indexedValueType, type TemporalServices } from './prerequisites.js';

const toolsBin = resolve(dirname(fileURLToPath(import.meta.url)), '../../.tools/bin');

/**
 * The installed binary wins; only a machine without `.tools/` (and with internet)
 * falls back to the SDK's own download.
 */
function executable(envVar: string, name: string): EphemeralServerExecutable {
  const path = process.env[envVar] || resolve(toolsBin, name);
  return existsSync(path) ? { type: 'existing-path', path } : { type: 'cached-download' };
}

export const temporalCliExecutable = (): EphemeralServerExecutable =>
  executable('TEMPORAL_CLI_PATH', 'temporal');

export const testServerExecutable = (): EphemeralServerExecutable =>
  executable('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server');

/** Registers MarketOps' search attributes; registering them again is harmless. */
export async function registerSearchAttributes(
  connection: Pick<TemporalServices, 'operatorService'>,
  namespace: string,
): Promise<void> {
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      Object.values(searchAttributes).map(({ name, type }) => [name, indexedValueType(type)]),
    ),
  });
}

/** The time-skipping test server, for tests whose timers must pass in seconds. */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: testServerExecutable() },
  });
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  return env;
}

export interface LocalEnvOptions {
  searchAttributes?: DevServerConfig['searchAttributes'];
  namespace?: string;
  dbFilename?: string;
  port?: number;
  uiPort?: number;
  /** The dev server's own log; default "warn" (its dial errors while stopping are noise to an operator). */
  log?: DevServerConfig['log'];
}

/** The Temporal CLI dev server (real persistence, visibility and UI). */
export function createLocalEnv(options: LocalEnvOptions = {}): Promise<TestWorkflowEnvironment> {
  const { uiPort, ...rest } = options;
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: temporalCliExecutable(),
      ...rest,
      ...(uiPort ? { ui: true, uiPort } : {}),
      // Eager activities come back with the workflow task that schedules them: one poll round trip fewer per step.
      extraArgs: ['--dynamic-config-value', 'system.enableActivityEagerExecution=true'],
    },
  });
}
