import { stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, loadKeyRing, readKeyRingFile } from '../../src/receipts/index.js';
import { tempDir } from '../support/temp-dirs.js';

describe('a key ring read from a file', () => {
  it('trusts a key swapped under the same kid at the next refresh, even with the old size and mtime kept', async () => {
    const path = join(await tempDir('key-ring'), 'ring.jwks.json');
    const [first, second] = await Promise.all([generateSigningKey('ops-1'), generateSigningKey('ops-1')]);
    const kept = new Date('2026-01-01T00:00:00Z');
    await writeFile(path, JSON.stringify(first?.publicJwks));
    await utimes(path, kept, kept);
    const ring = await readKeyRingFile(path);
    const before = await ring.thumbprintFor('ops-1');

    // What `cp -p` or `rsync -t` do: new bytes of the same length, the old modification time.
    const { size, mtimeMs } = await stat(path);
    await writeFile(path, JSON.stringify(second?.publicJwks));
    await utimes(path, kept, kept);
    expect(await stat(path)).toMatchObject({ size, mtimeMs });

    await ring.refresh();
    const after = await ring.thumbprintFor('ops-1');
    expect(after).not.toBe(before);
    expect(after).toBe(await (await readKeyRingFile(path)).thumbprintFor('ops-1'));
  });

  it('refuses one key under two kids, which a revocation of one kid would not stop', async () => {
    const pair = await generateSigningKey('ops-1');
    const [key] = pair.publicJwks.keys;
    expect(() => loadKeyRing({ keys: [key, { ...key, kid: 'ops-1-copy' }] })).toThrow(
      'The JWKS lists one key under kids "ops-1" and "ops-1-copy"; keep one of them.',
    );
  });
});
