import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { exportBundle, openAuditStore, openDecisionVersions, verifyBundle } from '../../src/audit/index.js';
import { fetchRunHistories } from '../../src/audit/temporal-histories.js';
import { RunClient } from '../../src/client/run-client.js';
import { planFor } from '../../src/operations/registry.js';
import { runWorkflowIdFor } from '../../src/shared.js';
import { authorizeEveryStep, chainedPlan } from '../support/chained-run.js';
import { superviseWorker } from '../support/child-worker.js';
import { readAuditEntries } from '../support/drill-checks.js';
import { startBenchStack } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { benchRequests, benchSandboxConfig } from '../support/workload.js';
import { outcomes } from './fixtures.js';

const STEPS = 12;

// The crash drill's stack (test/e2e): `marketops worker` as its own process, SIGKILLed and
// restarted by a supervisor, against the dev server and a sandbox process.
describe('a run whose worker process is SIGKILLed mid-run', () => {
  it('resumes under the restarted worker: every step ships once, one record each and one for the run, in a bundle that verifies', async () => {
    const run = `kill-${Date.now()}`;
    const requests = benchRequests(run, STEPS);
    const stack = await startBenchStack(benchSandboxConfig(STEPS));
    const worker = superviseWorker(stack);
    try {
      // One chain: releases, tags and pull requests, each after the one before.
      const plan = chainedPlan(run, requests);
      const runs = new RunClient(stack.env().client);
      await runs.start(plan);
      await authorizeEveryStep(runs, stack, plan);
      await worker.running();
      await waitFor(async () => (await runs.timeline(run)).steps.some((step) => step.status === 'shipped'));
      await worker.kill();
      const timeline = await runs.result(run);
      expect(Object.values(outcomes(timeline)).every((status) => status === 'shipped')).toBe(true);

      // One effect per step: every accepted write that creates a ref, a release or a pull request,
      // exactly as planned. (A tag object written again after a kill is unreferenced and harmless.)
      const effects = (await stack.sandbox.admin.requests()).filter(
        (entry) => entry.method === 'POST' && entry.status < 300 && !entry.path.endsWith('/git/tags'),
      );
      const planned = requests.flatMap(planFor).filter((write) => !write.path.endsWith('/git/tags'));
      expect(effects.map((entry) => entry.path).sort()).toEqual(planned.map((write) => write.path).sort());
      const { verification, entries } = await readAuditEntries(
        `file:${stack.files.audit}`,
        stack.files.auditKeys,
      );
      expect(verification).toMatchObject({ ok: true });
      expect(entries.filter((entry) => entry.record.run_id === run)).toHaveLength(STEPS + 1);
      expect(worker.starts).toBeGreaterThanOrEqual(2);

      // `audit export --run-id`: the run record with its steps' records, anchored by every history.
      const store = await openAuditStore(`file:${stack.files.audit}`);
      try {
        const histories = await fetchRunHistories(run, await store.byRunId(run), {
          connectionOptions: { address: stack.temporalAddress },
          namespace: 'default',
        });
        expect(Object.keys(histories)).toContain(runWorkflowIdFor(run));
        const publicJwks = JSON.parse(await readFile(stack.files.auditKeys, 'utf8'));
        const versions = await openDecisionVersions(`file:${stack.files.audit}`);
        const bundle = await exportBundle(store, run, { publicJwks, histories, versions });
        expect(await verifyBundle(bundle)).toEqual({ ok: true, records: STEPS + 1 });
      } finally {
        await store.close();
      }
    } finally {
      await worker.stop();
      await stack.stop();
    }
  }, 170_000);
});
