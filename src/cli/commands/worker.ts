import type { Command } from 'commander';
import { ExitCode, UserError } from '../exit-codes.js';
import { asUserError, configFromEnv } from '../inputs.js';

const EXAMPLES = `
Examples:
  $ MARKETOPS_MODE=prod GITHUB_TOKEN=… marketops worker
  $ TEMPORAL_ADDRESS=temporal:7233 MARKETOPS_AUDIT_STORE=postgres://… marketops worker

Configuration comes from the environment (see README, "Configuration"). MARKETOPS_MODE must be
exactly "prod" for GitHub writes; "dry-run" (the default) blocks them; anything else stops start-up.
The worker refuses a namespace whose retention is shorter than a receipt's lifetime plus an hour.
It stops cleanly on SIGINT or SIGTERM.`;

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run the executor worker: workflows, validation, audit records and paced GitHub writes.')
    .addHelpText('after', EXAMPLES)
    .action(async () => {
      const config = await configFromEnv();
      const { runWorkerProcess, WorkerStartError } = await import('../../worker/bootstrap.js');
      try {
        await runWorkerProcess(config);
      } catch (error) {
        // Temporal's runtime (its metrics endpoint, its signal handlers) would keep a failed worker
        // alive and "healthy" to a supervisor: once the error is printed, the process ends.
        setTimeout(() => process.exit(), 100).unref();
        if (error instanceof WorkerStartError) throw new UserError(error.message, ExitCode.failure);
        return asUserError(Promise.reject(error));
      }
    });
}
