import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recheckApprovals } from '../../src/activities/approval-check.js';
import type { ApprovalRecord } from '../../src/audit/record.js';
import { releaseRequest } from '../../src/demo/requests.js';
import { policySource, revokeKey } from '../../src/policy/index.js';
import { generateSigningKey, readKeyRingFile } from '../../src/receipts/index.js';
import { tempDir } from '../support/temp-dirs.js';

const policy = `
version: 1
approvers:
  - { name: alice, keys: [{ kid: alice-1 }] }
  - { name: bob, keys: [{ kid: bob-1 }] }
  - { name: carol, keys: [{ kid: carol-1 }] }
approver_sets: { leads: [alice, bob, carol] }
rules:
  - name: releases
    match: { kinds: [publish_release] }
    requires: { count: 2, from: [leads] }
`;

/** A ring with alice's, bob's and carol's keys, the policy above, and an empty revocation list. */
async function setUp() {
  const dir = await tempDir('approval-check');
  const pairs = await Promise.all(['alice-1', 'bob-1', 'carol-1'].map((kid) => generateSigningKey(kid)));
  const ring = join(dir, 'ring.jwks.json');
  await writeFile(ring, JSON.stringify({ keys: pairs.flatMap((pair) => pair.publicJwks.keys) }));
  const keys = await readKeyRingFile(ring);
  const files = { policyFile: join(dir, 'policy.yaml'), revocationsFile: join(dir, 'revoked.json') };
  await writeFile(files.policyFile, policy);
  const approval = async (kid: string, reason: ApprovalRecord['reason']): Promise<ApprovalRecord> => ({
    kid,
    thumbprint: (await keys.thumbprintFor(kid)) ?? null,
    approver: kid.replace('-1', ''),
    accepted: reason === null,
    reason,
  });
  return { keys, ring, files, approval };
}

const recheck = (setup: Awaited<ReturnType<typeof setUp>>, approvals: ApprovalRecord[]) =>
  recheckApprovals(
    policySource(setup.files),
    setup.keys,
    releaseRequest('run-1', 'v1.0.0'),
    'prod',
    approvals,
    new Date(),
  );

describe('the approvals recheck right before the first write', () => {
  it('never counts a signature that failed when it arrived, even though its kid is still in the ring', async () => {
    const setup = await setUp();
    const forged = { code: 'BAD_SIGNATURE', message: 'The signature does not verify.' };
    const approvals = [
      await setup.approval('alice-1', null),
      await setup.approval('carol-1', null),
      await setup.approval('bob-1', forged),
    ];
    expect((await recheck(setup, approvals)).satisfied).toBe(true);

    // Alice's key is revoked between the approval and the write: carol alone is not enough, and the
    // forged signature under bob's kid must not make up the difference.
    await revokeKey(setup.files.revocationsFile, {
      kid: 'alice-1',
      revoked_at: new Date(Date.now() - 1_000).toISOString(),
      reason: 'laptop lost',
    });
    const after = await recheck(setup, approvals);
    expect(after.satisfied).toBe(false);
    expect(after.reasons.map((reason) => reason.code)).toContain('NEEDS_APPROVALS');
    const bob = after.facts.approvals.find((record) => record.kid === 'bob-1');
    expect(bob).toMatchObject({ accepted: false, reason: { code: 'BAD_SIGNATURE' } });
  });

  it('decides again on a signature the policy merely did not count before', async () => {
    const setup = await setUp();
    const notNeeded = { code: 'NEEDS_APPROVALS', message: 'not counted' };
    const approvals = [await setup.approval('alice-1', null), await setup.approval('bob-1', notNeeded)];
    expect((await recheck(setup, approvals)).satisfied).toBe(true);
  });

  it('refuses, naming the file, when the policy or the key ring no longer parses, instead of throwing', async () => {
    const setup = await setUp();
    const approvals = [await setup.approval('alice-1', null), await setup.approval('carol-1', null)];
    await writeFile(setup.files.policyFile, 'version: 1\nrules: [');
    const broken = await recheck(setup, approvals);
    expect(broken.satisfied).toBe(false);
    expect(broken.reasons).toEqual([
      { code: 'POLICY_UNREADABLE', message: expect.stringContaining('policy.yaml') },
    ]);

    await writeFile(setup.files.policyFile, policy);
    expect((await recheck(setup, approvals)).satisfied).toBe(true);
    await writeFile(setup.ring, '{"keys": ');
    const noRing = await recheck(setup, approvals);
    expect(noRing).toMatchObject({ satisfied: false, reasons: [{ code: 'POLICY_UNREADABLE' }] });
  });
});
