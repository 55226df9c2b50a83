import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';
import { checkpointSignerFromJwk, generateAuditKeys } from '../../src/audit/index.js';
import { auditKeyFileNames, receiptKeyFileNames } from '../../src/config/key-file-names.js';
import { ensureKeyPair, KeyExistsError, keyFilesIn, writeKeyPair } from '../../src/keys/key-files.js';
import {
  generateSigningKey,
  issueReceipt,
  loadKeyRing,
  readKeyRingFile,
  verifyReceipt,
} from '../../src/receipts/index.js';
import {
  at,
  claimsFor,
  issueAtT0,
  makeIssuer,
  prodOptions,
  signRaw,
  T0,
  tagRepo,
} from '../receipts/fixtures.js';
import { codesOf } from '../support/results.js';
import { tempDir } from '../support/temp-dirs.js';

const loadError = (jwks: unknown): string => {
  try {
    loadKeyRing(jwks);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected loadKeyRing to throw');
};

describe('generateSigningKey', () => {
  it('makes an Ed25519 pair whose kid defaults to the RFC 7638 thumbprint', async () => {
    const { privateJwk, publicJwks } = await generateSigningKey();
    expect(privateJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(privateJwk.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(publicJwks.keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', x: privateJwk.x, kid: privateJwk.kid },
    ]);
  });

  it('names each new key by its own thumbprint, so two installations never share a kid', async () => {
    const [first, second] = [await generateSigningKey(), await generateSigningKey()];
    const { kty, crv, x } = first.privateJwk;
    expect(first.privateJwk.kid).toBe(await calculateJwkThumbprint({ kty, crv, x }, 'sha256'));
    expect(second.privateJwk.kid).not.toBe(first.privateJwk.kid);
  });

  it('keeps an explicit kid, and key files named before thumbprints keep signing and verifying', async () => {
    const legacy = await makeIssuer('local-federation-core');
    expect(legacy.privateJwk.kid).toBe('local-federation-core');
    const verdict = await verifyReceipt(await issueAtT0(legacy, tagRepo), tagRepo, prodOptions(legacy.ring));
    expect(verdict).toMatchObject({ accepted: true, kid: 'local-federation-core' });
  });

  it("names an unknown key and the key ring searched: another installation's receipt is told apart", async () => {
    const [ours, theirs] = [await makeIssuer(), await makeIssuer()];
    const verdict = await verifyReceipt(await issueAtT0(theirs, tagRepo), tagRepo, prodOptions(ours.ring));
    expect(verdict.accepted).toBe(false);
    const [unknown] = verdict.accepted ? [] : verdict.reasons;
    expect(unknown?.code).toBe('UNKNOWN_KEY');
    expect(unknown?.message).toBe(
      `No key "${theirs.kid}" in the receipt key ring searched (it holds "${ours.kid}"): ` +
        "the receipt was signed by a key this verifier does not trust, e.g. another installation's. " +
        'Add its public key to the ring, or get a receipt signed with a trusted key.',
    );
  });

  it('refuses an unusable kid', async () => {
    await expect(generateSigningKey('line\nbreak')).rejects.toThrow('key id (--kid)');
  });
});

describe('generateAuditKeys', () => {
  it('makes the same kind of Ed25519 pair, named as an audit key, that signs checkpoints', async () => {
    const { privateJwk, publicJwks } = await generateAuditKeys();
    const { kty, crv, x } = privateJwk;
    expect(privateJwk.kid).toBe(`audit-${await calculateJwkThumbprint({ kty, crv, x }, 'sha256')}`);
    expect(publicJwks.keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', x: privateJwk.x, kid: privateJwk.kid },
    ]);
    const checkpoint = (await checkpointSignerFromJwk(privateJwk, 'test/keys')).sign(
      'test/keys',
      1,
      Buffer.alloc(32),
    );
    expect(checkpoint.size).toBe(1);
  });
});

describe('key files', () => {
  const read = async (path: string) => JSON.parse(await readFile(path, 'utf8'));

  it('writes the private JWK for its owner only and the public JWKS for all, under the fixed names', async () => {
    const files = keyFilesIn(join(await tempDir('key-files'), 'keys'), receiptKeyFileNames);
    const pair = await generateSigningKey('written');
    await writeKeyPair(files, pair);
    expect(files.privateKeyFile).toMatch(/keys\/receipt-signing-key\.jwk\.json$/);
    expect(keyFilesIn('/k', auditKeyFileNames)).toEqual({
      privateKeyFile: '/k/audit-signing-key.jwk.json',
      publicKeysFile: '/k/audit-keys.jwks.json',
    });
    expect((await stat(files.privateKeyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(files.publicKeysFile)).mode & 0o777).toBe(0o644);
    expect(await read(files.privateKeyFile)).toEqual(pair.privateJwk);
    expect(await read(files.publicKeysFile)).toEqual(pair.publicJwks);
  });

  it('never overwrites: an existing file of the pair stops the write before anything is written', async () => {
    const dir = await tempDir('key-files');
    const files = keyFilesIn(dir, auditKeyFileNames);
    await writeFile(files.publicKeysFile, '{"keys":[]}');
    const write = writeKeyPair(files, await generateAuditKeys());
    await expect(write).rejects.toBeInstanceOf(KeyExistsError);
    await expect(write).rejects.toThrow(`${files.publicKeysFile} already exists`);
    await expect(stat(files.privateKeyFile)).rejects.toThrow('ENOENT');
    expect(await readFile(files.publicKeysFile, 'utf8')).toBe('{"keys":[]}');
  });

  it('keeps the pair that is there, and makes one where there is none', async () => {
    const files = keyFilesIn(await tempDir('key-files'), auditKeyFileNames);
    expect(await ensureKeyPair(files, generateAuditKeys)).toEqual(files);
    const first = await read(files.privateKeyFile);
    await ensureKeyPair(files, generateAuditKeys);
    expect(await read(files.privateKeyFile)).toEqual(first);
  });
});

describe('loadKeyRing', () => {
  it.each([
    ['not an object', 'keys', 'non-empty "keys" array'],
    ['no keys', { keys: [] }, 'non-empty "keys" array'],
    [
      'an RSA key',
      { keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', kid: 'r' }] },
      'Field "kty" of the key #1 of the JWKS',
    ],
    ['an X25519 key', { keys: [{ kty: 'OKP', crv: 'X25519', x: 'A'.repeat(43), kid: 'x' }] }, 'Field "crv"'],
    ['a key without kid', { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43) }] }, 'Field "kid"'],
    ['a short x', { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'AAAA', kid: 'k' }] }, 'Field "x"'],
    [
      'an HS256 alg',
      { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'A'.repeat(43), kid: 'k', alg: 'HS256' }] },
      'alg',
    ],
    ['an oct key', { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'k' }] }, 'private key material ("k")'],
  ])('rejects %s with a clear sentence', (_label, jwks, expected) => {
    expect(loadError(jwks)).toContain(expected);
  });

  it('takes alg "EdDSA" or "Ed25519" on a key; either verifies receipts under either header alg', async () => {
    const issuer = await makeIssuer('fc');
    const [publicJwk] = issuer.publicJwks.keys;
    for (const alg of ['EdDSA', 'Ed25519']) {
      const ring = loadKeyRing({ keys: [{ ...publicJwk, alg }] });
      for (const headerAlg of ['EdDSA', 'Ed25519']) {
        const token = await signRaw(issuer, claimsFor(tagRepo), { alg: headerAlg });
        expect((await verifyReceipt(token, tagRepo, prodOptions(ring))).accepted, `${alg}/${headerAlg}`).toBe(
          true,
        );
      }
    }
    expect(loadError({ keys: [{ ...publicJwk, alg: 'Ed448' }] })).toContain(
      'Field "alg" of the key #1 of the JWKS must be "EdDSA" or "Ed25519" when present',
    );
  });

  it('rejects private key material without echoing it', async () => {
    const { privateJwk } = await generateSigningKey('k1');
    const message = loadError({ keys: [privateJwk] });
    expect(message).toContain('private key material ("d")');
    expect(message).not.toContain(String(privateJwk.d));
  });

  it('rejects duplicate kids and keys whose key_ops exclude verify', async () => {
    const { publicJwks } = await generateSigningKey('same');
    expect(loadError({ keys: [publicJwks.keys[0], publicJwks.keys[0]] })).toContain('"same" twice');
    expect(loadError({ keys: [{ ...publicJwks.keys[0], key_ops: ['sign'] }] })).toContain('"key_ops"');
  });

  it('holds several keys so receipts from the old and the new key both verify during rotation', async () => {
    const [old, current] = [await makeIssuer('2024'), await makeIssuer('2025')];
    const ring = loadKeyRing({ keys: [...old.publicJwks.keys, ...current.publicJwks.keys] });
    expect(ring.kids).toEqual(['2024', '2025']);
    for (const issuer of [old, current]) {
      const verdict = await verifyReceipt(await issueAtT0(issuer, tagRepo), tagRepo, prodOptions(ring));
      expect(verdict).toMatchObject({ accepted: true, kid: issuer.kid });
    }
    const retired = loadKeyRing(current.publicJwks);
    expect(
      codesOf(await verifyReceipt(await issueAtT0(old, tagRepo), tagRepo, prodOptions(retired))),
    ).toEqual(['UNKNOWN_KEY']);
  });

  it('reads a JWKS file and names the file when it is unusable', async () => {
    const dir = await tempDir('keys');
    const { publicJwks } = await generateSigningKey('file-key');
    await writeFile(join(dir, 'ok.json'), JSON.stringify(publicJwks));
    await writeFile(join(dir, 'bad.json'), '{ not json');
    expect((await readKeyRingFile(join(dir, 'ok.json'))).kids).toEqual(['file-key']);
    await expect(readKeyRingFile(join(dir, 'bad.json'))).rejects.toThrow(
      `${join(dir, 'bad.json')} is not valid JSON`,
    );
    await expect(readKeyRingFile(join(dir, 'missing.json'))).rejects.toThrow('ENOENT');
  });
});

