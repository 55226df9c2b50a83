import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { RunClient } from '../../src/client/run-client.js';
import { pullRequest, releaseRequest, tagRequest } from '../../src/demo/requests.js';
import type { Asset } from '../../src/operations/publish-release/assets.js';
import { opDigest } from '../../src/receipts/index.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { tempDir } from '../support/temp-dirs.js';
import { waitFor } from '../support/wait.js';

// The example must keep working from the documents alone: its receipts verify here, and
// its Update drives a run on the real dev server, through the Temporal Python SDK.
const suite = useExecutorHarness('dev-server');
const runId = runIds('python');
const example = new URL('../../examples/federation-core-python/federation_core.py', import.meta.url).pathname;
const sitePackages = new URL('../../.tools/federation-core-python', import.meta.url).pathname;

async function federationCore(args: string[]): Promise<{
  code: number | null;
  signal: string | null;
  stderr: string;
  answers: { status: string; step: string }[];
}> {
  const run = promisify(execFile)('python3', [example, ...args], {
    env: { ...process.env, PYTHONPATH: sitePackages },
  });
  const { stdout, stderr, code, signal } = await run.then(
    (done) => ({ ...done, code: 0, signal: null }),
    (failed: { stdout: string; stderr: string; code: number | null; signal: string | null }) => failed,
  );
  const answers = stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  return { code, signal, stderr, answers };
}

// What a failed exit says, so a crash is told apart from a refusal.
const exitOf = (result: { signal: string | null; stderr: string }) =>
  `signal ${result.signal}; stderr: ${result.stderr.slice(-2000)}`;

describe('a Federation Core written in Python, against the stack', () => {
  it('signs step receipts the executor accepts and authorizes a run through the Update; a damaged one is refused', async () => {
    const { harness } = suite;
    const run = runId();
    // A release with assets: its artifacts are stored first, and the receipt binds their sha256.
    const stored = async (name: string, bytes: string, label?: string): Promise<Asset> => ({
      name,
      ...(await harness.artifacts.put(Readable.from([Buffer.from(bytes)]))),
      content_type: 'text/plain',
      ...(label ? { label } : {}),
    });
    const assets = [
      await stored('app-linux.txt', 'the binary ✓'),
      await stored('SHA256SUMS', 'sums', 'Checksums ✓'),
    ];
    const plan = {
      run_id: run,
      steps: [
        { id: 'tag', request: tagRequest(run, `v-py-${Date.now()}`, 'Tagged from Python ✓') },
        { id: 'release', request: releaseRequest(run, `v-py-rel-${Date.now()}`), needs: ['tag'] },
        {
          id: 'assets',
          request: {
            ...releaseRequest(run, `v-py-assets-${Date.now()}`),
            make_latest: 'false' as const,
            assets,
          },
        },
        // Never authorized: the run stays open for a second receipt, until it is cancelled.
        { id: 'later', request: pullRequest(run, 'Never authorized') },
      ],
    };
    const dir = await tempDir('python-core');
    const planFile = join(dir, 'plan.yaml');
    const keyFile = join(dir, 'signing-key.jwk.json');
    await writeFile(planFile, stringify(plan));
    await writeFile(keyFile, JSON.stringify(harness.signingKey));
    const core = ['--plan', planFile, '--key', keyFile, '--address', harness.env.address];
    const runs = new RunClient(harness.env.client);
    const timeline = await harness.withWorkers('prod', async () => {
      await runs.start(plan);
      const damaged = await federationCore([...core, '--steps', 'tag', '--tamper', 'tag']);
      expect(damaged.code, exitOf(damaged)).toBe(3);
      expect(damaged.answers).toMatchObject([{ status: 'refused', step: 'tag' }]);
      // The approver's check: Python's op_digest of each step is the executor's.
      const digests = await federationCore(['--plan', planFile, '--digests']);
      expect(digests.answers).toEqual(
        plan.steps.map((step) => ({ step: step.id, op_digest: opDigest(step.request) })),
      );
      const genuine = await federationCore([...core, '--steps', 'tag,release,assets']);
      expect(genuine.code, exitOf(genuine)).toBe(0);
      expect(genuine.answers.map((answer) => answer.status)).toEqual(['accepted', 'accepted', 'accepted']);
      // Refused without reading the receipt, so as a rejected Update: the example reads the answer from it.
      const again = await federationCore([...core, '--steps', 'tag']);
      expect(again.code, exitOf(again)).toBe(3);
      expect(again.answers).toMatchObject([
        {
          status: 'refused',
          step: 'tag',
          reasons: [{ code: expect.stringMatching(/^(ALREADY_AUTHORIZED|STEP_ENDED)$/) }],
        },
      ]);
      await waitFor(async () =>
        (await runs.timeline(run)).steps.slice(0, 3).every((step) => step.status === 'shipped'),
      );
      await runs.cancel(run);
      return runs.result(run);
    });
    expect(timeline.steps.map((step) => [step.id, step.status])).toEqual([
      ['tag', 'shipped'],
      ['release', 'shipped'],
      ['assets', 'shipped'],
      ['later', 'not_shipped'],
    ]);
    const shipped = (await harness.demoRepository()).assets.map(({ name, digest, state }) => ({
      name,
      digest,
      state,
    }));
    expect(shipped).toEqual(
      expect.arrayContaining(
        assets.map(({ name, sha256 }) => ({ name, digest: `sha256:${sha256}`, state: 'uploaded' })),
      ),
    );
  }, 120_000);
});
