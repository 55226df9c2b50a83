import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type RunTimeline, runWorkflowIdFor } from '../../src/shared.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { marketops } from '../support/processes.js';
import { tempDir } from '../support/temp-dirs.js';
import { waitFor } from '../support/wait.js';
import { outcomes, releasePlan, requestOf, runClientOf } from './fixtures.js';

// The dev server: the CLI is a separate process that connects as a user's would.
const suite = useExecutorHarness('dev-server');
const runId = runIds('cli');

describe('the run commands of the CLI', () => {
  it('previews, starts, authorizes several steps at once and shows a run; a run id runs once', async () => {
    const { harness } = suite;
    const dir = await tempDir('run-cli');
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: harness.env.address,
      TEMPORAL_NAMESPACE: harness.env.namespace ?? 'default',
      MARKETOPS_DATA_DIR: dir,
    };
    const cli = (args: string[]) => marketops(args, { env });
    const plan = releasePlan(runId(), 'v6.0.0');
    const planFile = join(dir, 'plan.yaml');
    await writeFile(planFile, stringify(plan));
    for (const step of ['tag', 'release', 'pr'])
      await writeFile(join(dir, `${step}.jws`), await harness.issue(requestOf(plan, step)));

    await harness.withWorkers('prod', async () => {
      const preview = await cli(['plan', planFile, '--json']);
      expect(preview.code).toBe(0);
      const previewed = JSON.parse(preview.stdout) as { steps: { id: string; now: { action: string } }[] };
      expect(previewed.steps.map((step) => [step.id, step.now.action])).toEqual([
        ['tag', 'create'],
        ['release', 'create'],
        ['pr', 'create'],
      ]);

      expect((await cli(['run', 'start', planFile])).stdout).toContain(
        `started ${runWorkflowIdFor(plan.run_id)}`,
      );
      const again = await cli(['run', 'start', planFile]);
      expect([again.code, again.stderr]).toEqual([2, expect.stringContaining('a run id runs once')]);

      const refused = await cli([
        'run',
        'authorize',
        plan.run_id,
        '--step',
        'tag',
        '--receipt',
        join(dir, 'pr.jws'),
      ]);
      expect(refused.code).toBe(3);
      expect(refused.stdout).toContain('refused: step tag: OPERATION_KIND_MISMATCH');

      const open = await cli(['run', 'show', plan.run_id]);
      expect(open.code).toBe(1);
      expect(open.stdout).toContain('*** PROD MODE');

      const accepted = await cli([
        'run',
        'authorize',
        plan.run_id,
        ...['pr', 'release', 'tag'].flatMap((step) => [
          '--step',
          step,
          '--receipt',
          join(dir, `${step}.jws`),
        ]),
        '--json',
      ]);
      expect(accepted.code).toBe(0);
      expect((JSON.parse(accepted.stdout) as { status: string }[]).map((answer) => answer.status)).toEqual([
        'accepted',
        'accepted',
        'accepted',
      ]);
      await runClientOf(harness).result(plan.run_id);
    });

    const shown = await cli(['run', 'show', plan.run_id, '--json']);
    expect(shown.code).toBe(0);
    const timeline = JSON.parse(shown.stdout) as RunTimeline;
    expect(outcomes(timeline)).toEqual({ tag: 'shipped', release: 'shipped', pr: 'shipped' });
    expect((await cli(['run', 'show', plan.run_id])).stdout).toMatch(
      /✔ release {2}publish_release {2}omega\/marketops {2}shipped http/,
    );
  });

  it('cancels a run; run show then says why nothing shipped, with exit code 1', async () => {
    const { harness } = suite;
    const dir = await tempDir('run-cli');
    const env = { ...process.env, TEMPORAL_ADDRESS: harness.env.address, MARKETOPS_DATA_DIR: dir };
    const plan = releasePlan(runId(), 'v6.1.0');
    const planFile = join(dir, 'plan.json');
    await writeFile(planFile, JSON.stringify(plan));
    const runs = runClientOf(harness);
    await harness.withWorkers('prod', async () => {
      expect((await marketops(['run', 'start', planFile, '--deadline', '3600'], { env })).code).toBe(0);
      // The Web UI's current details: the run's heading and its timeline as a table.
      const handle = harness.env.client.workflow.getHandle(runWorkflowIdFor(plan.run_id));
      let details = '';
      await waitFor(async () => {
        const metadata = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
        details = metadata.currentDetails ?? '';
        return details !== '';
      });
      expect(details).toContain(
        `**Run ${plan.run_id}** · mode prod · open · 0 shipped, 0 not shipped, 3 pending`,
      );
      expect(details).toContain('| tag | tag_repo | omega/marketops | waiting_authorization |  |  |');
      expect((await marketops(['run', 'cancel', plan.run_id], { env })).code).toBe(0);
      await runs.result(plan.run_id);
    });
    const shown = await marketops(['run', 'show', plan.run_id], { env });
    expect(shown.code).toBe(1);
    expect(shown.stdout).toContain(
      '✘ tag  tag_repo  omega/marketops  not shipped: CANCELLED: The run was cancelled before the step started.',
    );
    const old = await marketops(['runs', 'show', plan.run_id], { env });
    expect([old.code, old.stdout]).toEqual([1, shown.stdout]);
    expect(old.stderr).toContain('use marketops run show <run-id>');
    const missing = await marketops(['run', 'show', 'no-such-run'], { env });
    expect([missing.code, missing.stderr]).toEqual([
      2,
      expect.stringContaining('No publication run "no-such-run"'),
    ]);
  });
});
