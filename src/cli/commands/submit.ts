import type { Command } from 'commander';
import type { ExecutorClient } from '../../client/executor-client.js';
import type { Sending } from '../../client/submit.js';
import type { ExecuteOperationInput } from '../../shared.js';
import { ExitCode } from '../exit-codes.js';
import { asUserError, readReceipt, timeoutOption } from '../inputs.js';
import { exitCodeFor, print } from '../outcome.js';
import { withProgress } from '../progress.js';

const EXAMPLES = `
Examples:
  $ marketops submit --receipt receipt.jws --request release.json --wait
  $ marketops submit --receipt receipt.jws --request release.json --wait --timeout 5m
  $ marketops receipt issue --key key.jwk.json --request tag.json --ttl 1h | marketops submit --receipt - --request tag.json --json

Without a worker polling the task queue, submit says so within seconds and goes on waiting.
A failed or rejected outcome is followed by whether the receipt is used up and what to do next.

Exit codes: 0 succeeded (or started, without --wait), 3 rejected (ALREADY_CONSUMED included),
4 blocked by dry-run mode, 1 failed, 2 usage error, 6 --timeout passed (what was submitted goes on),
7 Temporal unreachable (until --timeout, if it was lost while waiting; what was submitted goes on).`;

interface SubmitFlags {
  receipt: string;
  request: string;
  keys?: string;
  wait?: boolean;
  timeout?: number;
  json?: boolean;
}

/** The submission and, with --wait, its outcome: what stdout reports. `sending` as for `ExecutorClient.submit`. */
async function submitAndWait(
  executor: ExecutorClient,
  input: ExecuteOperationInput,
  wait: boolean,
  sending: (sent: Sending) => void,
) {
  const submission = await executor.submit(input, sending);
  if (submission.status === 'rejected' || !wait) return submission;
  const { receiptId, workflowId } = submission;
  const result = await withProgress(executor, receiptId, executor.result(receiptId));
  return { receiptId, workflowId, ...result };
}

/** The line a passed `--timeout` ends with: what was sent, if anything, goes on. */
function timedOut(seconds: number | undefined, sent: Sending | undefined, refusedWith?: string[]): string {
  if (!sent) return `nothing was submitted within ${seconds} s.`;
  const codes = refusedWith?.join(', ');
  if (codes)
    return `refused ${codes}; its record ${sent.workflowId} was not written within ${seconds} s and goes on.`;
  return `no outcome within ${seconds} s; ${sent.workflowId} goes on.`;
}

export function registerSubmitCommand(program: Command): void {
  program
    .command('submit')
    .description('Submit a receipt and its operation request to the executor.')
    .requiredOption('--receipt <file>', 'receipt file, or - for stdin')
    .requiredOption('--request <file>', 'operation request JSON file')
    .option('--keys <file>', 'JWKS to pre-check the signature with (default: MARKETOPS_RECEIPT_KEYS)')
    .option('--wait', 'wait for and print the final outcome')
    .addOption(timeoutOption('the outcome (or, for a refused receipt, its record)'))
    .option('--json', 'print JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: SubmitFlags) => {
      const [
        { describeOutcome },
        { describeNextStep, nextStep, situationOf, withNextStep },
        { readJsonFile },
        { connectedWithin, lostUntilTimeout, NO_WORKER_NOTICE, watchingForWorkers },
      ] = await Promise.all([
        import('../../client/describe-outcome.js'),
        import('../../client/next-step.js'),
        import('../../common/files.js'),
        import('../waiting.js'),
      ]);
      const receipt = await asUserError(readReceipt(flags.receipt));
      const request = await asUserError(readJsonFile(flags.request, 'an operation request'));
      let sent: Sending | undefined;
      const refusedWith = () => sent?.refusal?.map((reason) => reason.code);
      const say = (line: string) => {
        process.stderr.write(`${line}\n`);
        const waiting = nextStep({ outcome: 'waiting_for_worker', refusedWith: refusedWith() });
        if (line === NO_WORKER_NOTICE && waiting) process.stderr.write(`${describeNextStep(waiting)}\n`);
      };
      const bounded = await connectedWithin(flags.timeout, flags.keys, ({ executor }) => {
        const work = submitAndWait(executor, { receipt, request }, Boolean(flags.wait), (sending) => {
          sent = sending;
        });
        return watchingForWorkers(executor, work, say);
      });
      if (!bounded.done) {
        const { workflowId } = sent ?? {};
        const codes = refusedWith();
        const step = nextStep({ outcome: 'timed_out', workflowId, refusedWith: codes });
        const { unreachable } = bounded;
        const told = timedOut(flags.timeout, sent, codes);
        const human = unreachable ? lostUntilTimeout(unreachable, told) : told;
        const shown = withNextStep({ status: 'timed_out', workflowId }, human, step);
        print(flags.json, shown.value, shown.human);
        process.exitCode = unreachable ? ExitCode.temporalUnreachable : ExitCode.timedOut;
        return;
      }
      const outcome = bounded.value;
      const step = outcome.status === 'started' ? undefined : nextStep(situationOf(outcome));
      const human = outcome.status === 'started' ? `started ${outcome.workflowId}` : describeOutcome(outcome);
      const shown = withNextStep(outcome, human, step);
      print(flags.json, shown.value, shown.human);
      process.exitCode = exitCodeFor(outcome.status);
    });
}
