import type { Command } from 'commander';
import { deprecated, oldRunsCommand } from '../deprecated.js';
import { ExitCode, UserError } from '../exit-codes.js';
import { asUserError, showsOne } from '../inputs.js';
import { print } from '../outcome.js';
import { withRunClient } from './run.js';

/** `run show`, after `run start|authorize|cancel` (commands/run.ts registers `run` first); `runs show` is its old spelling. */
export function registerRunShowCommand(program: Command): void {
  const run = program.commands.find((command) => command.name() === 'run');
  if (!run) throw new Error('register the run command before run show');
  addShow(run.command('show'));
  deprecated(addShow(oldRunsCommand(program).command('show')), 'run show <run-id>');
}

function addShow(command: Command): Command {
  return showsOne(command, ['<run-id>', "the plan's run_id"], "the run's timeline")
    .description("A publication run's timeline: each step shipped (with its link) or not, and why.")
    .addHelpText(
      'after',
      '\nExit code 0 when every step shipped, 1 otherwise (or while the run is open).\n\nExamples:\n  $ marketops run show r-42\n  $ marketops run show r-42 --json | jq \'.steps[] | select(.status != "shipped")\'',
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
          timedOut: `No timeline of run ${runId} within ${flags.timeout} s: an open run's timeline comes from a worker polling ${TASK_QUEUE}; nothing was changed; run marketops run show ${runId} again once one polls.`,
        },
      );
      print(flags.json, timeline, timelineText(timeline));
      process.exitCode = everyStepShipped(timeline) ? ExitCode.ok : ExitCode.failure;
    });
}
