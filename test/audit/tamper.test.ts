import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import type { JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { openAuditStore, verifyAuditLog } from '../../src/audit/index.js';
import { tempDir } from '../support/temp-dirs.js';
import { sampleRecord, testKeys } from './fixtures.js';

const RECORDS = 12;
let pristine: string;
let jwks: { keys: JWK[] };
let lines: string[];

beforeAll(async () => {
  const { signer, publicJwks } = await testKeys();
  jwks = publicJwks;
  pristine = await tempDir('audit-pristine');
  const store = await openAuditStore(pristine, signer);
  for (let i = 0; i < RECORDS; i++) await store.append(`receipt-${i}/final`, sampleRecord(i));
  await store.close();
  lines = (await readFile(join(pristine, 'entries.jsonl'), 'utf8')).split('\n').slice(0, -1);
});

/** Copies the pristine log, lets `edit` rewrite one of its files, and verifies the copy. */
async function verifyEdited(file: 'entries.jsonl' | 'checkpoints.jsonl', edit: (content: Buffer) => Buffer) {
  const dir = await tempDir('audit-tampered');
  await cp(pristine, dir, { recursive: true });
  await writeFile(join(dir, file), edit(await readFile(join(pristine, file))));
  const store = await openAuditStore(dir);
  try {
    return await verifyAuditLog(store, jwks);
  } finally {
    await store.close();
  }
}

const lineStart = (all: readonly string[], k: number) =>
  all.slice(0, k).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);

/** Byte positions of line k, except its identity value: the identity is a lookup key, not hashed evidence. */
function evidenceOffsets(all: readonly string[], k: number): number[] {
  const line = all[k] as string;
  const identity = line.indexOf('"identity":"') + '"identity":"'.length;
  const identityEnd = line.indexOf('"', identity);
  return Array.from({ length: Buffer.byteLength(line) + 1 }, (_, i) => i)
    .filter((i) => i < identity || i >= identityEnd)
    .map((i) => lineStart(all, k) + i);
}

const flipAt = (offset: number, mask: number) => (content: Buffer) => {
  const copy = Buffer.from(content);
  copy[offset] = (copy[offset] as number) ^ mask;
  return copy;
};

const joinLines = (all: readonly string[]) => Buffer.from(all.map((l) => `${l}\n`).join(''));

describe('tamper evidence of the file store (property tests)', () => {
  it('the pristine log verifies', async () => {
    await expect(verifyEdited('entries.jsonl', (c) => c)).resolves.toEqual({ ok: true, size: RECORDS });
  });

  it('a flipped byte in any record is detected at that record', async () => {
    const cases = fc
      .integer({ min: 0, max: RECORDS - 1 })
      .chain((k) =>
        fc.tuple(
          fc.constant(k),
          fc.constantFrom(...evidenceOffsets(lines, k)),
          fc.integer({ min: 1, max: 255 }),
        ),
      );
    await fc.assert(
      fc.asyncProperty(cases, async ([k, offset, mask]) => {
        expect(await verifyEdited('entries.jsonl', flipAt(offset, mask))).toMatchObject({
          ok: false,
          firstBadIndex: k,
        });
      }),
      { numRuns: 60 },
    );
  });

  it('a flipped byte in any checkpoint is detected at the record it adds', async () => {
    const checkpointLines = (await readFile(join(pristine, 'checkpoints.jsonl'), 'utf8'))
      .split('\n')
      .slice(0, -1);
    const cases = fc.integer({ min: 0, max: RECORDS - 1 }).chain((k) =>
      fc.tuple(
        fc.constant(k),
        // The file's very last newline is excluded: without it the newest checkpoint looks like a write cut by
        // a crash, just as if it were deleted; only an anchor (the workflow's result) can tell. See docs/audit.md.
        fc
          .integer({
            min: 0,
            max: Buffer.byteLength(checkpointLines[k] as string) - (k === RECORDS - 1 ? 1 : 0),
          })
          .map((i) => lineStart(checkpointLines, k) + i),
        fc.integer({ min: 1, max: 255 }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ([k, offset, mask]) => {
        expect(await verifyEdited('checkpoints.jsonl', flipAt(offset, mask))).toMatchObject({
          ok: false,
          firstBadIndex: k,
        });
      }),
      { numRuns: 40 },
    );
  });

  it('deleting a record is detected at its index', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: RECORDS - 1 }), async (k) => {
        const edited = joinLines(lines.filter((_, i) => i !== k));
        expect(await verifyEdited('entries.jsonl', () => edited)).toMatchObject({
          ok: false,
          firstBadIndex: k,
        });
      }),
    );
  });

  it('swapping two records is detected at the first of them', async () => {
    const pairs = fc
      .integer({ min: 0, max: RECORDS - 2 })
      .chain((a) => fc.tuple(fc.constant(a), fc.integer({ min: a + 1, max: RECORDS - 1 })));
    await fc.assert(
      fc.asyncProperty(pairs, async ([a, b]) => {
        const swapped = [...lines];
        [swapped[a], swapped[b]] = [lines[b] as string, lines[a] as string];
        expect(await verifyEdited('entries.jsonl', () => joinLines(swapped))).toMatchObject({
          ok: false,
          firstBadIndex: a,
        });
      }),
    );
  });

  it('truncating the records at any byte is detected at the first record cut', async () => {
    const total = Buffer.byteLength(joinLines(lines));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: total - 1 }), async (cut) => {
        const expected = joinLines(lines).subarray(0, cut).toString().split('\n').length - 1;
        expect(await verifyEdited('entries.jsonl', (c) => c.subarray(0, cut))).toMatchObject({
          ok: false,
          firstBadIndex: expected,
        });
      }),
      { numRuns: 40 },
    );
  });
});

describe('anchors', () => {
  it('a log cut back at its tail verifies alone, but not against a checkpoint kept elsewhere', async () => {
    const checkpoints = (await readFile(join(pristine, 'checkpoints.jsonl'), 'utf8'))
      .split('\n')
      .slice(0, -1);
    const anchor = JSON.parse(checkpoints.at(-1) as string);
    const dir = await tempDir('audit-cut');
    await cp(pristine, dir, { recursive: true });
    await writeFile(join(dir, 'entries.jsonl'), joinLines(lines.slice(0, 9)));
    await writeFile(join(dir, 'checkpoints.jsonl'), joinLines(checkpoints.slice(0, 9)));
    const store = await openAuditStore(dir);
    try {
      expect(await verifyAuditLog(store, jwks)).toEqual({ ok: true, size: 9 });
      expect(
        await verifyAuditLog(store, jwks, { anchors: [{ source: 'the auditor', checkpoint: anchor }] }),
      ).toEqual({
        ok: false,
        firstBadIndex: 9,
        message: `the auditor keeps a checkpoint of size ${RECORDS} but the log holds only 9 records: its end was cut off`,
      });
    } finally {
      await store.close();
    }
  });
});
