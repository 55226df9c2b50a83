import { join } from 'node:path';
import { expect } from 'vitest';
import { freePortBlock } from './ports.js';
import { type CliRun, marketops, marketopsInBackground } from './processes.js';
import { tempDir } from './temp-dirs.js';

/** A worker's environment: its own data folder with receipt and audit keys, and its own metrics port. */
export async function workerEnv(extra: NodeJS.ProcessEnv = {}): Promise<NodeJS.ProcessEnv> {
  const dataDir = await tempDir('worker-process');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MARKETOPS_DATA_DIR: dataDir,
    MARKETOPS_METRICS_PORT: String(await freePortBlock(1)),
    ...extra,
  };
  for (const args of [
    ['keygen', '--out', join(dataDir, 'keys')],
    ['audit', 'keygen'],
  ]) {
    const made = await marketops(args, { env });
    expect(made.code, made.stderr).toBe(0);
  }
  return env;
}

/** What the worker's port answered at `path`: an HTTP status, or 0 when nothing answered. */
export const probe = (port: string | undefined, path = '/healthz'): Promise<number> =>
  fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1_000) }).then(
    (response) => response.status,
    () => 0,
  );

/** `marketops worker` run to its end, its health endpoint asked every 100 ms meanwhile. */
export async function workerRun(env: NodeJS.ProcessEnv): Promise<CliRun & { ms: number; health: number[] }> {
  const started = Date.now();
  const worker = marketopsInBackground(['worker'], env);
  const health: number[] = [];
  while (worker.child.exitCode === null) {
    health.push(await probe(env.MARKETOPS_METRICS_PORT));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const code = await worker.stop();
  return { code, stdout: worker.output(), stderr: worker.output(), ms: Date.now() - started, health };
}
