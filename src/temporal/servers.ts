import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type DevServerConfig,
  type EphemeralServerExecutable,
  TestWorkflowEnvironment,
} from '@temporalio/testing';

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

/** The time-skipping test server, for tests whose timers must pass in seconds. */
export function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
}

export interface LocalEnvOptions {
  searchAttributes?: DevServerConfig['searchAttributes'];
  namespace?: string;
  dbFilename?: string;
  port?: number;
  uiPort?: number;
}

/** The Temporal CLI dev server (real persistence, visibility and UI). */
export function createLocalEnv(options: LocalEnvOptions = {}): Promise<TestWorkflowEnvironment> {
  const { uiPort, ...rest } = options;
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: temporalCliExecutable(),
      ...rest,
      ...(uiPort ? { ui: true, uiPort } : {}),
    },
  });
}
