import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openArtifactStore } from '../../src/artifacts/index.js';
import type { PublishReleaseRequest } from '../../src/operations/publish-release/request.js';
import { superviseWorker } from '../support/child-worker.js';
import { startBenchStack } from '../support/stack.js';
import { benchRequest, benchSandboxConfig } from '../support/workload.js';

const GIB = 1024 ** 3;
/**
 * The worker's peak resident memory, start-up's or while it ships the release. Issue 21 asks for
 * 150 MB; a bare Temporal Node SDK worker, no code of ours, its workflows prebuilt, already holds
 * 127-132 MiB with the same node settings, so this one cannot reach it (docs/benchmarks.md
 * breaks the figure down). Measured: 146-150 MiB before, 180-194 MiB at the peak; without the
 * command's node settings 251-254, bundling the workflows at start adds ~110, holding the file 1024.
 */
const MAX_PEAK_RSS_MIB = 224;
/** What shipping adds to it (measured 34-46 MiB): the first execution, the activities, the streamed upload. */
const MAX_ADDED_RSS_MIB = 80;
const BIN = fileURLToPath(new URL('../../bin/marketops.js', import.meta.url));

/**
 * The worker as the `marketops` command runs it: node with the settings of its shebang
 * (bin/marketops.js), its variables as they are and its flags through NODE_OPTIONS.
 */
function commandSettings(): NodeJS.ProcessEnv {
  const [shebang = ''] = readFileSync(BIN, 'utf8').split('\n');
  const words = shebang.replace(/^#!\/usr\/bin\/env -S /, '').split(' ');
  const node = words.indexOf('node');
  const variables = words.slice(0, node).map((word) => word.split('=') as [string, string]);
  return { ...Object.fromEntries(variables), NODE_OPTIONS: words.slice(node + 1).join(' ') };
}

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
  it(`keeps the worker's resident memory under ${MAX_PEAK_RSS_MIB} MiB at its peak (at most ${MAX_ADDED_RSS_MIB} MiB more than before), and the published asset has the authorized digest`, async () => {
    // The worker from its build, as deployed: dist/ with the workflows bundled (scripts/build.sh).
    execFileSync('bash', [fileURLToPath(new URL('../../scripts/build.sh', import.meta.url))], {
      stdio: 'inherit',
    });
    const stack = await startBenchStack(benchSandboxConfig(1));
    try {
      // The worker's default store: the folder under its data directory.
      const store = await openArtifactStore({ kind: 'local', dir: join(stack.dataDir, 'artifacts') });
      const { sha256, size } = await store.put(generatedBytes(GIB));
      const worker = superviseWorker(stack, undefined, commandSettings());
      await worker.running();
      const pid = workerPid();
      // Start the high-water mark afresh (proc(5), clear_refs "5"): what it then reports is the peak
      // while this release ships; the process's own peak is the larger of that and start-up's.
      const startup = await statusMiB(pid, 'VmHWM');
      await writeFile(`/proc/${pid}/clear_refs`, '5');
      const before = await statusMiB(pid, 'VmRSS');
      const request: PublishReleaseRequest = {
        ...(benchRequest(`rss-${Date.now()}`, 0) as PublishReleaseRequest),
        assets: [{ name: 'big.bin', size, sha256, content_type: 'application/octet-stream' }],
      };
      const receipt = await stack.issue(request);
      const started = Date.now();
      const result = await stack.client().execute({ request, receipt });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const peak = await statusMiB(pid, 'VmHWM');
      await worker.stop();
      console.info(
        `worker RSS: start-up peak ${startup} MiB, ${before} MiB before, peak ${peak} MiB while shipping (${seconds} s)`,
      );
      expect(result.status).toBe('succeeded');
      expect(worker.starts).toBe(1);
      expect(Math.max(startup, peak)).toBeLessThanOrEqual(MAX_PEAK_RSS_MIB);
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
