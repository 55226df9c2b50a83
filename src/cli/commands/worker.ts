import type { Command } from 'commander';
import { ExitCode, UserError } from '../exit-codes.js';
import { asUserError, configFromEnv } from '../inputs.js';

const EXAMPLES = `
Examples:
  $ MARKETOPS_MODE=prod GITHUB_TOKEN=… marketops worker
  $ TEMPORAL_ADDRESS=temporal:7233 MARKETOPS_AUDIT_STORE=postgres://… marketops worker

Configuration comes from the environment (see README, "Configuration"). MARKETOPS_MODE must be
exactly "prod" for GitHub writes; "dry-run" (the default) blocks them; anything else stops start-up.
Before it polls, the worker checks its namespace as \`marketops doctor\` does (retention longer than
a receipt's lifetime plus an hour, the search attributes, Updates) and refuses to start without them.
A part that cannot start (a store, Temporal, the metrics port) ends it at once with exit 1 and a
sentence naming the part. MARKETOPS_METRICS_PORT answers only once the worker polls: /healthz is 200
while it polls, any other path the Prometheus metrics. It stops cleanly on SIGINT or SIGTERM; during
start-up, at once.`;

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Until the worker polls, there is nothing to drain: a stop signal ends the start-up at once (a
 * supervisor's SIGTERM used to wait for Temporal's 10 s connect timeout). Returns the call that
 * hands the signals back to the Temporal Runtime, which drains a running worker.
 */
function stopAtOnceWhileStarting(): () => void {
  const stop = (signal: keyof typeof SIGNAL_EXIT) => process.exit(SIGNAL_EXIT[signal]);
  for (const signal of Object.keys(SIGNAL_EXIT)) process.once(signal, stop);
  return () => {
    for (const signal of Object.keys(SIGNAL_EXIT)) process.off(signal, stop);
  };
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run the executor worker: workflows, validation, audit records and paced GitHub writes.')
    .addHelpText('after', EXAMPLES)
    .action(async () => {
      const running = stopAtOnceWhileStarting();
      const config = await configFromEnv();
      const { runWorkerProcess, WorkerStartError } = await import('../../worker/bootstrap.js');
      try {
        await runWorkerProcess(config, undefined, running);
      } catch (error) {
        const failure =
          error instanceof WorkerStartError
            ? new UserError(error.message, ExitCode.failure)
            : await asUserError(Promise.reject(error)).catch((converted: unknown) => converted);
        // Temporal's runtime (its signal handlers, its threads) would keep a failed worker alive: the
        // process ends once main has printed the error and set the exit code, which it does at once.
        setTimeout(() => process.exit(), 100).unref();
        throw failure;
      }
    });
}
