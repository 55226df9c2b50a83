// Bundles the workflow code into dist/workflow-bundle.js, once per build (scripts/build.sh), so a
// worker started from dist/ loads it instead of running webpack in its own process at start-up,
// which would keep ~110 MiB more resident (src/worker/executor-workers.ts, docs/benchmarks.md).
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';

const root = new URL('..', import.meta.url);
const { code } = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(new URL('src/workflows/index.ts', root)),
  logger: new DefaultLogger('WARN'),
});
await writeFile(new URL('dist/workflow-bundle.js', root), code);
