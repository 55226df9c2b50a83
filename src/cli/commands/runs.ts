import type { Command } from 'commander';
import type { ExecutorClient } from '../../client/executor-client.js';
import type { ExecutionStatus } from '../../client/inspect.js';
import { UserError } from '../exit-codes.js';
import { asUserError, timeoutOption } from '../inputs.js';
import { print } from '../outcome.js';
import type { Timeout } from '../waiting.js';

/** An executor client for inspection (no key ring), for `work` within `timeout`. */
async function withExecutor<T>(work: (executor: ExecutorClient) => Promise<T>, timeout?: Timeout) {
  const { withTemporal } = await import('../waiting.js');
  return withTemporal(null, ({ executor }) => work(executor), timeout);
}

/** An id nobody started is the user's to check, named with every form that works. */
async function statusOf(executor: ExecutorClient, id: string): Promise<ExecutionStatus> {
  const { WorkflowNotFoundError } = await import('@temporalio/client');
  return executor.status(id).catch((error: unknown) => {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    throw new UserError(
      `No submission ${JSON.stringify(id)}: give a receipt id, receipt-<receipt id> or a rejected-… id as submit and runs list print them.`,
    );
  });
}

export function registerStatusCommand(program: Command): void {
  program
    .command('status')
    .description("Show one submission's live progress, or its final outcome.")
    .argument('<id>', 'a receipt id, its workflow id receipt-<receipt id>, or a refusal id rejected-…')
    .addOption(timeoutOption("Temporal and the worker's answer"))
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nAccepts every id submit and runs list print. A failed or rejected outcome is followed by whether\n' +
        'the receipt is used up and what to do next.\n\nExamples:\n  $ marketops status 6f1c…\n' +
        '  $ marketops status receipt-6f1c…\n  $ marketops status rejected-duplicate-6f1c…-0a7e…\n' +
        '  $ marketops status 6f1c… --json | jq .result.status',
    )
    .action(async (id: string, flags: { timeout?: number; json?: boolean }) => {
      const [{ describeOutcome }, { nextStep, situationOf, withNextStep }, { NO_WORKER_NOTICE }] =
        await Promise.all([
          import('../../client/describe-outcome.js'),
          import('../../client/next-step.js'),
          import('../waiting.js'),
        ]);
      const status = await withExecutor((executor) => asUserError(statusOf(executor, id)), {
        seconds: flags.timeout,
        timedOut: `No answer about ${id} within ${flags.timeout} s (a running execution's progress comes from a worker, and the last one seen may have stopped); nothing was changed; run marketops status ${id} again once a worker polls.`,
      });
      const detail = status.result
        ? describeOutcome(status.result)
        : status.waitingForWorker
          ? NO_WORKER_NOTICE
          : `stage ${status.progress?.stage ?? 'unknown'}, rate-limit waits ${status.progress?.rateLimitWaits ?? 0}`;
      const step = status.result
        ? nextStep(situationOf(status.result))
        : status.waitingForWorker && nextStep({ outcome: 'waiting_for_worker' });
      const shown = withNextStep(
        status,
        `${status.workflowId}: ${status.status}; ${detail}`,
        step || undefined,
      );
      print(flags.json, shown.value, shown.human);
    });
}

export function registerRunsCommand(program: Command): void {
  program
    .command('runs')
    .description('Inspect the operations of a MarketOps run.')
    .command('list')
    .description('List every workflow of a run, oldest first, with its outcome and reason codes.')
    .requiredOption('--run-id <id>', 'the MarketOps run id')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nColumns: start time, workflow id (give it to status), operation, repository, Temporal status,\n' +
        'outcome, reason codes.\n\nExamples:\n  $ marketops runs list --run-id campaign-2024-01\n' +
        '  $ marketops runs list --run-id campaign-2024-01 --json',
    )
    .action(async (flags: { runId: string; json?: boolean }) => {
      const runs = await withExecutor((executor) => asUserError(executor.listExecutions(flags.runId)));
      const lines = runs.map(
        (run) =>
          `${run.startTime.toISOString()}  ${run.workflowId}  ${run.operationKind ?? '-'}  ${run.repository ?? '-'}  ${run.status}  ${run.outcome ?? '-'}  ${run.reasons.join(',') || '-'}`,
      );
      print(
        flags.json,
        runs,
        lines.length > 0 ? lines.join('\n') : `No workflows found for run ${flags.runId}.`,
      );
    });
}
