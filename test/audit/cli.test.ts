import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openAuditStore, verifyAuditLog } from '../../src/audit/index.js';
import { tempDir } from '../support/temp-dirs.js';
import { sampleRecord, testKeys } from './fixtures.js';

const run = promisify(execFile);

describe('marketops audit verify / show', () => {
  it('exits 0 on an intact log, then 5 naming the first bad index once a record is edited', async () => {
    const { signer, publicJwks } = await testKeys();
    const dir = await tempDir('audit-cli');
    const keys = join(dir, 'keys.jwks.json');
    await writeFile(keys, JSON.stringify(publicJwks));
    const store = await openAuditStore(dir, signer);
    for (let i = 0; i < 5; i++) await store.append(`id-${i}`, sampleRecord(i));
    await store.close();
    const args = ['audit', 'verify', '--store', `file:${dir}`, '--keys', keys];

    expect((await run('./bin/marketops.js', args)).stdout).toMatch(/intact: 5 records/);
    const shown = await run('./bin/marketops.js', [
      'audit',
      'show',
      '--run-id',
      'run-1',
      '--store',
      dir,
      '--json',
    ]);
    expect(JSON.parse(shown.stdout)).toHaveLength(5);

    const entries = join(dir, 'entries.jsonl');
    await writeFile(
      entries,
      (await readFile(entries, 'utf8')).replace('Receipt 2 expired', 'Receipt 2 approved'),
    );
    await expect(run('./bin/marketops.js', args)).rejects.toMatchObject({
      code: 5,
      stdout: expect.stringMatching(/broken at index 2/),
    });
    await expect(run('./bin/marketops.js', [...args, '--json'])).rejects.toMatchObject({
      code: 5,
      stdout: expect.stringMatching(/"firstBadIndex":2/),
    });
  });

  it('names the key file to fix when the public keys are missing (exit 2)', async () => {
    const dir = await tempDir('audit-cli-nokeys');
    await expect(
      run('./bin/marketops.js', ['audit', 'verify', '--store', dir, '--keys', join(dir, 'absent.json')]),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/absent\.json/) });
  });

  it('show without --run-id lists the latest records (default 20, --limit N) and marks unverified run and receipt ids', async () => {
    const { signer, publicJwks } = await testKeys();
    const dir = await tempDir('audit-cli-show');
    const store = await openAuditStore(dir, signer);
    for (let i = 0; i < 24; i++) await store.append(`id-${i}`, sampleRecord(i, `run-${i % 2}`));
    // A request that did not verify still says which run it claimed; the record keeps that claim, marked.
    await store.append('forged', { ...sampleRecord(24, 'run-0'), run_id_verified: false });
    // A refused authorization by a forged receipt: the genuine receipt's id it names is only a claim.
    const authorization = { step: 'tag', mode: 'prod', receipt_verified: false } as const;
    await store.append('forged-authorization', { ...sampleRecord(25, 'run-1'), authorization });
    // Records written before the field existed, and records with it, verify alike.
    await expect(verifyAuditLog(store, publicJwks)).resolves.toEqual({ ok: true, size: 26 });
    await store.close();
    const show = async (...args: string[]) =>
      (await run('./bin/marketops.js', ['audit', 'show', '--store', dir, ...args])).stdout.trim().split('\n');

    const latest = await show();
    expect(latest).toHaveLength(20);
    expect(latest[0]).toMatch(/^#6 .* run=run-0 /);
    expect(latest.at(-2)).toMatch(/^#24 .* run=run-0 \(unverified\) receipt=rcpt-24 /);
    expect(latest.at(-1)).toMatch(/^#25 .* run=run-1 receipt=rcpt-25 \(unverified\) /);
    expect(await show('--limit', '2')).toEqual([
      expect.stringMatching(/^#24 /),
      expect.stringMatching(/^#25 /),
    ]);
    expect(await show('--run-id', 'run-0')).toHaveLength(13);
    await expect(show('--limit', '0')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--limit 0/),
    });
  });
});