describe('issueReceipt', () => {
  it('refuses a TTL outside 1..86400 s, an invalid request and a mismatched key, without echoing d', async () => {
    const issuer = await makeIssuer('k');
    const options = { audience: 'marketops-executor', now: T0 };
    await expect(
      issueReceipt(issuer.privateJwk, tagRepo, { ...options, ttlSeconds: 86_401 }),
    ).rejects.toThrow('from 1 to 86400');
    await expect(issueReceipt(issuer.privateJwk, tagRepo, { ...options, ttlSeconds: 0 })).rejects.toThrow(
      'TTL',
    );
    const invalid = { ...tagRepo, sha: 'nope' };
    await expect(issueReceipt(issuer.privateJwk, invalid, { ...options, ttlSeconds: 60 })).rejects.toThrow(
      '"sha"',
    );
    const other = await generateSigningKey('k');
    const mismatched = { ...issuer.privateJwk, x: other.privateJwk.x };
    const failure = issueReceipt(mismatched, tagRepo, { ...options, ttlSeconds: 60 });
    await expect(failure).rejects.toThrow('does not match');
    await expect(failure).rejects.not.toThrow(String(issuer.privateJwk.d));
  });

  it('binds iat = nbf = floor(now) and exp = iat + ttl', async () => {
    const issuer = await makeIssuer('k');
    const token = await issueReceipt(issuer.privateJwk, tagRepo, {
      ttlSeconds: 900,
      audience: 'marketops-executor',
      now: new Date(T0.getTime() + 999),
    });
    const verdict = await verifyReceipt(token, tagRepo, prodOptions(issuer.ring, at(1)));
    if (!verdict.accepted) throw new Error(JSON.stringify(verdict.reasons));
    const iat = T0.getTime() / 1000;
    expect(verdict.claims).toMatchObject({ iat, nbf: iat, exp: iat + 900, iss: 'federation-core' });
    expect(verdict.receiptId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
