import { startBenchStack } from '../../test/support/stack.js';
import { mapPool } from '../../test/support/stats.js';
import { benchRequests, benchSandboxConfig, writesOf } from '../../test/support/workload.js';
import { startInProcessWorkers, UNPACED } from './in-process-workers.js';

/**
 * The executor's throughput on this box, limits off: `ops` mixed operations at `concurrency`
 * in flight after a warm-up, in writes per second (what the compression must stay under).
 */
export async function measureWriteThroughput(ops: number, concurrency: number): Promise<number> {
  const warmUp = 10;
  const requests = benchRequests(`tput-${Date.now()}`, warmUp + ops);
  const stack = await startBenchStack(benchSandboxConfig(requests.length));
  const workers = await startInProcessWorkers(stack, undefined, UNPACED);
  try {
    const execute = (request: (typeof requests)[number]) =>
      stack.issue(request).then((receipt) => stack.client().execute({ receipt, request }));
    await mapPool(requests.slice(0, warmUp), 1, execute);
    const measured = requests.slice(warmUp);
    const started = performance.now();
    await mapPool(measured, concurrency, execute);
    const writes = measured.reduce((sum, request) => sum + writesOf(request), 0);
    return (writes / (performance.now() - started)) * 1000;
  } finally {
    await workers.stop();
    await stack.stop();
  }
}
