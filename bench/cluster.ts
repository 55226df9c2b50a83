/**
 * Scale on the production topology (docs/benchmarks.md, "Scale"): N mixed operations through one
 * `marketops worker` process, then N more through two, against the real Temporal server on PostgreSQL
 * (the cluster test's stack), with the CPU time each process spent. Each phase writes with its own
 * token under GitHub's documented limits, so its writes fit one identity's minute and the executor,
 * not pacing, sets the pace. Run: npx tsx bench/cluster.ts [--n 30]
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { OperationRequest } from '../src/operations/registry.js';
import { superviseWorker } from '../test/support/child-worker.js';
import { startClusterStack } from '../test/support/cluster-stack.js';
import { settle } from '../test/support/crash-drill.js';
import { benchRequests, benchSandboxConfig, writesOf } from '../test/support/workload.js';
import { saveResult } from './lib/results.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '30' } } });
const N = Number(values.n);
const TICKS_PER_SECOND = 100;

/** CPU seconds a process spent, from /proc: its own, plus its reaped children's when asked. */
async function cpuSeconds(pid: number, withChildren = false): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
  return (
    ((utime ?? 0) + (stime ?? 0) + (withChildren ? (cutime ?? 0) + (cstime ?? 0) : 0)) / TICKS_PER_SECOND
  );
}

/** PostgreSQL's CPU seconds: the postmaster with every backend it reaped, plus the live backends. */
async function postgresCpuSeconds(dataDir: string): Promise<number> {
  const postmaster = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  let total = await cpuSeconds(postmaster, true);
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (Number(stat.split(') ')[1]?.split(' ')[1]) === postmaster)
      total += await cpuSeconds(Number(entry)).catch(() => 0);
  }
  return total;
}

const tokens = [
  { id: 'one-worker', token: 'token-one-worker' },
  { id: 'two-workers', token: 'token-two-workers' },
];
const requests = benchRequests(`scale-${Date.now()}`, 2 * N);
const stack = await startClusterStack({ ...benchSandboxConfig(2 * N), tokens });

async function phase(hosts: string[], token: string, batch: OperationRequest[]) {
  const workers = await Promise.all(
    hosts.map(async (name) =>
      superviseWorker(stack, null, {
        ...(await stack.host(name)),
        MARKETOPS_GITHUB_PACING: 'documented-limits',
        GITHUB_TOKEN: token,
      }),
    ),
  );
  await Promise.all(workers.map((worker) => worker.running()));
  const receipts = await Promise.all(batch.map((request) => stack.issue(request)));
  const pids = workers.map((worker) => worker.pid() as number);
  const serverPid = stack.temporal.pid() as number;
  const snapshot = async () => ({
    workers: await Promise.all(pids.map((pid) => cpuSeconds(pid))),
    server: await cpuSeconds(serverPid),
    postgres: await postgresCpuSeconds(stack.postgres.dataDir),
    client: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
  });
  const before = await snapshot();
  const started = performance.now();
  const client = stack.client();
  const submissions = await Promise.all(
    batch.map((request, i) => client.submit({ receipt: receipts[i] as string, request })),
  );
  const settled = await settle(stack, submissions, batch);
  const wallSeconds = (performance.now() - started) / 1000;
  const after = await snapshot();
  await Promise.all(workers.map((worker) => worker.stop()));
  const perOp = (seconds: number) => Math.round((seconds / batch.length) * 1000);
  const workerCpu = after.workers.map((cpu, i) => cpu - (before.workers[i] ?? 0));
  return {
    workers: hosts.length,
    ops: batch.length,
    writes: batch.reduce((sum, request) => sum + writesOf(request), 0),
    succeeded: settled.filter((s) => s.outcomes[0] === 'succeeded').length,
    wallSeconds: Math.round(wallSeconds * 10) / 10,
    opsPerSecond: Math.round((batch.length / wallSeconds) * 10) / 10,
    cpuMsPerOp: {
      workers: workerCpu.map(perOp),
      server: perOp(after.server - before.server),
      postgres: perOp(after.postgres - before.postgres),
      client: perOp(after.client - before.client),
    },
    workerStarts: workers.map((worker) => worker.starts),
  };
}

try {
  const one = await phase(['one'], tokens[0]?.token as string, requests.slice(0, N));
  const two = await phase(['two-a', 'two-b'], tokens[1]?.token as string, requests.slice(N));
  const row = (p: typeof one): string =>
    `${p.opsPerSecond} ops/s (${p.succeeded}/${p.ops} in ${p.wallSeconds} s); CPU ms/op: workers ${p.cpuMsPerOp.workers.join(' + ')}, server ${p.cpuMsPerOp.server}, PostgreSQL ${p.cpuMsPerOp.postgres}, client ${p.cpuMsPerOp.client}`;
  console.log(JSON.stringify({ one, two }, null, 2));
  await saveResult({
    name: 'cluster-scale',
    title: 'One and two worker processes on the real Temporal server and PostgreSQL',
    summary: [
      ['one worker process', row(one)],
      ['two worker processes', row(two)],
    ],
    charts: [],
    notes: [
      `${N} mixed operations per phase, each phase with its own token under the documented limits (${one.writes} and ${two.writes} writes).`,
    ],
    data: { one, two, startup: stack.timings },
  });
} finally {
  await stack.stop();
}
