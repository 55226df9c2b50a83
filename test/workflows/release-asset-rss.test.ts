import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openArtifactStore } from '../../src/artifacts/index.js';
import type { PublishReleaseRequest } from '../../src/operations/publish-release/request.js';
import { superviseWorker } from '../support/child-worker.js';
import { startBenchStack } from '../support/stack.js';
import { benchRequest, benchSandboxConfig } from '../support/workload.js';

const GIB = 1024 ** 3;
/**
 * What shipping the release may add to the worker's resident memory. Issue 21 asks for a 150 MB
 * peak; an idle `marketops worker` already holds ~340 MiB (Temporal's core runtime, the workflow
 * bundle and its isolates; docs/benchmarks.md measures 345–445 MiB), so the bound here is on what
 * the release adds above that. Measured: 43 MiB for a 1 MiB asset, 52-54 MiB for 1 GiB; a
 * worker that held the file would add over 1000.
 */
const MAX_ADDED_RSS_MIB = 150;

/**
 * 1 GiB of bytes that differ from MiB to MiB, made as they are read: the test's own memory
 * stays as small as the worker's should.
 */
function generatedBytes(size: number): Readable {
  const chunk = Buffer.alloc(1024 * 1024);
  let sent = 0;
  return new Readable({
    read() {
      if (sent === size) return void this.push(null);
      chunk.writeUInt32BE(sent / chunk.length, 0);
      const next = chunk.subarray(0, Math.min(chunk.length, size - sent));
      sent += next.length;
      this.push(Buffer.from(next));
    },
  });
}

/** A figure of /proc/<pid>/status, in MiB. */
async function statusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1] ?? Number.NaN);
  return Math.round(kib / 102.4) / 10;
}

/** The `marketops worker` process this test's supervisor started. */
const workerPid = () =>
  Number(
    execFileSync('pgrep', ['-P', String(process.pid), '-f', 'marketops.js worker'])
      .toString()
      .trim(),
  );

// The worker as `marketops worker` in its own process, and the sandbox in another, so the RSS the
// kernel reports for the worker (VmHWM, its high-water mark) is the executor's alone.
describe('uploading a 1 GiB asset', () => {
  it(`adds at most ${MAX_ADDED_RSS_MIB} MiB to the worker's resident memory at its peak, and the published asset has the authorized digest`, async () => {
    const stack = await startBenchStack(benchSandboxConfig(1));
    try {
      // The worker's default store: the folder under its data directory.
      const store = await openArtifactStore({ kind: 'local', dir: join(stack.dataDir, 'artifacts') });
      const { sha256, size } = await store.put(generatedBytes(GIB));
      const worker = superviseWorker(stack);
      await worker.running();
      const pid = workerPid();
      // Start the high-water mark afresh (proc(5), clear_refs "5"): what it then reports is the peak
      // while this release ships, not start-up's, when the worker bundles its workflow code.
      const startup = await statusMiB(pid, 'VmHWM');
      await writeFile(`/proc/${pid}/clear_refs`, '5');
      const before = await statusMiB(pid, 'VmRSS');
      const request: PublishReleaseRequest = {
        ...(benchRequest(`rss-${Date.now()}`, 0) as PublishReleaseRequest),
        assets: [{ name: 'big.bin', size, sha256, content_type: 'application/octet-stream' }],
      };
      const result = await stack.client().execute({ request, receipt: await stack.issue(request) });
      const peak = await statusMiB(pid, 'VmHWM');
      await worker.stop();
      console.info(
        `worker RSS: start-up peak ${startup} MiB, ${before} MiB before, peak ${peak} MiB while shipping`,
      );
      expect(result.status).toBe('succeeded');
      expect(worker.starts).toBe(1);
      expect(peak - before).toBeLessThanOrEqual(MAX_ADDED_RSS_MIB);

      const { repos } = await stack.sandbox.admin.state();
      const assets = repos.flatMap((repo) => repo.assets);
      expect(assets.map(({ name, size: bytes, digest, state }) => ({ name, bytes, digest, state }))).toEqual([
        { name: 'big.bin', bytes: GIB, digest: `sha256:${sha256}`, state: 'uploaded' },
      ]);
      expect(repos.flatMap((repo) => repo.releases).map((release) => release.draft)).toEqual([false]);
    } finally {
      await stack.stop();
    }
  }, 180_000);
});
