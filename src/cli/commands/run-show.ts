import type { Command } from 'commander';
import { ExitCode, UserError } from '../exit-codes.js';
import { asUserError, timeoutOption } from '../inputs.js';
import { print } from '../outcome.js';
import { withRunClient } from './run.js';

/** `runs show` joins `runs list` under the `runs` command that commands/runs.ts registers. */
export function registerRunShowCommand(program: Command): void {
  const runs = program.commands.find((command) => command.name() === 'runs');
  if (!runs) throw new Error('register the runs command before runs show');
  runs
    .command('show')
    .description("A publication run's timeline: each step shipped (with its link) or not, and why.")
    .argument('<run-id>', "the plan's run_id")
    .addOption(timeoutOption("the run's timeline"))
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExit code 0 when every step shipped, 1 otherwise (or while the run is open).\n\nExamples:\n  $ marketops runs show r-42\n  $ marketops runs show r-42 --json | jq \'.steps[] | select(.status != "shipped")\'',
    )
    .action(async (runId: string, flags: { timeout?: number; json?: boolean }) => {
      const { WorkflowNotFoundError } = await import('@temporalio/client');
      const { everyStepShipped, timelineText } = await import('../../runs/timeline-view.js');
      const { TASK_QUEUE } = await import('../../shared.js');
      const timeline = await withRunClient(
        (client) =>
          asUserError(
            client.timeline(runId).catch((error: unknown) => {
              if (error instanceof WorkflowNotFoundError)
                throw new UserError(
                  `No publication run ${JSON.stringify(runId)}; start one with marketops run start.`,
                );
              throw error;
            }),
          ),
        {
          seconds: flags.timeout,
          timedOut: `No timeline of run ${runId} within ${flags.timeout} s: an open run's timeline comes from a worker polling ${TASK_QUEUE}; nothing was changed; run marketops runs show ${runId} again once one polls.`,
        },
      );
      print(flags.json, timeline, timelineText(timeline));
      process.exitCode = everyStepShipped(timeline) ? ExitCode.ok : ExitCode.failure;
    });
}
