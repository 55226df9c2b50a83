import { describe, expect, it } from 'vitest';
import { pullRequest } from '../../src/demo/requests.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { codesOf } from '../support/results.js';

// On the dev server: twenty workflows at once need no time skipping, and a real server's
// workflow-id uniqueness is what is under test.
const suite = useExecutorHarness('dev-server');
const runId = runIds('parallel');

describe('one receipt submitted many times at once', () => {
  it('20 parallel submissions produce exactly one GitHub effect and 19 recorded ALREADY_CONSUMED', async () => {
    const { harness } = suite;
    const request = pullRequest(runId(), 'Launch notes');
    const receipt = await harness.issue(request);
    const results = await harness.withWorkers('prod', () =>
      Promise.all(Array.from({ length: 20 }, () => harness.client.execute({ receipt, request }))),
    );
    expect(results.filter((r) => r.status === 'succeeded')).toHaveLength(1);
    expect(results.filter((r) => codesOf(r).includes('ALREADY_CONSUMED'))).toHaveLength(19);
    expect((await harness.demoRepository()).pulls).toHaveLength(1);
    expect(await harness.writes()).toHaveLength(1);
    const outcomes = (await harness.store.byRunId(request.run_id)).map((entry) => entry.record.outcome);
    expect(outcomes.filter((outcome) => outcome === 'rejected')).toHaveLength(19);
    expect(outcomes.filter((outcome) => outcome === 'succeeded')).toHaveLength(1);
  });
});
