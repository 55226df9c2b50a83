import type { Command } from 'commander';
import { asUserError, timeoutOption } from '../inputs.js';
import { print } from '../outcome.js';
import { readPlan, withRunClient } from './run.js';

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description(
      'Preview a publication plan: steps in execution order, their GitHub requests and op_digest, each release asset (name, size, short digest), and what each would do on GitHub now.',
    )
    .argument('<plan>', 'plan file (YAML or JSON)')
    .option('--offline', "do not ask GitHub (through the executor's workers) what each step would do now")
    .addOption(timeoutOption("the workers' reading of GitHub"))
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nNo receipt is needed or consumed, and nothing is written: GitHub is only read, by the\n' +
        "executor's workers, which hold its credentials.\n\nExamples:\n  $ marketops plan plan.yaml\n  $ marketops plan plan.yaml --json | jq '.steps[].opDigest'",
    )
    .action(async (file: string, flags: { offline?: boolean; timeout?: number; json?: boolean }) => {
      const plan = await readPlan(file);
      const { previewOf, previewText } = await import('../../runs/report.js');
      const { TASK_QUEUE } = await import('../../shared.js');
      const now = flags.offline
        ? []
        : await withRunClient((runs) => asUserError(runs.preview(plan)), {
            seconds: flags.timeout,
            timedOut: `No preview within ${flags.timeout} s: the executor's workers read GitHub for it, and none polling ${TASK_QUEUE} answered; nothing was written or consumed; start one (npm start, or marketops worker), or preview with --offline.`,
          });
      const steps = previewOf(plan, now);
      print(flags.json, { runId: plan.run_id, steps }, previewText(plan.run_id, steps));
    });
}
