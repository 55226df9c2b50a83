import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { examples } from '../../src/operations/registry.js';
import { approvalsOf, operationFacts } from '../../src/policy/index.js';
import { addSignature, loadKeyRing } from '../../src/receipts/index.js';
import { type Issuer, issueAtT0, makeIssuer, tagRepo } from '../receipts/fixtures.js';

let alice: Issuer;
let token: string;
beforeAll(async () => {
  alice = await makeIssuer('alice-1');
  token = await issueAtT0(alice, tagRepo);
});

describe('approvalsOf: a receipt’s signatures as approvals', () => {
  it('a compact receipt is one approval: its kid, the RFC 7638 thumbprint of that ring key, verified', async () => {
    const thumbprint = await alice.ring.thumbprintFor('alice-1');
    // RFC 7638 by hand: SHA-256 over the required members in lexicographic order, no whitespace.
    const { x } = alice.publicJwks.keys[0] ?? {};
    const members = `{"crv":"Ed25519","kty":"OKP","x":"${x}"}`;
    expect(thumbprint).toBe(createHash('sha256').update(members).digest('base64url'));
    expect(await approvalsOf(token, alice.ring)).toEqual([{ kid: 'alice-1', thumbprint, verified: true }]);
  });

  it('a signature that does not verify is unverified; a kid the ring lacks has no thumbprint', async () => {
    const [header, payload, signature] = token.split('.');
    const flipped = `${signature?.startsWith('A') ? 'B' : 'A'}${signature?.slice(1)}`;
    const [forged] = await approvalsOf(`${header}.${payload}.${flipped}`, alice.ring);
    expect(forged).toEqual(expect.objectContaining({ kid: 'alice-1', verified: false }));
    expect(forged?.thumbprint).not.toBeNull();

    const otherRing = loadKeyRing((await makeIssuer('bob-1')).publicJwks);
    expect(await approvalsOf(token, otherRing)).toEqual([
      { kid: 'alice-1', thumbprint: null, verified: false },
    ]);
  });

  it('a co-signed receipt is one approval per signature, each checked on its own', async () => {
    const bob = await makeIssuer('bob-1');
    const cosigned = await addSignature(token, bob.privateJwk, tagRepo);
    const ring = loadKeyRing({ keys: [...alice.publicJwks.keys, ...bob.publicJwks.keys] });
    expect(await approvalsOf(cosigned, ring)).toEqual([
      { kid: 'alice-1', thumbprint: await ring.thumbprintFor('alice-1'), verified: true },
      { kid: 'bob-1', thumbprint: await ring.thumbprintFor('bob-1'), verified: true },
    ]);
    expect(await approvalsOf(cosigned, alice.ring)).toEqual([
      { kid: 'alice-1', thumbprint: await ring.thumbprintFor('alice-1'), verified: true },
      { kid: 'bob-1', thumbprint: null, verified: false },
    ]);
  });

  it('a token that is not a receipt approves nothing', async () => {
    expect(await approvalsOf('not a token', alice.ring)).toEqual([]);
  });
});

describe('operationFacts', () => {
  it("takes each kind's ref from its module: a release's target, a tag's name, a pull request's base", () => {
    expect(operationFacts(examples.publish_release, 'prod').ref).toBe(
      examples.publish_release.target_commitish,
    );
    expect(operationFacts(examples.tag_repo, 'prod').ref).toBe(examples.tag_repo.tag);
    expect(operationFacts(examples.open_pr, 'dry-run', 'ann')).toEqual({
      repository: examples.open_pr.repository,
      kind: 'open_pr',
      ref: examples.open_pr.base,
      mode: 'dry-run',
      requester: 'ann',
    });
  });
});
