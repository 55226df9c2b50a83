import type { Command } from 'commander';
import { connectExecutor } from '../../client/connect.js';
import { describeOutcome } from '../../client/describe-outcome.js';
import { asUserError, configFromEnv } from '../inputs.js';
import { print } from '../outcome.js';

async function withExecutor<T>(
  work: (executor: Awaited<ReturnType<typeof connectExecutor>>['executor']) => Promise<T>,
) {
  const { executor, close } = await asUserError(connectExecutor(configFromEnv(), null));
  try {
    return await work(executor);
  } finally {
    await close();
  }
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description("Show one submission's live progress, or its final outcome.")
    .argument('<receipt-id>', 'the receipt id (jti); the workflow id is receipt-<receipt-id>')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ marketops status 6f1c…\n  $ marketops status 6f1c… --json | jq .result.status',
    )
    .action(async (receiptId: string, flags: { json?: boolean }) => {
      const status = await withExecutor((executor) => asUserError(executor.status(receiptId)));
      const detail = status.result
        ? describeOutcome(status.result)
        : `stage ${status.progress?.stage ?? 'unknown'}, rate-limit waits ${status.progress?.rateLimitWaits ?? 0}`;
      print(flags.json, status, `${status.workflowId}: ${status.status}; ${detail}`);
    });
}

export function registerRunsCommand(program: Command): void {
  program
    .command('runs')
    .description('Inspect the operations of a MarketOps run.')
    .command('list')
    .description('List every workflow of a run, oldest first, with its outcome.')
    .requiredOption('--run-id <id>', 'the MarketOps run id')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ marketops runs list --run-id campaign-2024-01\n  $ marketops runs list --run-id campaign-2024-01 --json',
    )
    .action(async (flags: { runId: string; json?: boolean }) => {
      const runs = await withExecutor((executor) => asUserError(executor.listByRunId(flags.runId)));
      const lines = runs.map(
        (run) =>
          `${run.startTime.toISOString()}  ${run.workflowId}  ${run.operationKind ?? '-'}  ${run.repository ?? '-'}  ${run.status}  ${run.outcome ?? '-'}`,
      );
      print(
        flags.json,
        runs,
        lines.length > 0 ? lines.join('\n') : `No workflows found for run ${flags.runId}.`,
      );
    });
}
