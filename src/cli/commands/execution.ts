import type { Command } from 'commander';
import type { ExecutorClient } from '../../client/executor-client.js';
import type { ExecutionStatus } from '../../client/inspect.js';
import { deprecated, oldRunsCommand } from '../deprecated.js';
import { UserError } from '../exit-codes.js';
import { asUserError, showsOne } from '../inputs.js';
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
  return executor.executionStatus(id).catch((error: unknown) => {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
    throw new UserError(
      `No submission ${JSON.stringify(id)}: give a receipt id, receipt-<receipt id> or a rejected-… id as submit and execution list prints them.`,
    );
  });
}

export function registerExecutionCommand(program: Command): void {
  const execution = program
    .command('execution')
    .description("Inspect executions: one receipt's workflow each.");
  addShow(execution.command('show'));
  addList(execution.command('list'));
  deprecated(addShow(program.command('status', { hidden: true })), 'execution show <id>');
  deprecated(addList(oldRunsCommand(program).command('list')), 'execution list --run-id <id>');
}

function addShow(command: Command): Command {
  const id = 'a receipt id, its workflow id receipt-<receipt id>, or a refusal id rejected-…';
  return showsOne(command, ['<id>', id], "Temporal and the worker's answer")
    .description("Show one execution's live progress, or its final outcome.")
    .addHelpText(
      'after',
      '\nAccepts every id submit and execution list prints. A failed or rejected outcome is followed by whether\n' +
        'the receipt is used up and what to do next.\n\nExamples:\n  $ marketops execution show 6f1c…\n' +
        '  $ marketops execution show receipt-6f1c…\n  $ marketops execution show rejected-duplicate-6f1c…-0a7e…\n' +
        '  $ marketops execution show 6f1c… --json | jq .result.status',
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
        timedOut: `No answer about ${id} within ${flags.timeout} s (a running execution's progress comes from a worker, and the last one seen may have stopped); nothing was changed; run marketops execution show ${id} again once a worker polls.`,
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

function addList(command: Command): Command {
  return command
    .description(
      "List every execution of a run, and the run's own workflow, oldest first, with outcomes and reason codes.",
    )
    .requiredOption('--run-id <id>', 'the MarketOps run id')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nColumns: start time, workflow id (give it to execution show), operation, repository, Temporal status,\n' +
        'outcome, reason codes.\n\nExamples:\n  $ marketops execution list --run-id campaign-2024-01\n' +
        '  $ marketops execution list --run-id campaign-2024-01 --json',
    )
    .action(async (flags: { runId: string; json?: boolean }) => {
      const executions = await withExecutor((executor) => asUserError(executor.listExecutions(flags.runId)));
      const lines = executions.map(
        (execution) =>
          `${execution.startTime.toISOString()}  ${execution.workflowId}  ${execution.operationKind ?? '-'}  ${execution.repository ?? '-'}  ${execution.status}  ${execution.outcome ?? '-'}  ${execution.reasons.join(',') || '-'}`,
      );
      print(
        flags.json,
        executions,
        lines.length > 0 ? lines.join('\n') : `No workflows found for run ${flags.runId}.`,
      );
    });
}
