import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

export const MARKETOPS_BIN = 'bin/marketops.js';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  env?: NodeJS.ProcessEnv;
  stdin?: string;
}

/** Runs the real CLI as a child process, as a shell user would. */
export const marketops = (args: string[], options: RunOptions = {}): Promise<CliRun> =>
  node([MARKETOPS_BIN, ...args], options);

/** Runs this Node.js with `args` as a child process, collecting its output until it closes. */
export function node(args: string[], options: RunOptions = {}): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** `marketops start` on its own data dir and Temporal ports. */
export const startArgs = (dataDir: string, ports: { temporal: number; ui: number }): string[] => [
  'start',
  '--data-dir',
  dataDir,
  '--port',
  String(ports.temporal),
  '--ui-port',
  String(ports.ui),
];

/** What `start --json` prints once the worker polls its task queue. */
export const WORKER_RUNNING = /taskQueue":"marketops-executor","state":"RUNNING"/;

/** A long-running CLI command whose output is collected while it runs. */
export interface Background {
  child: ChildProcessWithoutNullStreams;
  output(): string;
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function marketopsInBackground(
  args: string[],
  env: NodeJS.ProcessEnv,
  bin = MARKETOPS_BIN,
): Background {
  const child = spawn(process.execPath, [bin, ...args], { env });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk;
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    async waitForOutput(pattern, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (child.exitCode !== null)
          throw new Error(`exited with ${child.exitCode} before ${pattern}:\n${output}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
