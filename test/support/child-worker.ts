import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_AUDIT_ORIGIN } from '../../src/audit/keys.js';
import { exited, peakRssMiB, spawnMarketops } from './cli-process.js';
import { freePortBlock } from './ports.js';
import type { BenchStack } from './stack.js';

/** The highest pace `marketops worker` accepts (MARKETOPS_GITHUB_WRITES_PER_SECOND ≤ 80/60). */
export const MAX_CLI_WRITES_PER_SECOND = 80 / 60;

export interface WorkerSupervisor {
  /** Resolves once the current process has logged that it runs. */
  running(): Promise<void>;
  /** SIGKILLs the current process; the supervisor starts a new one at once. */
  kill(): Promise<void>;
  starts: number;
  /** Peak RSS (MiB) of each process, read just before it was killed or stopped. */
  peakRss: number[];
  /** The current process's id, while one runs. */
  pid(): number | undefined;
  stop(): Promise<void>;
}

/** The pace cap given to the worker; `null` leaves it unset (each identity's budget alone paces). */
type WritesCap = number | null;

async function workerEnv(
  stack: BenchStack,
  dataDir: string,
  cap: WritesCap,
  extra: NodeJS.ProcessEnv,
): Promise<NodeJS.ProcessEnv> {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_NAMESPACE: 'default',
    MARKETOPS_MODE: 'prod',
    MARKETOPS_DATA_DIR: dataDir,
    MARKETOPS_RECEIPT_KEYS: stack.files.receiptKeys,
    MARKETOPS_AUDIT_KEY: stack.files.auditKey,
    MARKETOPS_AUDIT_KEYS: stack.files.auditKeys,
    MARKETOPS_AUDIT_ORIGIN: DEFAULT_AUDIT_ORIGIN,
    MARKETOPS_AUDIT_STORE: `file:${stack.files.audit}`,
    MARKETOPS_LEDGER: `file:${stack.files.ledger}`,
    MARKETOPS_ARTIFACT_STORE: stack.files.artifacts,
    MARKETOPS_METRICS_PORT: String(await freePortBlock(1)),
    ...(cap === null ? {} : { MARKETOPS_GITHUB_WRITES_PER_SECOND: String(cap) }),
    MARKETOPS_LOG_LEVEL: 'info',
    GITHUB_API_URL: stack.sandbox.url,
    GITHUB_TOKEN: stack.sandbox.token,
    ...extra,
  };
}

/**
 * Keeps one `marketops worker` process alive: whenever it exits (killed, or gave up on a
 * Temporal server that was restarting), a new one starts, until `stop`. `extra` adds to or
 * overrides its environment (MARKETOPS_GITHUB_PACING, say).
 */
export function superviseWorker(
  stack: BenchStack,
  cap: WritesCap = MAX_CLI_WRITES_PER_SECOND,
  extra: NodeJS.ProcessEnv = {},
): WorkerSupervisor {
  // In the worker's own data folder: two workers on one stack (two "hosts") keep separate logs.
  const logFile = join(extra.MARKETOPS_DATA_DIR ?? stack.dataDir, 'worker.log');
  let child: ChildProcess | undefined;
  let ready: Promise<void> = Promise.resolve();
  let stopping = false;
  const supervisor: WorkerSupervisor = {
    starts: 0,
    peakRss: [],
    running: () => ready,
    pid: () => child?.pid,
    async kill() {
      const current = child;
      if (!current?.pid) return;
      supervisor.peakRss.push(await peakRssMiB(current.pid).catch(() => Number.NaN));
      current.kill('SIGKILL');
      await exited(current);
    },
    async stop() {
      stopping = true;
      const current = child;
      // Stopped already: there is no process left whose peak to read.
      if (!current?.pid || current.exitCode !== null || current.signalCode !== null) return;
      supervisor.peakRss.push(await peakRssMiB(current.pid).catch(() => Number.NaN));
      current.kill('SIGTERM');
      await exited(current);
    },
  };
  const spawnOne = async (resolve: () => void) => {
    const current = spawnMarketops(['worker'], {
      env: await workerEnv(stack, stack.dataDir, cap, extra),
      logFile,
    });
    child = current;
    supervisor.starts += 1;
    current.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('MarketOps worker running')) resolve();
    });
    current.once('exit', () => {
      resolve();
      start();
    });
  };
  const start = () => {
    if (stopping) return;
    ready = new Promise((resolve) => void spawnOne(resolve));
  };
  start();
  return supervisor;
}
