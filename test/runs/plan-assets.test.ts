import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Octokit } from '@octokit/rest';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { releaseRequest } from '../../src/demo/requests.js';
import type { Asset } from '../../src/operations/publish-release/assets.js';
import type { PublicationPlan } from '../../src/runs/plan.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { marketops } from '../support/processes.js';
import { tempDir } from '../support/temp-dirs.js';

// The dev server: `marketops plan` is its own process and asks the harness's workers, as a user's would.
const suite = useExecutorHarness('dev-server');
const runId = runIds('plan-assets');
const UPLOAD_ROUTE = 'POST /repos/{owner}/{repo}/releases/{release_id}/assets';

const line = (asset: Asset) => `${asset.name} (${asset.size} bytes, sha256:${asset.sha256.slice(0, 12)}…)`;

describe('marketops plan with a release with assets', () => {
  it('lists each asset with its size and short digest, and what GitHub has for it now; --offline asks nothing', async () => {
    const { harness } = suite;
    const id = runId();
    const dir = await tempDir('plan-assets');
    const stored = async (name: string, bytes: string): Promise<Asset> => ({
      name,
      ...(await harness.artifacts.put(Readable.from([Buffer.from(bytes)]))),
      content_type: 'application/octet-stream',
    });
    const adopted = await stored('adopted.bin', 'the authorized bytes');
    const leftover = await stored('starter.bin', 'bytes whose upload failed');
    const other = await stored('other.bin', 'authorized, but GitHub has others');
    const missing = await stored('missing.bin', 'not on GitHub yet');
    const release = releaseRequest(id, 'v31.0.0');
    const request = { ...release, assets: [adopted, leftover, other, missing] };

    // A draft an earlier execution left: one asset as authorized, one starter, one with other bytes.
    const octokit = new Octokit({ baseUrl: harness.sandbox.url, auth: harness.sandbox.token });
    const { data: draft } = await octokit.repos.createRelease({
      owner: 'omega',
      repo: 'marketops',
      ...release,
      draft: true,
    });
    const upload = (name: string, data: string) =>
      octokit.request({
        method: 'POST',
        url: draft.upload_url,
        name,
        data,
        headers: { 'content-type': 'x/y' },
      });
    await upload('adopted.bin', 'the authorized bytes');
    await upload('other.bin', 'other bytes');
    await harness.sandbox.admin.addFault({ route: UPLOAD_ROUTE, kind: 'upstream-failure' });
    await expect(upload('starter.bin', 'bytes whose upload failed')).rejects.toMatchObject({ status: 502 });

    const plan: PublicationPlan = { run_id: id, steps: [{ id: 'release', request }] };
    const file = join(dir, 'plan.yaml');
    await writeFile(file, stringify(plan));
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: harness.env.address,
      TEMPORAL_NAMESPACE: harness.env.namespace ?? 'default',
      MARKETOPS_DATA_DIR: dir,
    };
    const writes = (await harness.writes()).length;
    const { code, stdout } = await harness.withWorkers('prod', () => marketops(['plan', file], { env }));
    expect(code).toBe(0);
    expect(stdout).toContain(
      `   assets (4):\n     ${line(adopted)}: now uploaded with the authorized digest`,
    );
    expect(stdout).toContain(
      `     ${line(leftover)}: now starter leftover: it would be deleted and uploaded again`,
    );
    expect(stdout).toContain(`     ${line(other)}: now uploaded with another digest (sha256:`);
    expect(stdout).toContain(`     ${line(missing)}: now missing: it would be uploaded`);
    expect(await harness.writes()).toHaveLength(writes);

    // No worker polls now: --offline still lists the assets, and says nothing of GitHub.
    const offline = await marketops(['plan', file, '--offline', '--json'], { env });
    expect(offline.code).toBe(0);
    const printed = JSON.parse(offline.stdout) as { steps: { assets: unknown[]; now?: unknown }[] };
    expect(printed.steps[0]?.assets).toEqual(
      [adopted, leftover, other, missing].map((a) => ({ asset: line(a) })),
    );
    expect(printed.steps[0]?.now).toBeUndefined();
  });
});
