import { execFileSync } from 'node:child_process';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { marketopsInBackground, node, startArgs, WORKER_RUNNING } from '../support/processes.js';
import { tempDir } from '../support/temp-dirs.js';

const ENDPOINTS = /^\{"temporalAddress".*$/m;

/** Issue 11, point 7: when one part of `marketops start` dies, every part stops and the part is named. */

interface ProcessRow {
  pid: number;
  ppid: number;
  args: string;
}

function processes(): ProcessRow[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,args='])
    .toString()
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, pid, ppid, args]) => ({ pid: Number(pid), ppid: Number(ppid), args: args ?? '' }));
}

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

describe('start supervises its parts', () => {
  it('stops the worker and the sandbox, names the part and exits 1 when the dev server dies', async () => {
    const dataDir = await tempDir('supervision');
    const ports = { temporal: await freePort(), ui: await freePort() };
    // At debug, the SDK's worker state changes are logged too: RUNNING comes before the endpoints.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MARKETOPS_METRICS_PORT: String(await freePort()),
      MARKETOPS_LOG_LEVEL: 'debug',
    };
    for (const name of ['GITHUB_API_URL', 'GITHUB_TOKEN', 'MARKETOPS_MODE', 'TEMPORAL_ADDRESS'])
      delete env[name];
    const start = marketopsInBackground(
      [
        ...startArgs(dataDir, ports),
        // The dev server takes free ports of its own as it starts: a port picked now could be gone.
        '--sandbox-port',
        '0',
        '--json',
      ],
      env,
    );
    try {
      await start.waitForOutput(WORKER_RUNNING);
      // The endpoints come once the worker polls.
      await start.waitForOutput(ENDPOINTS);
      const { githubApiUrl } = JSON.parse(ENDPOINTS.exec(start.output())?.[0] ?? '{}');
      const sandboxPort = Number(new URL(githubApiUrl).port);
      expect(await listening(sandboxPort)).toBe(true);
      const devServer = processes().find(
        (row) => row.ppid === start.child.pid && row.args.includes('server start-dev'),
      );
      expect(devServer, 'the dev server is a child of start').toBeDefined();
      process.kill(devServer?.pid ?? 0, 'SIGKILL');

      const code = await new Promise<number | null>((resolve) => {
        if (start.child.exitCode !== null) resolve(start.child.exitCode);
        else start.child.once('exit', resolve);
      });
      expect(code, start.output()).toBe(1);
      expect(start.output()).toMatch(
        new RegExp(
          `marketops: the Temporal dev server stopped: nothing accepts connections on 127\\.0\\.0\\.1:${ports.temporal} \\(.*\\); stopped every part\\.\\n`,
        ),
      );
      expect(start.output()).toContain('MarketOps Publisher stopped.');
      expect(processes().filter((row) => row.args.includes(dataDir))).toEqual([]);
      expect(await listening(sandboxPort)).toBe(false);
    } finally {
      await start.stop('SIGKILL');
    }
  });

  /**
   * In its own process, as in `start`: the real supervisor and sandbox, and a worker that, like
   * runWorkerProcess, runs until a shutdown signal. `PART` throws where nothing catches it.
   */
  const inProcessCrash = `
    import pino from 'pino';
    import { startSandbox } from './src/sandbox/index.ts';
    import { Supervisor } from './src/stack/supervisor.ts';
    const supervisor = new Supervisor(pino({ level: 'silent' }));
    const sandbox = await supervisor.run('the GitHub sandbox', () => startSandbox());
    const crash = () => setTimeout(() => { throw new Error('boom'); }, 100);
    const failure = await supervisor.runWorker(() => new Promise((drained) => {
      process.once('SIGTERM', () => drained());
      supervisor.run(process.env.PART, crash);
    }));
    await sandbox.close();
    process.stdout.write(JSON.stringify({ failure, sandbox: sandbox.url }));
  `;

  it.each(['the GitHub sandbox', 'the worker'])(
    'an uncaught exception in %s drains the worker, closes the sandbox and names the part',
    async (part) => {
      const { code, stdout, stderr } = await node(
        ['--import', 'tsx', '--input-type=module', '-e', inProcessCrash],
        { env: { ...process.env, PART: part } },
      );
      expect(code, stderr).toBe(0);
      const result = JSON.parse(stdout) as { failure: unknown; sandbox: string };
      expect(result.failure).toEqual({ part, reason: 'crashed: boom' });
      expect(await listening(Number(new URL(result.sandbox).port))).toBe(false);
    },
  );
});
