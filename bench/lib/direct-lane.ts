import { Octokit } from '@octokit/rest';
import type { OperationRequest } from '../../src/operations/registry.js';
import type { RequestLogEntry, SandboxConfig } from '../../src/sandbox/index.js';
import { startSandboxProcess } from '../../test/support/sandbox-process.js';
import { mapPool } from '../../test/support/stats.js';
import { performDirect } from './direct-github.js';
import { runNaive } from './naive-executor.js';
import { compressedWriteGroups, type ThrottleCounts, throttledOctokit } from './throttled-octokit.js';

export type DirectClient = 'plugin-throttling' | 'naive';

/** Octokit options for one identity of the sandbox (its token, or an App installation). */
export type OctokitOptions = NonNullable<ConstructorParameters<typeof Octokit>[0]>;

export interface DirectRun {
  log: RequestLogEntry[];
  /** Operations not done by the deadline (the naive executor gives up), or that failed. */
  lost: number;
  throttle: ThrottleCounts;
  wallMs: number;
}

/**
 * Writes straight through Octokit, no executor, on a fresh sandbox process: every operation of
 * every identity started at once, through plugin-throttling (one write and one notification group for
 * the process, as its defaults have it) or the naive backoff loop.
 */
export async function runDirectLane(options: {
  client: DirectClient;
  config: SandboxConfig;
  dataDir: string;
  groups: { octokit: (url: string, token: string) => OctokitOptions; requests: OperationRequest[] }[];
  compression: number;
  /** Real ms after which an operation still not done counts as lost. */
  deadlineMs: number;
}): Promise<DirectRun> {
  const sandbox = await startSandboxProcess(options.config, options.dataDir);
  const throttle: ThrottleCounts = { primary: 0, secondary: 0 };
  const limiters = compressedWriteGroups(options.compression);
  const started = performance.now();
  try {
    const runs = options.groups.map(({ octokit, requests }) => {
      const base = octokit(sandbox.url, sandbox.token);
      const client =
        options.client === 'naive'
          ? new Octokit(base)
          : throttledOctokit(base, limiters, options.compression, throttle);
      return mapPool(requests, requests.length, async (request) => {
        if (options.client === 'naive') {
          const timing = { timeCompression: options.compression, deadlineMs: options.deadlineMs };
          return (await runNaive(client, request, timing, started)).done;
        }
        const deadline = new Promise<false>((resolve) =>
          setTimeout(() => resolve(false), options.deadlineMs).unref(),
        );
        const done = performDirect(client, request).then(
          () => true,
          () => false,
        );
        return Promise.race([done, deadline]);
      });
    });
    const done = (await Promise.all(runs)).flat();
    const wallMs = performance.now() - started;
    return { log: await sandbox.admin.requests(), lost: done.filter((ok) => !ok).length, throttle, wallMs };
  } finally {
    await sandbox.close();
  }
}
