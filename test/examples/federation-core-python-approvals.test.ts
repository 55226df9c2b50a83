import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { RunClient } from '../../src/client/run-client.js';
import { releaseRequest } from '../../src/demo/requests.js';
import { policySource } from '../../src/policy/index.js';
import { generateSigningKey, readKeyRingFile } from '../../src/receipts/index.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';
import { twoPersonPolicy } from '../support/policies.js';
import { tempDir } from '../support/temp-dirs.js';
import { waitFor } from '../support/wait.js';

// Two approvers of a production release, each running the Python example with their own key.
const keys: Record<string, JWK> = {};
const suite = useExecutorHarness('dev-server', async () => {
  const dir = await tempDir('python-approvers');
  const pairs = await Promise.all(['alice-2026', 'bob-2026'].map((kid) => generateSigningKey(kid)));
  for (const pair of pairs) keys[pair.privateJwk.kid] = pair.privateJwk;
  const ring = join(dir, 'ring.jwks.json');
  await writeFile(ring, JSON.stringify({ keys: pairs.flatMap((pair) => pair.publicJwks.keys) }));
  const policyFile = join(dir, 'policy.yaml');
  await writeFile(
    policyFile,
    twoPersonPolicy('production releases of main need two people', {
      kinds: ['publish_release'],
      refs: ['main'],
      modes: ['prod'],
    }),
  );
  const policy = policySource({ policyFile, revocationsFile: join(dir, 'revocations.json') });
  return { keys: await readKeyRingFile(ring), policy };
});
const runId = runIds('python-two');
const example = new URL('../../examples/federation-core-python/federation_core.py', import.meta.url).pathname;
const sitePackages = new URL('../../.tools/federation-core-python', import.meta.url).pathname;

async function federationCore(args: string[]) {
  const run = promisify(execFile)('python3', [example, ...args], {
    env: { ...process.env, PYTHONPATH: sitePackages },
  });
  const { stdout, stderr, code } = await run.then(
    (done) => ({ ...done, code: 0 }),
    (failed: { stdout: string; stderr: string; code: number | null }) => failed,
  );
  const answers = stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  return { code, stderr, answers };
}

describe('two approvers co-sign a production release from Python', () => {
  it('one approval is not enough (pending, NEEDS_APPROVALS, nothing written); the co-signed receipt ships it', async () => {
    const { harness } = suite;
    const run = runId();
    const plan = {
      run_id: run,
      steps: [{ id: 'release', request: releaseRequest(run, `v-py2-${Date.now()}`) }],
    };
    const dir = await tempDir('python-two');
    const planFile = join(dir, 'plan.yaml');
    await writeFile(planFile, stringify(plan));
    const keyFile = async (kid: string) => {
      const file = join(dir, `${kid}.jwk.json`);
      await writeFile(file, JSON.stringify(keys[kid]));
      return file;
    };
    const base = ['--plan', planFile, '--address', harness.env.address];
    const runs = new RunClient(harness.env.client);
    const writesBefore = (await harness.writes()).length;
    const timeline = await harness.withWorkers('prod', async () => {
      await runs.start(plan);
      const alice = await federationCore([...base, '--key', await keyFile('alice-2026'), '--keep', dir]);
      expect(alice.code, alice.stderr).toBe(0);
      expect(alice.answers).toMatchObject([{ status: 'pending', step: 'release' }]);
      expect(alice.answers[0].missing.join(' ')).toContain('1 of 2');
      expect((await runs.timeline(run)).steps[0]?.status).toBe('waiting_authorization');
      expect((await harness.writes()).length).toBe(writesBefore);

      const bob = await federationCore([...base, '--key', await keyFile('bob-2026'), '--cosign', dir]);
      expect(bob.code, bob.stderr).toBe(0);
      expect(bob.answers).toMatchObject([{ status: 'accepted', step: 'release' }]);
      await waitFor(async () => (await runs.timeline(run)).steps[0]?.status === 'shipped');
      return runs.result(run);
    });
    expect(timeline.steps[0]?.status).toBe('shipped');
    const [record] = (await harness.store.byRunId(run)).filter((entry) => entry.record.receipt_id);
    expect(record?.record.policy_digest).toMatch(/^sha256:/);
    expect(record?.record.approvals?.map((a) => [a.approver, a.accepted])).toEqual([
      ['alice', true],
      ['bob', true],
    ]);
  }, 120_000);
});
