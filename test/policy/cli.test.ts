import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { releaseRequest } from '../../src/demo/requests.js';
import { addSignature, DEFAULT_AUDIENCE, issueReceipt } from '../../src/receipts/index.js';
import { type Issuer, makeIssuer } from '../receipts/fixtures.js';
import { marketops } from '../support/processes.js';
import { tempDir } from '../support/temp-dirs.js';

let dir: string;
let env: NodeJS.ProcessEnv;
const files = {
  policy: '',
  request: '',
  ring: '',
  alice: '',
  bob: '',
  carol: '',
  cosigned: '',
  revocations: '',
};

const check = (...args: string[]) =>
  marketops(['policy', 'check', '--request', files.request, '--keys', files.ring, ...args], { env });

async function receiptFile(issuer: Issuer, name: string): Promise<string> {
  const token = await issueReceipt(issuer.privateJwk, releaseRequest('run-1', 'v1.0.0'), {
    ttlSeconds: 3600,
    audience: DEFAULT_AUDIENCE,
    now: new Date(),
    receiptId: `rcpt-${name}`,
  });
  const file = join(dir, `${name}.jws`);
  await writeFile(file, token);
  return file;
}

beforeAll(async () => {
  dir = await tempDir('policy-cli');
  const [alice, bob, carol] = await Promise.all([
    makeIssuer('alice-1'),
    makeIssuer('bob-1'),
    makeIssuer('carol-1'),
  ]);
  // Bob's key is named by its thumbprint, as a hardware key whose kid the policy's author does not choose.
  const bobThumbprint = await bob.ring.thumbprintFor('bob-1');
  if (!alice || !bob || !carol || !bobThumbprint) throw new Error('keys');
  Object.assign(files, {
    policy: join(dir, 'policy.yaml'),
    request: join(dir, 'release.json'),
    ring: join(dir, 'ring.jwks.json'),
    revocations: join(dir, 'revoked.json'),
    alice: await receiptFile(alice, 'alice'),
    bob: await receiptFile(bob, 'bob'),
    carol: await receiptFile(carol, 'carol'),
    cosigned: join(dir, 'cosigned.json'),
  });
  // Alice's receipt co-signed by bob: one receipt in JWS JSON general serialization, two approvals.
  const request = releaseRequest('run-1', 'v1.0.0');
  const cosigned = await addSignature(await readFile(files.alice, 'utf8'), bob.privateJwk, request);
  expect(JSON.parse(cosigned).signatures).toHaveLength(2);
  await writeFile(files.cosigned, cosigned);
  await writeFile(
    files.policy,
    `version: 1
approvers:
  - { name: alice, keys: [{ kid: alice-1 }] }
  - { name: bob, keys: [{ thumbprint: ${bobThumbprint} }] }
approver_sets: { ops-leads: [alice, bob] }
rules:
  - name: production releases from main
    match: { kinds: [publish_release], refs: [main], modes: [prod] }
    requires: { count: 2, from: [ops-leads] }
    forbid_requester: true
`,
  );
  await writeFile(files.request, JSON.stringify(releaseRequest('run-1', 'v1.0.0')));
  const keys = [alice, bob, carol].flatMap((issuer) => issuer.publicJwks.keys);
  await writeFile(files.ring, JSON.stringify({ keys }));
  env = {
    ...process.env,
    MARKETOPS_DATA_DIR: join(dir, 'data'),
    MARKETOPS_REVOCATIONS_FILE: files.revocations,
  };
  delete env.MARKETOPS_POLICY_FILE;
});

describe('marketops policy check', () => {
  it('names the matching rule and what is missing (exit 3), then what satisfies it (exit 0)', async () => {
    const one = await check('--policy', files.policy, '--approval', files.alice);
    expect(one.code, one.stderr).toBe(3);
    expect(one.stdout).toMatch(
      /^not satisfied \(policy sha256:[0-9a-f]{64}, revocations sha256:[0-9a-f]{64}\)\n/,
    );
    expect(one.stdout).toContain(
      '✗ rule "production releases from main": 1 of 2: approved by alice; missing one of ops-leads (may still approve: bob)',
    );

    const two = await check('--policy', files.policy, '--approval', files.alice, '--approval', files.bob);
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toContain('✓ rule "production releases from main": 2 of 2: approved by alice, bob');
  });

  it('sees every approver of a co-signed receipt: one file, two approvals', async () => {
    const run = await check('--policy', files.policy, '--approval', files.cosigned);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('✓ rule "production releases from main": 2 of 2: approved by alice, bob');
  });

  it("--json prints the decision; the requester's own approval and a key of no approver do not count", async () => {
    const run = await check(
      '--policy',
      files.policy,
      '--approval',
      files.alice,
      '--approval',
      files.bob,
      '--approval',
      files.carol,
      '--requester',
      'bob',
      '--json',
    );
    expect(run.code, run.stderr).toBe(3);
    const decision = JSON.parse(run.stdout);
    expect(decision.satisfied).toBe(false);
    expect(decision.reasons.map((reason: { code: string }) => reason.code)).toEqual([
      'NEEDS_APPROVALS',
      'SELF_APPROVAL',
      'APPROVER_NOT_ALLOWED',
    ]);
  });

  it('an operation no rule matches is refused: POLICY_NO_RULE', async () => {
    const run = await check('--policy', files.policy, '--approval', files.alice, '--mode', 'dry-run');
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('POLICY_NO_RULE: No rule of the policy file');
  });

  it('without a policy file, one approval by any ring key suffices', async () => {
    const run = await check('--approval', files.carol);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('satisfied (policy none (no policy file)');
  });

  it('a broken policy file is a usage error in one sentence naming the field', async () => {
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'version: 1\napprovers: []\n');
    const run = await check('--policy', broken);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `marketops: Field "approvers" of the policy file ${broken} must list at least one approver.\n`,
    );
  });
});

describe('marketops keys revoke', () => {
  it('revokes a key in MARKETOPS_REVOCATIONS_FILE; the next check no longer counts it; a kid is revoked once', async () => {
    const revoke = await marketops(
      ['keys', 'revoke', '--kid', 'alice-1', '--reason', 'laptop lost', '--json'],
      {
        env,
      },
    );
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(JSON.parse(revoke.stdout)).toEqual({
      kid: 'alice-1',
      revoked_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      reason: 'laptop lost',
      file: files.revocations,
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });

    const run = await check('--policy', files.policy, '--approval', files.alice, '--approval', files.bob);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('KEY_REVOKED: Key "alice-1" of alice was revoked at');

    const again = await marketops(['keys', 'revoke', '--kid', 'alice-1', '--reason', 'twice'], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('Key "alice-1" is already revoked');
  });

  it('refuses a time it cannot read', async () => {
    const run = await marketops(['keys', 'revoke', '--kid', 'x', '--reason', 'r', '--at', 'soon'], { env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("option '--at <time>' argument 'soon' is invalid. use an RFC 3339 time");
  });
});
