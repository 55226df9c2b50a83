import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { receiptReasonCodes } from '../../src/codes.js';
import { opDigest, verifyReceipt, verifyReceiptSignature } from '../../src/receipts/index.js';
import { codesOf } from '../support/results.js';
import {
  at,
  b64,
  claimsFor,
  type Issuer,
  issueAtT0,
  makeIssuer,
  openPr,
  prodOptions,
  publishRelease,
  requests,
  signRaw,
  signText,
  T0_SECONDS,
  tagRepo,
} from './fixtures.js';

let issuer: Issuer;
let stranger: Issuer;
beforeAll(async () => {
  issuer = await makeIssuer('fc-2025');
  stranger = await makeIssuer('fc-2025');
});

/** The message of the first reason, for verdicts expected to carry exactly one. */
const messageOf = (verdict: { accepted: boolean; reasons?: { message: string }[] }): string =>
  verdict.reasons?.[0]?.message ?? '';

const verifyAt = (token: unknown, request: unknown, secondsFromT0 = 10) =>
  verifyReceipt(token, request, prodOptions(issuer.ring, at(secondsFromT0)));

describe('verifyReceipt accepts', () => {
  it.each(requests.map((request) => [request.operation_kind, request] as const))(
    'a genuine %s receipt and exposes its id, kid and digest',
    async (_kind, request) => {
      const verdict = await verifyAt(await issueAtT0(issuer, request), request);
      expect(verdict).toMatchObject({ accepted: true, receiptId: 'rcpt-0001', kid: 'fc-2025' });
      if (!verdict.accepted) throw new Error('unreachable');
      expect(verdict.opDigest).toBe(verdict.claims.op_digest);
      expect(verdict.claims).toMatchObject({
        run_id: request.run_id,
        sub: request.run_id,
        enforceable: true,
      });
    },
  );

  it('alg "Ed25519" (RFC 9864) as well as "EdDSA", both with the same Ed25519 key', async () => {
    const token = await signRaw(issuer, claimsFor(tagRepo), { alg: 'Ed25519' });
    expect(JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString())).toMatchObject({
      alg: 'Ed25519',
    });
    expect(await verifyAt(token, tagRepo)).toMatchObject({ accepted: true, kid: 'fc-2025' });
    for (const alg of ['ed25519', 'Ed448', 'EdDSA ']) {
      const header = JSON.stringify({ alg, typ: 'marketops-receipt+jwt', kid: 'fc-2025' });
      const other = signText(issuer, JSON.stringify(claimsFor(tagRepo)), header);
      expect(codesOf(await verifyAt(other, tagRepo)), alg).toEqual(['ALG_NOT_ALLOWED']);
    }
  });

  it('string claims up to their limit in UTF-16 code units, astral characters counting two', async () => {
    const iss = '😀'.repeat(128);
    expect(iss).toHaveLength(256);
    expect((await verifyAt(await signRaw(issuer, claimsFor(tagRepo, { iss })), tagRepo)).accepted).toBe(true);
    const over = await verifyAt(await signRaw(issuer, claimsFor(tagRepo, { iss: `${iss}x` })), tagRepo);
    expect(codesOf(over)).toEqual(['MALFORMED']);
    expect(messageOf(over)).toContain('Field "iss" of the receipt claims must be at most 256');
  });

  it('a request whose fields arrive in another order (canonicalization)', async () => {
    const reordered = Object.fromEntries(Object.entries(publishRelease).reverse());
    const verdict = await verifyAt(await issueAtT0(issuer, publishRelease), reordered);
    expect(verdict.accepted).toBe(true);
  });
});

