import { createHash, randomBytes } from 'node:crypto';
import { chmod, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import {
  ArtifactMismatchError,
  ArtifactMissingError,
  type ArtifactStore,
  openArtifactStore,
  readVerifiedArtifact,
  verifiedArtifactStream,
} from '../../src/artifacts/index.js';
import { tempDir } from '../support/temp-dirs.js';
import { clientFor, freshS3Location, overwriteObject } from './s3-server.js';

/** A store under test, with the two things only its kind can do: corrupt an object, list leftovers. */
type Fixture = {
  store: ArtifactStore;
  corrupt(sha256: string, bytes: Buffer): Promise<void>;
  temporaries(): Promise<string[]>;
};

async function localFixture(): Promise<Fixture> {
  const dir = await tempDir('artifacts');
  return {
    store: await openArtifactStore({ kind: 'local', dir }),
    async corrupt(sha256, bytes) {
      const path = join(dir, 'sha256', sha256);
      await chmod(path, 0o644);
      await writeFile(path, bytes);
    },
    temporaries: () => readdir(join(dir, 'tmp')),
  };
}

async function s3Fixture(): Promise<Fixture> {
  const location = await freshS3Location();
  return {
    store: await openArtifactStore(location),
    corrupt: (sha256, bytes) => overwriteObject(location, `sha256/${sha256}`, bytes),
    async temporaries() {
      const listed = await clientFor(location).send(
        new ListObjectsV2Command({ Bucket: location.bucket, Prefix: `${location.prefix}tmp/` }),
      );
      return (listed.Contents ?? []).map((object) => object.Key ?? '');
    },
  };
}

const sha256Of = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const MiB = 1024 * 1024;

/** `total` bytes made as they are read, 64 KiB at a time: the test holds none of them. */
function generated(total: number): Readable {
  const block = randomBytes(64 * 1024);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const chunk = Buffer.from(block.subarray(0, Math.min(block.length, total - sent)));
      chunk.writeUInt32BE(sent / block.length, 0); // no two blocks alike
      sent += chunk.length;
      this.push(chunk);
    },
  });
}

/** How far the process's resident memory rises above its level at the start while `work` runs. */
async function rssGrowthMiB(work: () => Promise<unknown>): Promise<number> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return (Math.max(peak, process.memoryUsage.rss()) - before) / MiB;
}

