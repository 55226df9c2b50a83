import type { Command } from 'commander';
import { connectExecutor } from '../../client/connect.js';
import { describeOutcome } from '../../client/describe-outcome.js';
import { readJsonFile } from '../../common/files.js';
import { asUserError, configFromEnv, readReceipt } from '../inputs.js';
import { exitCodeFor, print } from '../outcome.js';
import { withProgress } from '../progress.js';

const EXAMPLES = `
Examples:
  $ marketops submit --receipt receipt.jws --request release.json --wait
  $ marketops receipt issue --key key.jwk.json --request tag.json --ttl 1h | marketops submit --receipt - --request tag.json --json

Exit codes: 0 succeeded (or started, without --wait), 3 rejected (ALREADY_CONSUMED included),
4 blocked by dry-run mode, 1 failed, 2 usage error.`;

interface SubmitFlags {
  receipt: string;
  request: string;
  keys?: string;
  wait?: boolean;
  json?: boolean;
}

export function registerSubmitCommand(program: Command): void {
  program
    .command('submit')
    .description('Submit a receipt and its operation request to the executor.')
    .requiredOption('--receipt <file>', 'receipt file, or - for stdin')
    .requiredOption('--request <file>', 'operation request JSON file')
    .option('--keys <file>', 'JWKS to pre-check the signature with (default: MARKETOPS_RECEIPT_KEYS)')
    .option('--wait', 'wait for and print the final outcome')
    .option('--json', 'print JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: SubmitFlags) => {
      const receipt = await asUserError(readReceipt(flags.receipt));
      const request = await asUserError(readJsonFile(flags.request, 'an operation request'));
      const { executor, close } = await asUserError(connectExecutor(configFromEnv(), flags.keys));
      try {
        const submission = await executor.submit({ receipt, request });
        if (submission.status === 'rejected' || !flags.wait) {
          const human =
            submission.status === 'rejected'
              ? describeOutcome(submission)
              : `started ${submission.workflowId}`;
          print(flags.json, submission, human);
          process.exitCode = exitCodeFor(submission.status);
          return;
        }
        const result = await withProgress(
          executor,
          submission.receiptId,
          executor.result(submission.receiptId),
        );
        print(
          flags.json,
          { receiptId: submission.receiptId, workflowId: submission.workflowId, ...result },
          describeOutcome(result),
        );
        process.exitCode = exitCodeFor(result.status);
      } finally {
        await close();
      }
    });
}
