import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll } from 'vitest';
import { createLocalEnv, createTimeSkippingEnv } from '../../src/temporal/servers.js';

export type TemporalServer = 'time-skipping' | 'dev-server';

/**
 * A Temporal server for the enclosing suite, torn down after it.
 * Read `suite.env` inside tests: it exists once `beforeAll` has run.
 */
export function useTemporalServer(server: TemporalServer): { env: TestWorkflowEnvironment } {
  const suite = {} as { env: TestWorkflowEnvironment };
  beforeAll(async () => {
    suite.env = server === 'time-skipping' ? await createTimeSkippingEnv() : await createLocalEnv();
  });
  afterAll(() => suite.env?.teardown());
  return suite;
}