describe('verifyReceipt rejects with a reason code for each failed check', () => {
  it('MODE_NOT_PROD, while still evaluating everything else', async () => {
    const token = await issueAtT0(issuer, tagRepo);
    const dry = await verifyReceipt(token, tagRepo, { ...prodOptions(issuer.ring), mode: 'dry-run' });
    expect(codesOf(dry)).toEqual(['MODE_NOT_PROD']);
    expect(dry).toMatchObject({ accepted: false, receiptId: 'rcpt-0001', kid: 'fc-2025' });
    const dryAndWrong = await verifyReceipt(token, openPr, { ...prodOptions(issuer.ring), mode: 'PROD' });
    expect(codesOf(dryAndWrong)).toEqual(['MODE_NOT_PROD', 'OPERATION_KIND_MISMATCH', 'PARAMS_MISMATCH']);
  });

  it.each([undefined, null, ''])('RECEIPT_MISSING for %j', async (token) => {
    const verdict = await verifyAt(token, tagRepo);
    expect(codesOf(verdict)).toEqual(['RECEIPT_MISSING']);
    expect(verdict).not.toHaveProperty('receiptId');
  });

  it('MALFORMED for broken structure, header or encoding', async () => {
    const genuine = await issueAtT0(issuer, tagRepo);
    const [header, payload, signature] = genuine.split('.') as [string, string, string];
    const broken = [
      42,
      { token: genuine },
      'not a token',
      `${header}.${payload}`,
      `${genuine}.extra`,
      `${header}=.${payload}.${signature}`,
      `${b64('not json')}.${payload}.${signature}`,
      `${b64([1, 2])}.${payload}.${signature}`,
      `${genuine.slice(0, 20)}+${genuine.slice(21)}`,
      'a'.repeat(20_000),
    ];
    for (const token of broken)
      expect(codesOf(await verifyAt(token, tagRepo)), String(token)).toEqual(['MALFORMED']);
  });

  it('MALFORMED for non-canonical base64url that a lenient decoder would accept', async () => {
    const genuine = await issueAtT0(issuer, tagRepo);
    // The last character of a 64-byte signature carries 2 unused bits; setting them keeps the bytes.
    const last = genuine.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = alphabet[alphabet.indexOf(last) + 1] as string;
    expect(Buffer.from(genuine.slice(-2, -1) + twin, 'base64url')).toEqual(
      Buffer.from(genuine.slice(-2), 'base64url'),
    );
    expect(codesOf(await verifyAt(genuine.slice(0, -1) + twin, tagRepo))).toEqual(['MALFORMED']);
  });

  it('MALFORMED for signed claims of the wrong shape, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [claimsFor(tagRepo, { op_digest: undefined }), 'op_digest'],
      [claimsFor(tagRepo, { op_digest: 'not-a-digest' }), 'op_digest'],
      [claimsFor(tagRepo, { op_digest: `${opDigest(tagRepo)}=` }), 'op_digest'],
      [claimsFor(tagRepo, { op_digest: Buffer.alloc(32).toString('hex') }), 'op_digest'],
      [claimsFor(tagRepo, { iat: -1 }), 'iat'],
      [claimsFor(tagRepo, { exp: 1.5 }), 'exp'],
      [claimsFor(tagRepo, { sub: 'someone-else' }), 'sub'],
      [claimsFor(tagRepo, { enforceable: 'true' }), 'enforceable'],
      [claimsFor(tagRepo, { scope: 'all' }), 'scope'],
      [claimsFor(tagRepo, { aud: ['marketops-executor'] }), 'aud'],
    ];
    for (const [claims, field] of cases) {
      const verdict = await verifyAt(await signRaw(issuer, claims), tagRepo);
      expect(codesOf(verdict)).toEqual(['MALFORMED']);
      if (verdict.accepted) throw new Error('unreachable');
      expect(verdict.reasons[0]?.message).toContain(`"${field}"`);
    }
  });

  it('MALFORMED naming op_digest when it is not 32 bytes of canonical base64url (43 characters)', async () => {
    const digest = opDigest(tagRepo);
    const twin = `${digest.slice(0, 42)}${String.fromCharCode(digest.charCodeAt(42) + 1)}`;
    expect(Buffer.from(twin, 'base64url')).toEqual(Buffer.from(digest, 'base64url'));
    for (const op_digest of [twin, digest.slice(1), `${digest}A`, digest.replace(/./, '+')]) {
      const verdict = await verifyAt(await signRaw(issuer, claimsFor(tagRepo, { op_digest })), tagRepo);
      expect(codesOf(verdict), op_digest).toEqual(['MALFORMED']);
      expect(messageOf(verdict)).toContain('Field "op_digest" of the receipt claims must be 32 bytes');
    }
  });

  it('MALFORMED naming sub when sub differs from run_id', async () => {
    const verdict = await verifyAt(
      await signRaw(issuer, claimsFor(tagRepo, { sub: 'run-2025-002' })),
      tagRepo,
    );
    expect(verdict).toEqual({
      accepted: false,
      reasons: [{ code: 'MALFORMED', message: 'Field "sub" of the receipt claims must equal run_id.' }],
      signatures: [{ kid: 'fc-2025', thumbprint: expect.any(String), valid: true, reasons: [] }],
    });
  });

  it('MALFORMED naming exp unless exp is after iat; one second is enough', async () => {
    for (const exp of [T0_SECONDS, T0_SECONDS - 1, 0]) {
      const verdict = await verifyAt(await signRaw(issuer, claimsFor(tagRepo, { exp })), tagRepo, 0);
      expect(verdict).toEqual({
        accepted: false,
        reasons: [{ code: 'MALFORMED', message: 'Field "exp" of the receipt claims must be after iat.' }],
        signatures: [expect.objectContaining({ valid: true })],
      });
    }
    const oneSecond = await signRaw(issuer, claimsFor(tagRepo, { exp: T0_SECONDS + 1 }));
    expect((await verifyAt(oneSecond, tagRepo, 0)).accepted).toBe(true);
  });

  it('MALFORMED for a time written with a fraction or exponent, even one JSON.parse reads as an integer', async () => {
    const claims = JSON.stringify(claimsFor(tagRepo));
    for (const [claim, written] of [
      ['iat', `${T0_SECONDS}.0`],
      ['nbf', `${T0_SECONDS / 100}e2`],
      ['exp', `${T0_SECONDS + 3600}E0`],
    ] as const) {
      const text = claims.replace(`"${claim}":${JSON.parse(claims)[claim]}`, `"${claim}":${written}`);
      expect(JSON.parse(text)).toEqual(JSON.parse(claims));
      const verdict = await verifyAt(signText(issuer, text), tagRepo);
      expect(codesOf(verdict), written).toEqual(['MALFORMED']);
      expect(messageOf(verdict)).toContain(`number "${written}" in "${claim}"`);
    }
    expect((await verifyAt(signText(issuer, claims), tagRepo)).accepted).toBe(true);
  });

  it('MALFORMED for a header or payload that starts with a byte order mark', async () => {
    const header = JSON.stringify({ alg: 'EdDSA', typ: 'marketops-receipt+jwt', kid: 'fc-2025' });
    const claims = JSON.stringify(claimsFor(tagRepo));
    for (const token of [signText(issuer, claims, `\uFEFF${header}`), signText(issuer, `\uFEFF${claims}`)]) {
      expect(codesOf(await verifyAt(token, tagRepo))).toEqual(['MALFORMED']);
    }
  });

  it('DUPLICATE_MEMBER for a name repeated in the header, at any depth, before any other header check', async () => {
    const claims = JSON.stringify(claimsFor(tagRepo));
    const headers = [
      // Last-wins parsing would read alg "EdDSA" and accept this genuinely signed token.
      '{"alg":"HS256","typ":"marketops-receipt+jwt","kid":"fc-2025","alg":"EdDSA"}',
      '{"alg":"EdDSA","typ":"marketops-receipt+jwt","kid":"elsewhere","\\u006bid":"fc-2025"}',
      '{"alg":"EdDSA","typ":"marketops-receipt+jwt","kid":"fc-2025","jwk":{"x":"a","x":"b"}}',
    ];
    for (const header of headers) {
      const verdict = await verifyAt(signText(issuer, claims, header), tagRepo);
      expect(codesOf(verdict), header).toEqual(['DUPLICATE_MEMBER']);
      expect(verdict).not.toHaveProperty('receiptId');
    }
    const verdict = await verifyAt(signText(issuer, claims, headers[0]), tagRepo);
    expect(verdict).toEqual({
      accepted: false,
      reasons: [{ code: 'DUPLICATE_MEMBER', message: 'The receipt header repeats the member name "alg".' }],
      signatures: [{ kid: null, thumbprint: null, valid: false, reasons: [expect.anything()] }],
    });
  });

  it('DUPLICATE_MEMBER for a name repeated in the signed claims, and no receipt_id is reported', async () => {
    const claims = JSON.stringify(claimsFor(tagRepo, { aud: 'staging-executor' }));
    for (const [name, value] of [
      ['aud', '"marketops-executor"'],
      ['jti', '"rcpt-0002"'],
      ['exp', String(T0_SECONDS + 60)],
    ]) {
      const token = signText(issuer, `${claims.slice(0, -1)},"${name}":${value}}`);
      const verdict = await verifyAt(token, { ...tagRepo, force: true });
      expect(verdict).toEqual({
        accepted: false,
        reasons: [
          { code: 'DUPLICATE_MEMBER', message: `The receipt payload repeats the member name "${name}".` },
          expect.objectContaining({ code: 'INVALID_REQUEST' }),
        ],
        signatures: [expect.objectContaining({ valid: true })],
      });
    }
  });

  it('MALFORMED for header parameters beyond alg, typ and kid', async () => {
    const token = await signRaw(issuer, claimsFor(tagRepo), { cty: 'json' });
    expect(codesOf(await verifyAt(token, tagRepo))).toEqual(['MALFORMED']);
  });

  it('BAD_SIGNATURE when another key signs under a trusted kid, or the payload is altered', async () => {
    const forged = await signRaw(stranger, claimsFor(tagRepo));
    expect(codesOf(await verifyAt(forged, tagRepo))).toEqual(['BAD_SIGNATURE']);
    const [header, , signature] = (await issueAtT0(issuer, tagRepo)).split('.');
    const widened = `${header}.${b64(claimsFor(tagRepo, { repository: 'acme/other' }))}.${signature}`;
    const verdict = await verifyAt(widened, tagRepo);
    expect(codesOf(verdict)).toEqual(['BAD_SIGNATURE']);
    expect(verdict).not.toHaveProperty('receiptId');
  });

  it('UNKNOWN_KEY for a kid outside the ring, a missing kid, or a key carried in the header', async () => {
    const outsider = await makeIssuer('someone-else');
    expect(codesOf(await verifyAt(await issueAtT0(outsider, tagRepo), tagRepo))).toEqual(['UNKNOWN_KEY']);
    expect(
      codesOf(await verifyAt(await signRaw(issuer, claimsFor(tagRepo), { kid: undefined }), tagRepo)),
    ).toEqual(['UNKNOWN_KEY']);
    const publicJwk = outsider.publicJwks.keys[0];
    for (const header of [
      { jwk: publicJwk },
      { jku: 'https://evil.example/jwks' },
      { x5u: 'https://evil.example' },
    ]) {
      const token = await signRaw(issuer, claimsFor(tagRepo), header);
      expect(codesOf(await verifyAt(token, tagRepo)), Object.keys(header)[0]).toEqual(['UNKNOWN_KEY']);
    }
  });

  it('WRONG_TYPE for any typ but the pinned one', async () => {
    for (const typ of ['JWT', 'MARKETOPS-RECEIPT+JWT', 'application/marketops-receipt+jwt', undefined]) {
      const token = await signRaw(issuer, claimsFor(tagRepo), { typ });
      expect(codesOf(await verifyAt(token, tagRepo)), String(typ)).toEqual(['WRONG_TYPE']);
    }
  });

  it('ALG_NOT_ALLOWED for alg none', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'marketops-receipt+jwt', kid: 'fc-2025' })}.${b64(claimsFor(tagRepo))}.`;
    expect(codesOf(await verifyAt(unsigned, tagRepo))).toEqual(['ALG_NOT_ALLOWED']);
  });

  it('ALG_NOT_ALLOWED for HS256 keyed with the public key, and for other asymmetric algorithms', async () => {
    const publicJwk = issuer.publicJwks.keys[0];
    for (const secret of [
      Buffer.from(String(publicJwk?.x), 'base64url'),
      Buffer.from(JSON.stringify(publicJwk)),
    ]) {
      const confused = await new SignJWT(claimsFor(tagRepo))
        .setProtectedHeader({ alg: 'HS256', typ: 'marketops-receipt+jwt', kid: 'fc-2025' })
        .sign(secret);
      expect(codesOf(await verifyAt(confused, tagRepo))).toEqual(['ALG_NOT_ALLOWED']);
    }
    const { privateKey } = await generateKeyPair('ES256');
    const ecdsa = await new SignJWT(claimsFor(tagRepo))
      .setProtectedHeader({ alg: 'ES256', typ: 'marketops-receipt+jwt', kid: 'fc-2025' })
      .sign(privateKey);
    expect(codesOf(await verifyAt(ecdsa, tagRepo))).toEqual(['ALG_NOT_ALLOWED']);
  });

  it('every header failure at once', async () => {
    const token = `${b64({ alg: 'HS256', typ: 'JWT', jwk: {} })}.${b64(claimsFor(tagRepo))}.${b64('x')}`;
    expect(codesOf(await verifyAt(token, tagRepo))).toEqual([
      'ALG_NOT_ALLOWED',
      'WRONG_TYPE',
      'UNKNOWN_KEY',
      'UNKNOWN_KEY',
    ]);
  });

  it('NOT_ENFORCEABLE for an advisory receipt', async () => {
    const advisory = await issueAtT0(issuer, tagRepo, { enforceable: false });
    expect(codesOf(await verifyAt(advisory, tagRepo))).toEqual(['NOT_ENFORCEABLE']);
  });

  it('AUDIENCE_MISMATCH for a receipt meant for another executor', async () => {
    const token = await issueAtT0(issuer, tagRepo, { audience: 'staging-executor' });
    expect(codesOf(await verifyAt(token, tagRepo))).toEqual(['AUDIENCE_MISMATCH']);
  });

  it('RUN_ID_MISMATCH (with PARAMS_MISMATCH, since run_id is part of the request)', async () => {
    const token = await issueAtT0(issuer, tagRepo);
    expect(codesOf(await verifyAt(token, { ...tagRepo, run_id: 'run-2025-002' }))).toEqual([
      'RUN_ID_MISMATCH',
      'PARAMS_MISMATCH',
    ]);
  });

  it('OPERATION_KIND_MISMATCH for a receipt of another kind on the same run', async () => {
    const token = await issueAtT0(issuer, openPr);
    expect(codesOf(await verifyAt(token, publishRelease))).toEqual([
      'OPERATION_KIND_MISMATCH',
      'PARAMS_MISMATCH',
    ]);
  });

  it('PARAMS_MISMATCH when the request differs in its parameters', async () => {
    const token = await issueAtT0(issuer, publishRelease);
    for (const changed of [
      { ...publishRelease, repository: 'acme/other' },
      { ...publishRelease, draft: true },
      { ...publishRelease, body: `${publishRelease.body} ` },
    ]) {
      expect(codesOf(await verifyAt(token, changed))).toEqual(['PARAMS_MISMATCH']);
    }
    const lightweight: Record<string, unknown> = { ...tagRepo };
    delete lightweight.message;
    expect(codesOf(await verifyAt(await issueAtT0(issuer, tagRepo), lightweight))).toEqual([
      'PARAMS_MISMATCH',
    ]);
  });

  it('INVALID_REQUEST when the request fails its schema, next to the receipt problems', async () => {
    const token = await issueAtT0(issuer, tagRepo, { enforceable: false });
    const verdict = await verifyAt(token, { ...tagRepo, force: true });
    expect(codesOf(verdict)).toEqual(['NOT_ENFORCEABLE', 'INVALID_REQUEST']);
    if (verdict.accepted) throw new Error('unreachable');
    expect(verdict.reasons[1]?.message).toContain('"force"');
    expect(codesOf(await verifyAt('garbage', 'garbage'))).toEqual(['MALFORMED', 'INVALID_REQUEST']);
  });

  it('lists every failed check at once', async () => {
    const token = await signRaw(
      issuer,
      claimsFor(tagRepo, {
        enforceable: false,
        aud: 'other',
        exp: T0_SECONDS + 90_000,
        op_digest: 'A'.repeat(43),
      }),
    );
    const verdict = await verifyReceipt(token, openPr, {
      ...prodOptions(issuer.ring, at(-3600)),
      mode: 'test',
    });
    expect(codesOf(verdict)).toEqual([
      'MODE_NOT_PROD',
      'NOT_ENFORCEABLE',
      'AUDIENCE_MISMATCH',
      'OPERATION_KIND_MISMATCH',
      'PARAMS_MISMATCH',
      'NOT_YET_VALID',
      'LIFETIME_TOO_LONG',
    ]);
  });
});

describe('time rules (skew 60 s, max age 24 h)', () => {
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    tokens.oneHour = await issueAtT0(issuer, tagRepo);
    tokens.fullDay = await issueAtT0(issuer, tagRepo, { ttlSeconds: 86_400 });
    tokens.nbfIn10Min = await signRaw(issuer, claimsFor(tagRepo, { nbf: T0_SECONDS + 600 }));
    tokens.lifetime24hPlus1s = await signRaw(issuer, claimsFor(tagRepo, { exp: T0_SECONDS + 86_401 }));
  });

  it.each([
    ['before iat − skew', 'oneHour', -61, ['NOT_YET_VALID']],
    ['at iat − skew', 'oneHour', -60, []],
    ['before nbf − skew', 'nbfIn10Min', 539, ['NOT_YET_VALID']],
    ['at nbf − skew', 'nbfIn10Min', 540, []],
    ['exactly at exp', 'oneHour', 3600, []],
    ['just before exp + skew', 'oneHour', 3659.999, []],
    ['at exp + skew', 'oneHour', 3660, ['EXPIRED']],
    ['iat + 24 h − 1 s', 'fullDay', 86_399, []],
    ['iat + 24 h', 'fullDay', 86_400, []],
    ['iat + 24 h + 1 s', 'fullDay', 86_401, ['STALE']],
    ['a 24 h lifetime', 'fullDay', 10, []],
    ['a 24 h + 1 s lifetime', 'lifetime24hPlus1s', 10, ['LIFETIME_TOO_LONG']],
  ])('%s (%s receipt, T0 + %d s) gives %j', async (_label, token, seconds, codes) => {
    const verdict = await verifyAt(tokens[token], tagRepo, seconds);
    expect(codesOf(verdict)).toEqual(codes);
    expect(verdict.accepted).toBe(codes.length === 0);
  });

  it('EXPIRED exactly at exp when the skew is 0', async () => {
    const options = { ...prodOptions(issuer.ring, at(3600)), clockSkewSeconds: 0 };
    expect(codesOf(await verifyReceipt(tokens.oneHour, tagRepo, options))).toEqual(['EXPIRED']);
    expect((await verifyReceipt(tokens.oneHour, tagRepo, { ...options, now: at(3599) })).accepted).toBe(true);
  });

  it('STALE follows a configured max age', async () => {
    const options = { ...prodOptions(issuer.ring, at(601)), maxAgeSeconds: 600 };
    expect(codesOf(await verifyReceipt(tokens.oneHour, tagRepo, options))).toEqual(['STALE']);
  });
});

describe('verifyReceiptSignature', () => {
  it('returns the claims and kid of a genuine receipt without checking binding, time or mode', async () => {
    const advisoryExpired = await issueAtT0(issuer, tagRepo, { enforceable: false, ttlSeconds: 1 });
    const check = await verifyReceiptSignature(advisoryExpired, issuer.ring);
    expect(check).toMatchObject({
      ok: true,
      kid: 'fc-2025',
      claims: { jti: 'rcpt-0001', enforceable: false },
    });
  });

  it('rejects a forgery before anything could record its receipt_id', async () => {
    const check = await verifyReceiptSignature(await signRaw(stranger, claimsFor(tagRepo)), issuer.ring);
    expect(check).toEqual({
      ok: false,
      reasons: [expect.objectContaining({ code: 'BAD_SIGNATURE' })],
      signatures: [expect.objectContaining({ kid: 'fc-2025', valid: false })],
    });
  });
});

describe('docs/receipt-format.md', () => {
  it('has a reason-code table listing exactly the codes verdicts can carry', async () => {
    const doc = await readFile(resolve(import.meta.dirname, '../../docs/receipt-format.md'), 'utf8');
    const table = doc.split('### 4.1 Reason codes')[1]?.split('###')[0] ?? '';
    const documented = [...table.matchAll(/^\| `([A-Z_]+)`/gm)].map((match) => match[1]);
    expect(new Set(documented)).toEqual(new Set(receiptReasonCodes));
    expect(documented).toHaveLength(receiptReasonCodes.length);
  });
});
