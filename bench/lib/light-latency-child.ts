/**
 * Light-load latency of one checkout of this repository, driven by the parent over IPC:
 * `node --import tsx bench/lib/light-latency-child.ts <repository root>` starts that checkout's
 * bench stack (dev server, sandbox, in-process workers at the highest pace), then for each
 * `{ ops }` message executes that many operations one after another and answers with their
 * submit→result latencies. The root's own modules are used, so an older commit's worktree measures
 * its own code: the shared stack and workload are in test/support, or in bench/lib before they moved.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.argv[2] as string;
const load = (module: string) => {
  const shared = join(root, 'test/support', module);
  return import(pathToFileURL(existsSync(shared) ? shared : join(root, 'bench/lib', module)).href);
};
const { startBenchStack } = await load('stack.ts');
const { startInProcessWorkers } = await load('in-process-workers.ts');
const { benchRequests, benchSandboxConfig } = await load('workload.ts');

const MAX_OPS = 200;
const requests = benchRequests(`light-${Date.now()}`, MAX_OPS);
const stack = await startBenchStack(benchSandboxConfig(MAX_OPS));
// The highest pace: the documented-limits burst, since under best practices each operation's write
// waits a second after the previous one's, by design (a checkout from before budgets ignores it).
const workers = await startInProcessWorkers(stack, 1000, { budgetLimits: { pacing: 'documented-limits' } });
let next = 0;

async function executeSequentially(ops: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < ops; i++) {
    const request = requests[next++];
    const receipt = await stack.issue(request);
    const t0 = performance.now();
    await stack.client().execute({ receipt, request });
    latencies.push(performance.now() - t0);
  }
  return latencies;
}

process.on('message', async (message: { ops?: number }) => {
  if (message.ops === undefined) {
    await workers.stop();
    await stack.stop();
    process.exit(0);
  }
  process.send?.({ latencies: await executeSequentially(message.ops) });
});
process.send?.({ ready: true });
