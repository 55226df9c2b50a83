import type { Command } from 'commander';
import { UserError } from '../exit-codes.js';

const EXAMPLES = `
Examples:
  $ marketops sandbox
  $ marketops sandbox --port 8787 --config sandbox.yaml
  $ marketops sandbox --port 0 --json      # random port; prints {"url":...,"token":...}

The sandbox is a local stand-in for api.github.com: point GITHUB_API_URL at it and use its
token (a sandbox token, not a GitHub secret). It runs until Ctrl-C (SIGINT) or SIGTERM.
Config format, admin API, rate limits and faults: docs/sandbox.md.`;

interface SandboxOptions {
  port: string;
  host: string;
  config?: string;
  json?: boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UserError(`--port must be an integer from 0 to 65535 (0 picks a free port), not "${value}".`);
  }
  return port;
}

/** Resolves on the first SIGINT or SIGTERM, so the caller can close cleanly. */
const stopSignal = (): Promise<NodeJS.Signals> =>
  new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description(
      'Run the GitHub sandbox: a local HTTP server speaking the GitHub REST API subset the executor uses.',
    )
    .option('--port <n>', 'port to listen on (0 = a free one)', '8787')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--config <file>', 'YAML or JSON config with tokens, repositories, limits and faults')
    .option('--json', 'print the URL and token as one JSON line')
    .addHelpText('after', EXAMPLES)
    .action(async (options: SandboxOptions) => {
      const port = parsePort(options.port);
      const { loadSandboxConfig, startSandbox } = await import('../../sandbox/index.js');
      const config = await loadSandboxConfig(options.config).catch((error: Error) => {
        throw new UserError(error.message);
      });
      const sandbox = await startSandbox({ port, host: options.host, config }).catch((error: Error) => {
        throw new UserError(
          `Cannot listen on ${options.host}:${port} (${error.message}); pick another --port.`,
        );
      });
      const stopped = stopSignal();
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ url: sandbox.url, token: sandbox.token })}\n`
          : [
              `GitHub sandbox listening on ${sandbox.url}`,
              `Token: ${sandbox.token}`,
              `export GITHUB_API_URL=${sandbox.url} GITHUB_TOKEN=${sandbox.token}`,
              'Press Ctrl-C to stop.',
              '',
            ].join('\n'),
      );
      const signal = await stopped;
      await sandbox.close();
      if (!options.json) process.stdout.write(`Sandbox stopped (${signal}).\n`);
    });
}
