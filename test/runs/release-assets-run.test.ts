import { Readable } from 'node:stream';
import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { releaseRequest } from '../../src/demo/requests.js';
import type { Asset } from '../../src/operations/publish-release/assets.js';
import type { PublicationPlan } from '../../src/runs/plan.js';
import { previewOf, previewText } from '../../src/runs/report.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { authorizeSteps, outcomes, runClientOf, stepOf } from './fixtures.js';

// On the dev server, as the other run tests: receipts are issued at the wall clock's time.
const suite = useExecutorHarness('dev-server');
const runId = runIds('release-assets-run');

describe('a release with assets in a run', () => {
  it('is previewed with each asset and what GitHub has now, ships, and names a missing artifact as why the other did not', async () => {
    const { harness } = suite;
    const id = runId();
    const { sha256, size } = await harness.artifacts.put(Readable.from([Buffer.from('run bytes')]));
    const stored: Asset = { name: 'app.tar.gz', size, sha256, content_type: 'application/gzip' };
    const missing: Asset = { ...stored, name: 'gone.bin', sha256: 'f'.repeat(64) };
    const second = await harness.artifacts.put(Readable.from([Buffer.from('second')]));
    const notes: Asset = { name: 'NOTES', ...second, content_type: 'text/plain' };
    // A draft someone (an earlier execution) left with the first of its two assets uploaded.
    const octokit = new Octokit({ baseUrl: harness.sandbox.url, auth: harness.sandbox.token });
    const partial = releaseRequest(id, 'v22.0.2');
    const { data: draft } = await octokit.repos.createRelease({
      owner: 'omega',
      repo: 'marketops',
      ...partial,
      draft: true,
      target_commitish: 'main',
    });
    await octokit.request({ method: 'POST', url: draft.upload_url, name: 'app.tar.gz', data: 'run bytes' });
    const plan: PublicationPlan = {
      run_id: id,
      steps: [
        { id: 'release', request: { ...releaseRequest(id, 'v22.0.0'), assets: [stored] } },
        { id: 'broken', request: { ...releaseRequest(id, 'v22.0.1'), assets: [missing] } },
        { id: 'partial', request: { ...partial, assets: [stored, notes] } },
      ],
    };
    const runs = runClientOf(harness);
    const writes = (await harness.writes()).length;
    const now = await harness.withWorkers('prod', () => runs.preview(plan));
    expect(now.map(({ id: step, action }) => [step, action])).toEqual([
      ['release', 'create'],
      ['broken', 'fail'],
      ['partial', 'create'],
    ]);
    expect(now[2]?.detail).toMatch(
      /^Part of it exists and would be adopted \(2 of 4 writes\); it would go on with POST .*\/releases\/\d+\/assets/,
    );
    expect(now[1]?.detail).toContain('ARTIFACT_MISSING: Artifact gone.bin');
    expect(await harness.writes()).toHaveLength(writes);
    const text = previewText(id, previewOf(plan, now));
    expect(text).toContain(`app.tar.gz (${size} bytes, sha256:${sha256.slice(0, 12)}…)`);
    expect(text).toContain(
      'PATCH /repos/omega/marketops/releases/<id of the draft> {"draft":false,"target_commitish":"<sha of the commit main resolves to>"}',
    );

    const timeline = await harness.withWorkers('prod', async () => {
      await runs.start(plan);
      await authorizeSteps(harness, plan, ['release', 'broken', 'partial']);
      return runs.result(id);
    });
    expect(outcomes(timeline)).toEqual({
      release: 'shipped',
      broken: 'ARTIFACT_MISSING',
      partial: 'shipped',
    });
    expect(stepOf(timeline, 'broken').reason?.message).toContain('gone.bin');

    const after = await harness.withWorkers('prod', () => runs.preview(plan));
    expect(after.map((step) => step.action)).toEqual(['adopt', 'fail', 'adopt']);
  });
});
