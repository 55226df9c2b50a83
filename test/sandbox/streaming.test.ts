import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repo } from './harness.js';

/**
 * Issue 21, item 4: an upload streams through the sandbox. 300 MB, generated on the fly, go to a
 * sandbox in its own process; its peak resident memory (Linux `VmHWM`) may grow by far less than the
 * upload, since the bytes are hashed and counted on their way to disk, never held whole.
 */
const UPLOAD_BYTES = 300 * 1024 * 1024;
const CHUNK = randomBytes(1024 * 1024);
/** Peak RSS growth allowed while 300 MB pass through: a fifth of the upload. */
const MAX_GROWTH_BYTES = 64 * 1024 * 1024;

/** A sandbox alone in a process, printing `{"url","token"}` on one line, then serving until killed. */
const SANDBOX_PROCESS = `
  const { startSandbox } = await import('./src/sandbox/index.ts');
  const sandbox = await startSandbox({ port: 0 });
  process.stdout.write(JSON.stringify({ url: sandbox.url, token: sandbox.token }) + '\\n');
`;
const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SANDBOX_PROCESS], {
  cwd: process.cwd(),
  stdio: ['ignore', 'pipe', 'inherit'],
});
let sandbox: { url: string; token: string };

/** The child's peak and current resident memory, in bytes. */
function memory(): { peak: number; current: number } {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) * 1024;
  return { peak: kib('VmHWM'), current: kib('VmRSS') };
}

/** Posts `UPLOAD_BYTES` of CHUNK repeated, honouring backpressure; resolves with the answer. */
function uploadLarge(uploadUrl: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(uploadUrl.replace('{?name,label}', '?name=large.bin'), {
      method: 'POST',
      headers: {
        authorization: `token ${sandbox.token}`,
        'content-type': 'application/octet-stream',
        'content-length': String(UPLOAD_BYTES),
      },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
      );
    });
    let sent = 0;
    const write = (): void => {
      while (sent < UPLOAD_BYTES) {
        sent += CHUNK.length;
        if (!request.write(CHUNK)) {
          request.once('drain', write);
          return;
        }
      }
      request.end();
    };
    write();
  });
}

beforeAll(async () => {
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  sandbox = JSON.parse(line);
});
afterAll(() => {
  child.kill('SIGTERM');
});

describe('a large upload', () => {
  it('streams 300 MB with the sandbox process’s peak RSS bounded, and the digest of every byte', {
    timeout: 120_000,
  }, async () => {
    const octokit = new Octokit({ baseUrl: sandbox.url, auth: sandbox.token });
    const { data: release } = await octokit.repos.createRelease({
      ...repo,
      tag_name: 'v-large',
      draft: true,
    });
    const before = memory();
    const answer = await uploadLarge(release.upload_url);
    const after = memory();
    const expected = createHash('sha256');
    for (let sent = 0; sent < UPLOAD_BYTES; sent += CHUNK.length) expected.update(CHUNK);
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      size: UPLOAD_BYTES,
      state: 'uploaded',
      digest: `sha256:${expected.digest('hex')}`,
    });
    const growth = after.peak - before.peak;
    console.info(
      `sandbox RSS peak ${(before.peak / 2 ** 20).toFixed(0)} MiB before, ${(after.peak / 2 ** 20).toFixed(0)} MiB after a 300 MiB upload (growth ${(growth / 2 ** 20).toFixed(1)} MiB)`,
    );
    expect(growth).toBeLessThan(MAX_GROWTH_BYTES);
  });
});
