import { createHash, createPrivateKey, sign } from 'node:crypto';
import type { JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  type AuditStore,
  type CheckpointSigner,
  checkpointSignerFromJwk,
  DEFAULT_AUDIT_ORIGIN,
  openAuditStore,
  verifyAuditLog,
} from '../../src/audit/index.js';
import { tempDir } from '../support/temp-dirs.js';
import { sampleRecord, testKeys } from './fixtures.js';

/** signed-note's key hash, derived here from the spec rather than from the code under test. */
const keyHash = (name: string, jwk: JWK) =>
  createHash('sha256')
    .update(
      Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([1]), Buffer.from(jwk.x as string, 'base64url')]),
    )
    .digest()
    .subarray(0, 4);

/** The signer of checkpoints before this change: the legacy origin, and the kid as the key name. */
function legacySigner(privateJwk: JWK & { kid: string }): CheckpointSigner {
  const key = createPrivateKey({ key: privateJwk, format: 'jwk' });
  return {
    origin: DEFAULT_AUDIT_ORIGIN,
    keyId: privateJwk.kid,
    sign(_origin, size, root) {
      const rootHash = root.toString('base64');
      const body = `${DEFAULT_AUDIT_ORIGIN}\n${size}\n${rootHash}\n`;
      const signature = sign(null, Buffer.from(body), key);
      const blob = Buffer.concat([keyHash(privateJwk.kid, privateJwk), signature]).toString('base64');
      return {
        origin: DEFAULT_AUDIT_ORIGIN,
        size,
        rootHash,
        signature: signature.toString('base64'),
        keyId: privateJwk.kid,
        text: `${body}\n— ${privateJwk.kid} ${blob}\n`,
      };
    },
  };
}

async function appendAll(store: AuditStore, from: number, to: number) {
  for (let i = from; i < to; i++) await store.append(`id-${i}`, sampleRecord(i));
  return store.checkpoints();
}

describe('the log origin', () => {
  it('is generated once per log, unique, persisted in the log, and is the signature’s key name', async () => {
    const { privateJwk, publicJwks } = await testKeys();
    const signer = await checkpointSignerFromJwk(privateJwk);
    const origins: string[] = [];
    for (const name of ['origin-a', 'origin-b']) {
      const dir = await tempDir(name);
      const first = await openAuditStore(dir, signer);
      await appendAll(first, 0, 2);
      await first.close();
      const reopened = await openAuditStore(dir, await checkpointSignerFromJwk(privateJwk));
      const checkpoints = await appendAll(reopened, 2, 4);
      await expect(verifyAuditLog(reopened, publicJwks)).resolves.toEqual({ ok: true, size: 4 });
      await reopened.close();
      const [origin, ...others] = new Set(checkpoints.map((c) => c.origin));
      expect(others).toEqual([]);
      expect(origin).toMatch(/^marketops\.local\/[0-9a-f]{24}$/);
      for (const { text, signature } of checkpoints) {
        const blob = Buffer.concat([keyHash(origin as string, privateJwk), Buffer.from(signature, 'base64')]);
        expect(text.split('\n').slice(-2)).toEqual([`— ${origin} ${blob.toString('base64')}`, '']);
      }
      origins.push(origin as string);
    }
    expect(origins[0]).not.toBe(origins[1]);
  });

  it('is the configured one for a new log, and a log refuses to be continued under another', async () => {
    const { privateJwk } = await testKeys();
    const dir = await tempDir('origin-configured');
    const store = await openAuditStore(
      dir,
      await checkpointSignerFromJwk(privateJwk, 'audit.example.com/one'),
    );
    expect((await appendAll(store, 0, 1))[0]?.origin).toBe('audit.example.com/one');
    await store.close();
    const other = await openAuditStore(
      dir,
      await checkpointSignerFromJwk(privateJwk, 'audit.example.com/two'),
    );
    await expect(other.append('id-1', sampleRecord(1))).rejects.toThrow(
      /origin is "audit\.example\.com\/one" but MARKETOPS_AUDIT_ORIGIN is "audit\.example\.com\/two"/,
    );
    await other.close();
  });

  it('of a log begun before origins were per log stays the old one, and the whole log verifies', async () => {
    const { privateJwk, publicJwks } = await testKeys();
    const dir = await tempDir('origin-legacy');
    const legacy = await openAuditStore(dir, legacySigner(privateJwk));
    await appendAll(legacy, 0, 3);
    await legacy.close();
    const upgraded = await openAuditStore(dir, await checkpointSignerFromJwk(privateJwk));
    const checkpoints = await appendAll(upgraded, 3, 5);
    expect(checkpoints.map((c) => c.origin)).toEqual(Array(5).fill(DEFAULT_AUDIT_ORIGIN));
    expect(checkpoints[1]?.text).toContain(`— ${privateJwk.kid} `);
    expect(checkpoints[4]?.text).toContain(`— ${DEFAULT_AUDIT_ORIGIN} `);
    await expect(verifyAuditLog(upgraded, publicJwks)).resolves.toEqual({ ok: true, size: 5 });
    await upgraded.close();
  });

  it('must be usable as a key name', async () => {
    const { privateJwk } = await testKeys();
    await expect(checkpointSignerFromJwk(privateJwk, 'my log')).rejects.toThrow(
      /"my log" \(MARKETOPS_AUDIT_ORIGIN\) must be one word without spaces or "\+"/,
    );
  });
});
