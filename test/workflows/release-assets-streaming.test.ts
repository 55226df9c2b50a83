import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { releaseRequest } from '../../src/demo/requests.js';
import { runIds, useExecutorHarness } from '../support/executor-harness.js';

const suite = useExecutorHarness('time-skipping');
const runId = runIds('release-streaming');

const MIB = 1024 * 1024;
const UPLOAD_BYTES = 256 * MIB;
/** A chunk of distinct bytes, repeated: no store or transport can shrink it by spotting zeros. */
const CHUNK = createHash('sha512')
  .update('chunk')
  .digest()
  .toString('hex')
  .repeat(MIB / 128);

function* generated(): Generator<Buffer> {
  for (let sent = 0; sent < UPLOAD_BYTES; sent += MIB) yield Buffer.from(CHUNK);
}

describe('an upload through the executor', () => {
  it('streams: 256 MiB go from the store to GitHub while the process grows by far less', async () => {
    const { harness } = suite;
    const { sha256, size } = await harness.artifacts.put(Readable.from(generated()));
    expect(size).toBe(UPLOAD_BYTES);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const request = {
        ...releaseRequest(runId(), 'v23.0.0'),
        assets: [{ name: 'large.bin', size, sha256, content_type: 'application/octet-stream' }],
      };
      const result = await harness.withWorkers('prod', () => harness.issueAndExecute(request));
      expect(result).toMatchObject({ status: 'succeeded' });
    } finally {
      clearInterval(sampler);
    }
    const grewMiB = (peak - before) / MIB;
    console.log(`RSS grew by ${grewMiB.toFixed(1)} MiB during a ${UPLOAD_BYTES / MIB} MiB upload`);
    // The sandbox runs in this process too and streams to a file: both sides together stay small.
    expect(grewMiB).toBeLessThan(128);
  }, 120_000);
});