describe.each([
  ['local folder', localFixture],
  ['S3-compatible bucket (SeaweedFS)', s3Fixture],
])('the artifact store: %s', (_kind, fixture) => {
  it('stores bytes under their sha256 and reads them back; a second put is the same artifact', async () => {
    const { store, temporaries } = await fixture();
    const bytes = randomBytes(300_000);
    const stored = await store.put(Readable.from([bytes]));
    expect(stored).toEqual({ sha256: sha256Of(bytes), size: bytes.length });
    expect(await store.has(stored.sha256)).toBe(true);
    await expect(store.put(Readable.from([bytes]))).resolves.toEqual(stored);

    const opened = await store.open(stored.sha256);
    expect(opened.found && opened.size).toBe(bytes.length);
    if (!opened.found) throw new Error('unreachable');
    expect((await readAll(opened.stream())).equals(bytes)).toBe(true);
    const verified = await readVerifiedArtifact(store, { name: 'app.bin', ...stored });
    expect((await readAll(verified)).equals(bytes)).toBe(true);
    expect(await temporaries()).toEqual([]);
  });

  it('refuses bytes that do not hash to the expected sha256, and stores nothing', async () => {
    const { store, temporaries } = await fixture();
    const bytes = randomBytes(1000);
    await expect(store.put(Readable.from([bytes]), { expectedSha256: 'a'.repeat(64) })).rejects.toThrow(
      `The bytes given hash to sha256 ${sha256Of(bytes)} (1000 bytes), not the expected ${'a'.repeat(64)}; give the file that was authorized.`,
    );
    expect(await store.has(sha256Of(bytes))).toBe(false);
    expect(await temporaries()).toEqual([]);
  });

  it('answers for a missing artifact without an error, and the reader names it', async () => {
    const { store } = await fixture();
    const sha256 = sha256Of(Buffer.from('never stored'));
    expect(await store.open(sha256)).toEqual({ found: false });
    expect(await store.has(sha256)).toBe(false);
    const reading = readVerifiedArtifact(store, { name: 'notes.txt', sha256, size: 12 });
    await expect(reading).rejects.toBeInstanceOf(ArtifactMissingError);
    await expect(reading).rejects.toThrow(
      new RegExp(
        `^Artifact notes\\.txt \\(sha256 ${sha256}\\) is missing from the artifact store .+; store it with`,
      ),
    );
  });

  it('detects bytes changed in the store: same size while streaming, another size before reading', async () => {
    const { store, corrupt } = await fixture();
    const bytes = randomBytes(200_000);
    const stored = await store.put(Readable.from([bytes]));
    const tampered = Buffer.from(bytes);
    tampered[123_456] = (tampered[123_456] ?? 0) ^ 0xff;
    await corrupt(stored.sha256, tampered);

    const artifact = { name: 'app.tar.gz', ...stored };
    const stream = await readVerifiedArtifact(store, artifact);
    let received = 0;
    const reading = (async () => {
      for await (const chunk of stream) received += (chunk as Buffer).length;
    })();
    await expect(reading).rejects.toBeInstanceOf(ArtifactMismatchError);
    await expect(reading).rejects.toThrow(
      `The bytes of artifact app.tar.gz do not match: expected 200000 bytes with sha256 ${stored.sha256}, read 200000 bytes with sha256 ${sha256Of(tampered)}; store the authorized file again with \`marketops artifact add\`.`,
    );
    // The last chunk is held back until checked: a consumer never gets every byte of a wrong artifact.
    expect(received).toBeLessThan(bytes.length);

    await corrupt(stored.sha256, bytes.subarray(0, 1000));
    await expect(readVerifiedArtifact(store, artifact)).rejects.toThrow(
      `The bytes of artifact app.tar.gz do not match: expected 200000 bytes with sha256 ${stored.sha256}, read 1000 bytes; store`,
    );

    // What the message says to do repairs it.
    await store.put(Readable.from([bytes]));
    expect((await readAll(await readVerifiedArtifact(store, artifact))).equals(bytes)).toBe(true);
  });

  it('stores the same content put concurrently once, whole, with no temporary left', async () => {
    const { store, temporaries } = await fixture();
    const bytes = randomBytes(2 * MiB);
    const puts = await Promise.all(Array.from({ length: 6 }, () => store.put(Readable.from([bytes]))));
    expect(new Set(puts.map((stored) => stored.sha256))).toEqual(new Set([sha256Of(bytes)]));
    const verified = await readVerifiedArtifact(store, {
      name: 'same.bin',
      sha256: sha256Of(bytes),
      size: bytes.length,
    });
    expect((await readAll(verified)).equals(bytes)).toBe(true);
    expect(await temporaries()).toEqual([]);
  });

  it('streams 200 MB in and out with bounded memory', async () => {
    const { store } = await fixture();
    const size = 200 * MiB;
    let stored = { sha256: '', size: 0 };
    const putGrowth = await rssGrowthMiB(async () => {
      stored = await store.put(generated(size));
    });
    expect(stored.size).toBe(size);
    let read = 0;
    const readGrowth = await rssGrowthMiB(async () => {
      for await (const chunk of await readVerifiedArtifact(store, { name: 'big.bin', ...stored })) {
        read += (chunk as Buffer).length;
      }
    });
    expect(read).toBe(size);
    console.info(
      `${_kind}: RSS growth ${putGrowth.toFixed(1)} MiB storing, ${readGrowth.toFixed(1)} MiB reading 200 MiB`,
    );
    // Whole-file buffering would add 200 MiB; the SDK's parts and unswept garbage stay well under half.
    expect(putGrowth).toBeLessThan(96);
    expect(readGrowth).toBeLessThan(96);
  });
});

describe('the verifying reader', () => {
  it('fails as soon as more bytes come than expected', async () => {
    const bytes = randomBytes(5000);
    const artifact = { name: 'short.bin', sha256: sha256Of(bytes), size: 4000 };
    await expect(readAll(verifiedArtifactStream(Readable.from([bytes]), artifact))).rejects.toThrow(
      `The bytes of artifact short.bin do not match: expected 4000 bytes with sha256 ${artifact.sha256}, read more than 4000 bytes; store`,
    );
  });

  it('closes its source when the consumer gives up, leaving no file open', async () => {
    const source = generated(MiB);
    const stream = verifiedArtifactStream(source, {
      name: 'abandoned.bin',
      sha256: 'b'.repeat(64),
      size: MiB,
    });
    stream.destroy(new Error('upload aborted'));
    await new Promise((settled) => setImmediate(settled));
    expect(source.destroyed).toBe(true);
  });
});
