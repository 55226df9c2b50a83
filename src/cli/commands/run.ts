import type { Command } from 'commander';
import type { RunClient } from '../../client/run-client.js';
import { ExitCode, UserError } from '../exit-codes.js';
import { asUserError, readReceipt, timeoutOption } from '../inputs.js';
import { print } from '../outcome.js';
import type { Timeout } from '../waiting.js';

/** A run client on the configured Temporal, for `work` within `timeout`; heavy modules load only when a command runs. */
export async function withRunClient<T>(work: (runs: RunClient) => Promise<T>, timeout?: Timeout): Promise<T> {
  const [{ RunClient }, { withTemporal }] = await Promise.all([
    import('../../client/run-client.js'),
    import('../waiting.js'),
  ]);
  return withTemporal(null, ({ client }) => work(new RunClient(client)), timeout);
}

export async function readPlan(file: string) {
  const { readPlanFile } = await import('../../runs/plan.js');
  return asUserError(readPlanFile(file));
}

function deadlineSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 86_400)
    throw new UserError(
      `--deadline must be whole seconds from 1 to 86400 (24 h), not ${JSON.stringify(value)}.`,
    );
  return seconds;
}

interface AuthorizeFlags {
  step: string[];
  receipt: string[];
  timeout?: number;
  json?: boolean;
}

/** `--step ID --receipt FILE`, repeatable: the n-th step goes with the n-th receipt. */
const collect = (value: string, previous: string[] = []) => [...previous, value];

async function startRun(file: string, flags: { deadline?: string; json?: boolean }): Promise<void> {
  const plan = await readPlan(file);
  const options = flags.deadline === undefined ? {} : { deadlineSeconds: deadlineSeconds(flags.deadline) };
  const started = await withRunClient((runs) => asUserError(runs.start(plan, options)));
  print(
    flags.json,
    started,
    `started ${started.workflowId}; authorize its steps with marketops run authorize ${started.runId}`,
  );
}

/** The n-th `--step` with the n-th `--receipt` file's contents. */
async function authorizations(flags: AuthorizeFlags) {
  if (flags.step.length !== flags.receipt.length)
    throw new UserError(
      `Give one --receipt per --step: ${flags.step.length} steps, ${flags.receipt.length} receipts.`,
    );
  const receipts = await Promise.all(flags.receipt.map((file) => asUserError(readReceipt(file))));
  return flags.step.map((step, index) => ({ step, receipt: receipts[index] ?? '' }));
}

async function authorizeRun(runId: string, flags: AuthorizeFlags): Promise<void> {
  const delivered = await authorizations(flags);
  const { TASK_QUEUE } = await import('../../shared.js');
  const answers = await withRunClient((runs) => asUserError(runs.authorize(runId, delivered)), {
    seconds: flags.timeout,
    timedOut: `No answer from run ${runId} within ${flags.timeout} s: a run answers authorizations only while a worker polls ${TASK_QUEUE}, and one may still accept these when it starts; see marketops run show ${runId} for the steps accepted, and deliver the others again.`,
  });
  const lines = answers.map((answer) =>
    answer.status === 'accepted'
      ? `accepted: step ${answer.step} will run as ${answer.workflowId}`
      : `refused: step ${answer.step}: ${answer.reasons.map((r) => `${r.code}: ${r.message}`).join('; ')}`,
  );
  print(flags.json, answers, lines.join('\n'));
  if (answers.some((answer) => answer.status === 'refused')) process.exitCode = ExitCode.rejected;
}

async function cancelRun(runId: string): Promise<void> {
  await withRunClient((runs) => asUserError(runs.cancel(runId)));
  process.stdout.write(`cancellation requested for run ${runId}; see marketops run show ${runId}\n`);
}

export function registerRunCommand(program: Command): void {
  const run = program.command('run').description('Drive a publication run (docs/runs.md).');

  run
    .command('start')
    .description('Start the run of a plan: it waits for a receipt per step, then ships them in order.')
    .argument('<plan>', 'plan file (YAML or JSON)')
    .option('--deadline <seconds>', 'stop waiting for authorizations after this long (at most 86400)')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ marketops run start plan.yaml\n  $ marketops run start plan.yaml --deadline 3600',
    )
    .action(startRun);

  run
    .command('authorize')
    .description('Deliver receipts to steps of a run; each answer says at once whether it was accepted.')
    .argument('<run-id>', "the plan's run_id")
    .requiredOption('--step <id>', 'a step id (repeat with --receipt for several)', collect)
    .requiredOption('--receipt <file>', "that step's receipt file, or - for stdin", collect)
    .addOption(timeoutOption("the run's answers"))
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nExit code 3 when any receipt was refused.\n\nExamples:\n  $ marketops run authorize r-42 --step tag --receipt tag.jws\n' +
        '  $ marketops run authorize r-42 --step release --receipt release.jws --step pr --receipt pr.jws',
    )
    .action(authorizeRun);

  run
    .command('cancel')
    .description('Cancel a run: steps not started end cancelled; steps in flight finish and are recorded.')
    .argument('<run-id>', "the plan's run_id")
    .action(cancelRun);
}
