import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { pullRequest, tagRequest } from '../../src/demo/requests.js';
import { opDigest } from '../../src/receipts/index.js';
import type { PublicationPlan } from '../../src/runs/plan.js';
import { previewOf, previewText } from '../../src/runs/report.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { tempDir } from '../support/temp-dirs.js';
import { outcomes, requestOf, runClientOf } from './fixtures.js';

// On the dev server: the receipt issued before the preview must still be fresh when it ships,
// and a time-skipping server may jump ahead whenever a client awaits a result.
const suite = useExecutorHarness('dev-server');
const runId = runIds('preview');

describe('previewing a plan', () => {
  it('says what each step would do now, writes nothing and consumes nothing: the same receipt then ships the step', async () => {
    const { harness } = suite;
    const id = runId();
    // An identical tag exists already; another tag of the same name exists with another message.
    await harness.withWorkers('prod', async () => {
      await harness.issueAndExecute(tagRequest(id, 'v5.0.0', 'Five'));
      await harness.issueAndExecute(tagRequest(id, 'v5.0.1', 'Old message'));
    });
    const plan: PublicationPlan = {
      run_id: id,
      steps: [
        { id: 'same-tag', request: tagRequest(id, 'v5.0.0', 'Five') },
        { id: 'moved-tag', request: tagRequest(id, 'v5.0.1', 'New message') },
        { id: 'new-tag', request: tagRequest(id, 'v5.0.2') },
        { id: 'pr', request: pullRequest(id, 'Preview'), needs: ['new-tag'] },
      ],
    };
    const runs = runClientOf(harness);
    const receipt = await harness.issue(requestOf(plan, 'new-tag'));
    const writes = (await harness.writes()).length;
    const now = await harness.withWorkers('prod', () => runs.preview(plan));
    expect(now.map(({ id, action }) => [id, action])).toEqual([
      ['same-tag', 'adopt'],
      ['moved-tag', 'conflict'],
      ['new-tag', 'create'],
      ['pr', 'create'],
    ]);
    expect(now[1]?.detail).toMatch(/^Tag v5.0.1 .*message differs/);
    expect(await harness.writes()).toHaveLength(writes);

    const steps = previewOf(plan, now);
    expect(steps.map((step) => step.opDigest)).toEqual(plan.steps.map((step) => opDigest(step.request)));
    expect(steps[2]?.requests).toEqual([
      expect.objectContaining({ method: 'POST', path: '/repos/omega/marketops/git/refs' }),
    ]);
    expect(previewText(id, steps)).toContain(`op_digest ${opDigest(requestOf(plan, 'pr'))}`);

    // The receipt Federation Core signed for the previewed step still ships it.
    const timeline = await harness.withWorkers('prod', async () => {
      await runs.start({ run_id: id, steps: [plan.steps[2] as PublicationPlan['steps'][number]] });
      await runs.authorize(id, [{ step: 'new-tag', receipt }]);
      return runs.result(id);
    });
    expect(outcomes(timeline)).toEqual({ 'new-tag': 'shipped' });
  });

  it('marketops plan --offline prints the order, the requests and each op_digest without any server', async () => {
    const id = runId();
    const plan: PublicationPlan = {
      run_id: id,
      steps: [
        { id: 'pr', request: pullRequest(id, 'Offline'), needs: ['tag'] },
        { id: 'tag', request: tagRequest(id, 'v5.1.0') },
      ],
    };
    const file = join(await tempDir('plan-cli'), 'plan.yaml');
    await writeFile(file, JSON.stringify(plan));
    const { stdout } = await promisify(execFile)('npx', [
      'tsx',
      'src/cli/main.ts',
      'plan',
      file,
      '--offline',
      '--json',
    ]);
    const printed = JSON.parse(stdout) as { runId: string; steps: { id: string; opDigest: string }[] };
    expect(printed.steps.map((step) => [step.id, step.opDigest])).toEqual([
      ['tag', opDigest(requestOf(plan, 'tag'))],
      ['pr', opDigest(requestOf(plan, 'pr'))],
    ]);
  });
});
