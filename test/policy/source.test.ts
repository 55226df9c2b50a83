import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type PolicySource, policySource, revokeKey } from '../../src/policy/index.js';
import { tempDir } from '../support/temp-dirs.js';
import { by, facts, NOW } from './fixtures.js';

const policyYaml = (count: number) => `
version: 1
approvers:
  - { name: alice, keys: [{ kid: alice-1 }] }
  - { name: bob, keys: [{ kid: bob-1 }] }
approver_sets: { leads: [alice, bob] }
rules:
  - name: releases
    match: { kinds: [publish_release] }
    requires: { count: ${count}, from: [leads] }
`;

/** Each test's own files: a policy needing one approval, and a revocation list not written yet. */
const files = { policyFile: '', revocationsFile: '' };
beforeEach(async () => {
  const dir = await tempDir('policy-source');
  Object.assign(files, {
    policyFile: join(dir, 'policy.yaml'),
    revocationsFile: join(dir, 'keys', 'revoked.json'),
  });
  await writeFile(files.policyFile, policyYaml(1));
});

describe('the policy source', () => {
  it('re-reads a changed policy file on the next decision, without a restart, and names the version it used', async () => {
    const source: PolicySource = policySource(files);
    const first = await source.decide(facts(), [by('alice-1')], NOW);
    expect(first.satisfied).toBe(true);

    await writeFile(files.policyFile, policyYaml(2));
    const second = await source.decide(facts(), [by('alice-1')], NOW);
    expect(second.satisfied).toBe(false);
    expect(second.policy_digest).not.toBe(first.policy_digest);
    expect((await source.current()).policy).toEqual(
      expect.objectContaining({ mode: 'file', file: files.policyFile }),
    );
  });

  it('notices a same-size edit by its mtime', async () => {
    const source = policySource({ policyFile: files.policyFile });
    const before = await source.current();
    await writeFile(files.policyFile, policyYaml(1).replace('releases', 'Releases'));
    await utimes(files.policyFile, new Date(), new Date(Date.now() + 5_000));
    expect((await source.current()).policy.digest).not.toBe(before.policy.digest);
  });

  it('parses an unchanged file once: the same snapshot comes back', async () => {
    const source = policySource(files);
    expect((await source.current()).policy).toBe((await source.current()).policy);
  });

  it('fails closed while a file is broken or missing, and recovers once it is fixed', async () => {
    const source = policySource({ policyFile: files.policyFile });
    await source.current();
    await writeFile(files.policyFile, policyYaml(1).replace('count:', 'cuont:'));
    await expect(source.current()).rejects.toThrow(`of the policy file ${files.policyFile}`);
    await rm(files.policyFile);
    await expect(source.current()).rejects.toThrow(
      `The policy file ${files.policyFile} does not exist; fix its path.`,
    );
    await writeFile(files.policyFile, policyYaml(2));
    expect((await source.current()).policy.mode).toBe('file');
  });

  it('without a policy file is the explicit ring mode, and without a revocation list revokes nothing', async () => {
    const snapshot = await policySource({}).current();
    expect(snapshot).toEqual({
      policy: { mode: 'ring', file: null, digest: null },
      revocations: { file: null, revocations: [], digest: null },
    });
  });

  it('a revocation written by revokeKey applies to the next decision, approvals given before included', async () => {
    const source = policySource(files);
    const before = await source.decide(facts(), [by('alice-1')], NOW);
    expect(before.satisfied).toBe(true);
    expect(before.revocations_digest).toMatch(/^sha256:/);

    const written = await revokeKey(files.revocationsFile, {
      kid: 'alice-1',
      revoked_at: new Date(NOW.getTime() - 1000).toISOString(),
      reason: 'laptop lost',
    });
    const after = await source.decide(facts(), [by('alice-1')], NOW);
    expect(after.satisfied).toBe(false);
    expect(after.reasons.map((reason) => reason.code)).toEqual(['NEEDS_APPROVALS', 'KEY_REVOKED']);
    expect(after.revocations_digest).toBe(written.digest);
    expect(after.revocations_digest).not.toBe(before.revocations_digest);
  });
});

describe('revokeKey', () => {
  it('appends, creating the file and its folder; a kid is revoked once', async () => {
    await revokeKey(files.revocationsFile, { kid: 'a', revoked_at: '2026-01-01T00:00:00Z', reason: 'r1' });
    await revokeKey(files.revocationsFile, {
      kid: 'b',
      revoked_at: '2026-01-02T00:00:00+02:00',
      reason: 'r2',
    });
    await expect(
      revokeKey(files.revocationsFile, { kid: 'a', revoked_at: '2026-02-01T00:00:00Z', reason: 'again' }),
    ).rejects.toThrow(
      `Key "a" is already revoked in ${files.revocationsFile} (at 2026-01-01T00:00:00Z: r1).`,
    );
    expect(JSON.parse(await readFile(files.revocationsFile, 'utf8'))).toEqual({
      version: 1,
      revocations: [
        { kid: 'a', revoked_at: '2026-01-01T00:00:00Z', reason: 'r1' },
        { kid: 'b', revoked_at: '2026-01-02T00:00:00+02:00', reason: 'r2' },
      ],
    });
  });

  it('loses none of several concurrent revocations (one lock, the whole file replaced)', async () => {
    const kids = Array.from({ length: 12 }, (_, index) => `k${index}`);
    await Promise.all(
      kids.map((kid) =>
        revokeKey(files.revocationsFile, { kid, revoked_at: '2026-01-01T00:00:00Z', reason: 'drill' }),
      ),
    );
    const written = JSON.parse(await readFile(files.revocationsFile, 'utf8'));
    expect(written.revocations.map((each: { kid: string }) => each.kid).sort()).toEqual([...kids].sort());
  });

  it('refuses to append to a list it cannot parse, naming the file and the field', async () => {
    await writeFile(files.revocationsFile.replace('keys/', ''), '{"version":1,"revocations":[{"kid":"a"}]}');
    await expect(
      revokeKey(files.revocationsFile.replace('keys/', ''), {
        kid: 'b',
        revoked_at: '2026-01-01T00:00:00Z',
        reason: 'r',
      }),
    ).rejects.toThrow(/^Field "revocations\.0\.revoked_at" of the revocation list .* is required\.$/);
  });
});
