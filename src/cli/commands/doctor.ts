import type { Command } from 'commander';
import { ExitCode } from '../exit-codes.js';
import { configFromEnv, timeoutOption } from '../inputs.js';
import { print } from '../outcome.js';

const EXAMPLES = `
Examples:
  $ marketops doctor
  $ TEMPORAL_ADDRESS=temporal:7233 TEMPORAL_NAMESPACE=marketops marketops doctor --json

Checks what the worker needs of its Temporal namespace, as the worker does before it polls: the
namespace exists, retains closed workflows longer than a receipt lives (MARKETOPS_MAX_RECEIPT_AGE_SECONDS
plus an hour), has the search attributes with their types, and accepts workflow Updates. Each missing
piece is named with the command that fixes it.

Exit codes: 0 ready, 1 something is missing, 7 Temporal unreachable.`;

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description(
      "Check the Temporal namespace's prerequisites and name the command that fixes each missing one.",
    )
    .addOption(timeoutOption('Temporal'))
    .option('--json', 'print JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: { timeout?: number; json?: boolean }) => {
      const config = await configFromEnv();
      const [{ withTemporal }, { describeMissing, missingPrerequisites }] = await Promise.all([
        import('../waiting.js'),
        import('../../temporal/prerequisites.js'),
      ]);
      const { namespace } = config.temporal;
      const missing = await withTemporal(
        null,
        ({ client }) => missingPrerequisites(client.connection, namespace, config.receipts.maxAgeSeconds),
        {
          seconds: flags.timeout,
          timedOut: `Temporal did not answer within ${flags.timeout} s; nothing was checked.`,
        },
      );
      const human =
        missing.length === 0
          ? `Temporal namespace ${namespace} is ready for the executor.`
          : `Temporal namespace ${namespace} is not ready for the executor:\n${describeMissing(missing)}`;
      print(flags.json, { namespace, ready: missing.length === 0, missing }, human);
      process.exitCode = missing.length === 0 ? ExitCode.ok : ExitCode.failure;
    });
}
