import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import {
  AuditConflictError,
  AuditCorruptError,
  type AuditStore,
  openAuditStore,
  verifyAuditLog,
} from '../../src/audit/index.js';
import { verifyInclusion } from '../../src/audit/merkle/verify.js';
import { freshPostgresLocation } from '../support/postgres.js';
import { tempDir } from '../support/temp-dirs.js';
import { sampleRecord, testKeys } from './fixtures.js';

const kinds = {
  file: async () => `file:${await tempDir('audit-store')}`,
  postgres: async () => freshPostgresLocation('audit_store'),
};

describe.each(Object.entries(kinds))('%s store', (_kind, makeLocation) => {
  it('appends, deduplicates a repeated write, and refuses a different record under the same identity', async () => {
    const { signer, publicJwks } = await testKeys();
    const store = await openAuditStore(await makeLocation(), signer);
    try {
      const first = await store.append('receipt-a/final', sampleRecord(1));
      const second = await store.append('receipt-b/final', sampleRecord(2));
      const retried = await store.append('receipt-a/final', sampleRecord(1));
      expect(first).toMatchObject({ index: 0, duplicate: false });
      expect(second).toMatchObject({ index: 1, duplicate: false });
      expect(retried).toEqual({ ...first, duplicate: true });
      await expect(store.append('receipt-a/final', sampleRecord(3))).rejects.toBeInstanceOf(
        AuditConflictError,
      );
      expect(await store.size()).toBe(2);
      expect((await store.byRunId('run-1')).map((e) => e.identity)).toEqual([
        'receipt-a/final',
        'receipt-b/final',
      ]);
      expect(await verifyAuditLog(store, publicJwks)).toEqual({ ok: true, size: 2 });
    } finally {
      await store.close();
    }
  });

  it('keeps one consistent sequence under concurrent writers (4 stores x 25 appends)', async () => {
    const { signer, publicJwks } = await testKeys();
    const location = await makeLocation();
    const stores = await Promise.all([0, 1, 2, 3].map(() => openAuditStore(location, signer)));
    try {
      const results = (
        await Promise.all(
          stores.map((store, w) =>
            Promise.all(
              Array.from({ length: 25 }, (_, i) => store.append(`w${w}-${i}`, sampleRecord(w * 25 + i))),
            ),
          ),
        )
      ).flat();
      expect(results.map((r) => r.index).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 100 }, (_, i) => i),
      );
      const reader = stores[0] as AuditStore;
      expect(await verifyAuditLog(reader, publicJwks)).toEqual({ ok: true, size: 100 });
      // Each writer's own checkpoint proves its record, so the workflow result can anchor it.
      for (const r of results.filter((_, i) => i % 10 === 0)) {
        const proof = await reader.inclusionProof(r.index, r.checkpoint.size);
        const root = Buffer.from(r.checkpoint.rootHash, 'base64');
        const hashes = proof.map((h) => Buffer.from(h, 'hex'));
        expect(
          verifyInclusion(r.index, r.checkpoint.size, Buffer.from(r.leafHash, 'hex'), hashes, root),
        ).toBe(true);
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('fails verification when a checkpoint is checked against another key', async () => {
    const { signer } = await testKeys();
    const other = await testKeys();
    const store = await openAuditStore(await makeLocation(), signer);
    try {
      await store.append('x', sampleRecord(1));
      const result = await verifyAuditLog(store, other.publicJwks);
      expect(result).toMatchObject({ ok: false, firstBadIndex: 0 });
      expect(result.ok || result.message).toMatch(/unknown key/);
    } finally {
      await store.close();
    }
  });
});

describe('PostgreSQL store tampering', () => {
  it('names the index of a rewritten, re-hashed or deleted row', async () => {
    const { signer, publicJwks } = await testKeys();
    const location = freshPostgresLocation('audit_tamper');
    const store = await openAuditStore(location, signer);
    const url = new URL(location);
    const schema = url.searchParams.get('schema');
    url.searchParams.delete('schema');
    const sql = new pg.Client({ connectionString: url.toString() });
    await sql.connect();
    try {
      for (let i = 0; i < 10; i++) await store.append(`id-${i}`, sampleRecord(i));
      await sql.query(
        `UPDATE ${schema}.audit_entries SET record = replace(record, 'rcpt-7', 'rcpt-X') WHERE idx = 7`,
      );
      expect(await verifyAuditLog(store, publicJwks)).toMatchObject({ ok: false, firstBadIndex: 7 });
      // Also fixing the stored leaf hash does not help: the signed roots disagree from index 4 on.
      const { leafHash } = await import('../../src/audit/index.js');
      const forged = { ...sampleRecord(4), outcome: 'succeeded' as const };
      await sql.query(`UPDATE ${schema}.audit_entries SET record = $1, leaf_hash = $2 WHERE idx = 4`, [
        JSON.stringify(forged),
        leafHash(forged),
      ]);
      expect(await verifyAuditLog(store, publicJwks)).toMatchObject({ ok: false, firstBadIndex: 4 });
      await sql.query(`DELETE FROM ${schema}.audit_entries WHERE idx = 2`);
      expect(await verifyAuditLog(store, publicJwks)).toMatchObject({ ok: false, firstBadIndex: 2 });
    } finally {
      await sql.end();
      await store.close();
    }
  });
});

describe('file store location', () => {
  it('is the same log whether named file:DIR, by a file URL or by a plain path', async () => {
    const { signer } = await testKeys();
    const dir = await tempDir('audit-location');
    const names = [`file:${dir}`, pathToFileURL(dir).href, dir];
    const stores = await Promise.all(names.map((name) => openAuditStore(name, signer)));
    try {
      await stores[0]?.append('a', sampleRecord(1));
      for (const store of stores) expect(await store.size()).toBe(1);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });
});

describe('file store crash recovery', () => {
  it('drops a torn or unsigned last record left by a crashed writer, then appends normally', async () => {
    const { signer, publicJwks } = await testKeys();
    const dir = await tempDir('audit-crash');
    const store = await openAuditStore(dir, signer);
    try {
      await store.append('a', sampleRecord(1));
      const entries = join(dir, 'entries.jsonl');
      const line = (await readFile(entries, 'utf8')).split('\n')[0] as string;
      // A whole entry line without its checkpoint, then half a line: what a crash mid-append leaves.
      await appendFile(
        entries,
        `${line.replace('"index":0', '"index":1').replace('"a"', '"b"')}\n{"index":2,"ide`,
      );
      expect(await verifyAuditLog(store, publicJwks)).toEqual({ ok: true, size: 1 });
      const next = await store.append('c', sampleRecord(3));
      expect(next).toMatchObject({ index: 1, duplicate: false });
      expect(await verifyAuditLog(store, publicJwks)).toEqual({ ok: true, size: 2 });
      expect((await readFile(entries, 'utf8')).trim().split('\n')).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it('refuses to append to a damaged log instead of signing over the damage', async () => {
    const { signer, publicJwks } = await testKeys();
    const dir = await tempDir('audit-damaged');
    const store = await openAuditStore(dir, signer);
    try {
      await store.append('a', sampleRecord(1));
      await store.append('b', sampleRecord(2));
      const entries = join(dir, 'entries.jsonl');
      await writeFile(entries, (await readFile(entries, 'utf8')).replace('"rcpt-2"', '"rcpt-2'));
      const reopened = await openAuditStore(dir, signer);
      await expect(reopened.append('c', sampleRecord(3))).rejects.toBeInstanceOf(AuditCorruptError);
      expect(await verifyAuditLog(reopened, publicJwks)).toMatchObject({ ok: false, firstBadIndex: 1 });
    } finally {
      await store.close();
    }
  });
});
