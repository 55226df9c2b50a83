import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openAuditStore } from '../../src/audit/index.js';
import { sampleRecord, tempDir, testKeys } from './fixtures.js';

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
});
