import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { calculateJwkThumbprint, FlattenedSign, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { keepSignatures, mergeReceipts } from '../../src/receipts/compact-jws.js';
import {
  addSignature,
  claimedReceiptId,
  issueReceipt,
  type KeyRing,
  loadKeyRing,
  loadSigningKey,
  verifyReceipt,
  verifyReceiptSignature,
} from '../../src/receipts/index.js';
import { codesOf } from '../support/results.js';
import {
  claimsFor,
  type Issuer,
  issueAtT0,
  makeIssuer,
  prodOptions,
  rfc8037Key,
  signRaw,
  tagRepo,
  workedExampleRequest,
} from './fixtures.js';

let alice: Issuer;
let bob: Issuer;
let forger: Issuer;
let ring: KeyRing;
beforeAll(async () => {
  [alice, bob, forger] = await Promise.all([
    makeIssuer('alice-2025'),
    makeIssuer('bob-2025'),
    makeIssuer('bob-2025'),
  ]);
  ring = loadKeyRing({ keys: [...alice.publicJwks.keys, ...bob.publicJwks.keys] });
});

const twoApprovals = async () => addSignature(await issueAtT0(alice, tagRepo), bob.privateJwk, tagRepo);
const thumbprintOf = (issuer: Issuer) => calculateJwkThumbprint(issuer.publicJwks.keys[0] as JWK, 'sha256');
type General = { payload: string; signatures: { protected: string; signature: string }[] };

describe('a receipt with several signatures (JWS JSON general serialization)', () => {
  it('co-signing adds a signature over the same payload, and each verifies with its own key', async () => {
    const compact = await issueAtT0(alice, tagRepo);
    const cosigned = await twoApprovals();
    const general = JSON.parse(cosigned) as General;
    expect(Object.keys(general)).toEqual(['payload', 'signatures']);
    expect(general.payload).toBe(compact.split('.')[1]);
    expect(general.signatures[0]).toEqual({
      protected: compact.split('.')[0],
      signature: compact.split('.')[2],
    });

    const verdict = await verifyReceipt(cosigned, tagRepo, prodOptions(ring));
    expect(verdict).toMatchObject({ accepted: true, receiptId: 'rcpt-0001', kid: 'alice-2025' });
    expect(verdict.signatures).toEqual([
      { kid: 'alice-2025', thumbprint: await thumbprintOf(alice), valid: true, reasons: [] },
      { kid: 'bob-2025', thumbprint: await thumbprintOf(bob), valid: true, reasons: [] },
    ]);
    expect(claimedReceiptId(cosigned)).toBe('rcpt-0001');
  });

  it('says which signature is forged: a valid one and one made by another key under a ring kid', async () => {
    const compact = await issueAtT0(alice, tagRepo);
    const forged = await addSignature(compact, forger.privateJwk, tagRepo);
    const verdict = await verifyReceipt(forged, tagRepo, prodOptions(ring));
    // One valid signature authorizes without a policy (today's rule); the policy counts only valid ones.
    expect(verdict.accepted).toBe(true);
    expect(verdict.signatures.map((s) => [s.kid, s.valid, s.reasons.map((r) => r.code)])).toEqual([
      ['alice-2025', true, []],
      ['bob-2025', false, ['BAD_SIGNATURE']],
    ]);
    expect(verdict.signatures[1]?.reasons[0]?.message).toBe(
      'Signature 2 of 2 does not verify with key "bob-2025" from the key ring.',
    );
    expect(verdict.signatures[1]?.thumbprint).toBe(await thumbprintOf(bob));
  });

  it('is rejected, listing every signature, when none verifies', async () => {
    const byForger = await signRaw(forger, claimsFor(tagRepo));
    const stranger = await makeIssuer('carol');
    const forged = await addSignature(byForger, stranger.privateJwk, tagRepo);
    const verdict = await verifyReceipt(forged, tagRepo, prodOptions(ring));
    expect(codesOf(verdict)).toEqual(['BAD_SIGNATURE', 'UNKNOWN_KEY']);
    expect(verdict).not.toHaveProperty('receiptId');
    expect(verdict.signatures.map((s) => s.valid)).toEqual([false, false]);
  });

  it('a signature moved onto another payload does not verify there', async () => {
    const other = JSON.parse(
      await addSignature(
        await issueAtT0(alice, tagRepo, { receiptId: 'rcpt-0002' }),
        bob.privateJwk,
        tagRepo,
      ),
    ) as General;
    const general = JSON.parse(await twoApprovals()) as General;
    const spliced = JSON.stringify({ ...general, signatures: [general.signatures[0], other.signatures[1]] });
    const verdict = await verifyReceipt(spliced, tagRepo, prodOptions(ring));
    expect(verdict.signatures.map((s) => s.valid)).toEqual([true, false]);
  });

  it('refuses an unprotected header, the flattened form, extra members and too many signatures', async () => {
    const general = JSON.parse(await twoApprovals()) as General;
    const [first] = general.signatures;
    const flattened = { payload: general.payload, ...first };
    const cases = [
      { ...general, signatures: [{ ...first, header: { kid: 'bob-2025' } }] },
      flattened,
      { ...general, unprotected: {} },
      { ...general, signatures: [] },
      { ...general, signatures: Array.from({ length: 17 }, () => first) },
      { ...general, payload: `${general.payload}=` },
    ];
    for (const token of cases) {
      const check = await verifyReceiptSignature(JSON.stringify(token), ring);
      expect(check.ok ? [] : check.reasons.map((r) => r.code), JSON.stringify(token).slice(0, 80)).toEqual([
        'MALFORMED',
      ]);
    }
    const repeated = `{"payload":"${general.payload}","payload":"x","signatures":[]}`;
    expect(codesOf(await verifyReceipt(repeated, tagRepo, prodOptions(ring)))).toContain('DUPLICATE_MEMBER');
  });

  it('a compact receipt is the one-signature case and verifies as before', async () => {
    const verdict = await verifyReceipt(await issueAtT0(alice, tagRepo), tagRepo, prodOptions(ring));
    expect(verdict).toMatchObject({ accepted: true, kid: 'alice-2025' });
    expect(verdict.signatures).toHaveLength(1);
  });

  it('co-signing refuses another request, a key that already signed, and a receipt that is not one', async () => {
    const compact = await issueAtT0(alice, tagRepo);
    await expect(addSignature(compact, bob.privateJwk, { ...tagRepo, tag: 'v9' })).rejects.toThrow(
      'op_digest mismatch',
    );
    await expect(addSignature(compact, alice.privateJwk, tagRepo)).rejects.toThrow(
      'Key "alice-2025" has already signed this receipt.',
    );
    await expect(addSignature('not-a-receipt', bob.privateJwk, tagRepo)).rejects.toThrow('The receipt must');
  });

  it('a signature over the general payload made by any JWS library verifies', async () => {
    const compact = await issueAtT0(alice, tagRepo);
    const [protectedHeader, payload, signature] = compact.split('.') as [string, string, string];
    const jws = await new FlattenedSign(Buffer.from(payload, 'base64url'))
      .setProtectedHeader({ alg: 'Ed25519', typ: 'marketops-receipt+jwt', kid: 'bob-2025' })
      .sign(loadSigningKey(bob.privateJwk).key);
    const token = JSON.stringify({
      payload,
      signatures: [
        { protected: protectedHeader, signature },
        { protected: jws.protected, signature: jws.signature },
      ],
    });
    const check = await verifyReceiptSignature(token, ring);
    expect(check.signatures.map((s) => s.valid)).toEqual([true, true]);
  });
});

/** A second key for the worked example, derived from a public phrase. */
const second = {
  kty: 'OKP',
  crv: 'Ed25519',
  kid: 'co-signer-example',
  d: 'Yv23P1Xg-mxG7gXUaF11j3O_UhP5SuERUsNABnAGxlg',
  x: '7kOfBtTFrf1tVp9iXGD31auXsk7k2N_8COKWJVFslPI',
};

describe('the co-signed worked example in docs/receipt-format.md', () => {
  it('is what the code produces, byte for byte, with both signatures valid', async () => {
    const compact = await issueReceipt(rfc8037Key, workedExampleRequest, {
      ttlSeconds: 3600,
      audience: 'marketops-executor',
      now: new Date('2025-06-01T12:00:00Z'),
      receiptId: '0b7f6c1e-2d4a-4c59-9a51-3c8e2f0d7a64',
    });
    const cosigned = await addSignature(compact, second, workedExampleRequest);
    const doc = await readFile(resolve(import.meta.dirname, '../../docs/receipt-format.md'), 'utf8');
    expect(doc).toContain(`\n${JSON.stringify(JSON.parse(cosigned), null, 2)}\n`);
    const keys = loadKeyRing({ keys: [rfc8037Key, second].map(({ d: _secret, ...publicJwk }) => publicJwk) });
    const verdict = await verifyReceipt(cosigned, workedExampleRequest, {
      keys,
      now: new Date('2025-06-01T12:00:10Z'),
      mode: 'prod',
      audience: 'marketops-executor',
    });
    expect(verdict.signatures.map((s) => [s.kid, s.valid])).toEqual([
      ['rfc8037-example', true],
      ['co-signer-example', true],
    ]);
    for (const signature of verdict.signatures) expect(doc).toContain(`\`${signature.thumbprint}\``);
  });
});

describe('mergeReceipts: approvals of one operation as they arrive', () => {
  it('adds the new signatures, keeps each kid once, and refuses other claims', async () => {
    const compact = await issueAtT0(alice, tagRepo);
    const cosigned = await addSignature(compact, bob.privateJwk, tagRepo);
    const merged = mergeReceipts(compact, cosigned);
    if (!merged.ok) throw new Error(merged.problem);
    expect(merged.receipt).toBe(cosigned);
    // Bob's signature arriving again, or alice's again, changes nothing.
    expect(mergeReceipts(cosigned, cosigned)).toEqual({ ok: true, receipt: cosigned });
    expect(mergeReceipts(cosigned, compact)).toEqual({ ok: true, receipt: cosigned });
    const verdict = await verifyReceiptSignature(merged.receipt, ring);
    expect(verdict.signatures.map((s) => [s.kid, s.valid])).toEqual([
      ['alice-2025', true],
      ['bob-2025', true],
    ]);
    const other = await issueAtT0(alice, tagRepo, { receiptId: 'rcpt-0009' });
    expect(mergeReceipts(compact, other)).toMatchObject({ ok: false, code: 'PARAMS_MISMATCH' });
  });
});

describe('keepSignatures: only verified approvals are held', () => {
  it("drops a forged signature under bob's kid, so bob's genuine one still joins later", async () => {
    const compact = await issueAtT0(alice, tagRepo);
    const forged = await addSignature(compact, forger.privateJwk, tagRepo);
    // Held as it arrived, the forgery would occupy bob's place: his genuine signature is then ignored.
    const genuine = await twoApprovals();
    const blocked = mergeReceipts(forged, genuine);
    const heldForgery = blocked.ok ? await verifyReceiptSignature(blocked.receipt, ring) : undefined;
    expect(heldForgery?.signatures.map((s) => [s.kid, s.valid])).toEqual([
      ['alice-2025', true],
      ['bob-2025', false],
    ]);

    const held = keepSignatures(forged, new Set(['alice-2025']));
    const merged = mergeReceipts(held, genuine);
    expect(merged.ok).toBe(true);
    const verdict = merged.ok ? await verifyReceiptSignature(merged.receipt, ring) : undefined;
    expect(verdict?.signatures.map((s) => [s.kid, s.valid])).toEqual([
      ['alice-2025', true],
      ['bob-2025', true],
    ]);
  });
});
