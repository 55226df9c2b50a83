import type { Command } from 'commander';
import type { RunClient } from '../../client/run-client.js';
import { deprecated, oldRunsCommand } from '../deprecated.js';
import { ExitCode, UserError } from '../exit-codes.js';
import { asUserError, readReceipt, showsOne, timeoutOption } from '../inputs.js';
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
  const lines = answers.map((answer) => {
    if (answer.status === 'accepted') return `accepted: step ${answer.step} will run as ${answer.workflowId}`;
    if (answer.status === 'pending') return `pending: step ${answer.step}: ${answer.missing.join(' ')}`;
    return `refused: step ${answer.step}: ${answer.reasons.map((r) => `${r.code}: ${r.message}`).join('; ')}`;
  });
  print(flags.json, answers, lines.join('\n'));
  if (answers.some((answer) => answer.status === 'refused')) process.exitCode = ExitCode.rejected;
}

async function cancelRun(runId: string): Promise<void> {
  await withRunClient((runs) => asUserError(runs.cancel(runId)));
  process.stdout.write(`cancellation requested for run ${runId}; see marketops run show ${runId}\n`);
}

async function showRun(runId: string, flags: { timeout?: number; json?: boolean }): Promise<void> {
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
}

const addStart = (run: Command) =>
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

const addAuthorize = (run: Command) =>
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

const addCancel = (run: Command) =>
  run
    .command('cancel')
    .description('Cancel a run: steps not started end cancelled; steps in flight finish and are recorded.')
    .argument('<run-id>', "the plan's run_id")
    .action(cancelRun);

/** `run show`, and the hidden `runs show` (its old spelling) through the same function. */
const addShow = (command: Command) =>
  showsOne(command, ['<run-id>', "the plan's run_id"], "the run's timeline")
    .description("A publication run's timeline: each step shipped (with its link) or not, and why.")
    .addHelpText(
      'after',
      '\nExit code 0 when every step shipped, 1 otherwise (or while the run is open).\n\nExamples:\n  $ marketops run show r-42\n  $ marketops run show r-42 --json | jq \'.steps[] | select(.status != "shipped")\'',
    )
    .action(showRun);

/** `run start|authorize|cancel|show`; `runs show` is the old spelling of `run show`. */
export function registerRunCommand(program: Command): void {
  const run = program.command('run').description('Drive a publication run (docs/runs.md).');
  addStart(run);
  addAuthorize(run);
  addCancel(run);
  addShow(run.command('show'));
  deprecated(addShow(oldRunsCommand(program).command('show')), 'run show <run-id>');
}
