import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { examples } from '../../operations/registry.js';
import type { LocalStack } from '../../stack/local-stack.js';
import type { PartFailure, Supervisor } from '../../stack/supervisor.js';
import type { InstalledRuntime } from '../../worker/bootstrap.js';
import { requestExample } from '../examples.js';
import { ExitCode, UserError } from '../exit-codes.js';
import { asUserError, configFromEnv } from '../inputs.js';

const EXAMPLES = `
Examples:
  $ npm start                                   # the same, with dependencies installed first
  $ marketops start --data-dir /var/lib/marketops
  $ GITHUB_API_URL=https://api.github.com GITHUB_TOKEN=… MARKETOPS_MODE=prod marketops start

Without GITHUB_API_URL and GITHUB_TOKEN the GitHub sandbox is the target and the mode defaults to
prod (nothing real can be written); against a real GitHub the mode defaults to dry-run.
Without MARKETOPS_POLICY_FILE, one approval by any key of the receipt key ring authorizes any
operation alone; an approval policy names approvers and how many must approve (docs/policy.md).
Ctrl-C stops everything; a second start resumes with the same data folder. If one part fails (the
Temporal dev server, the sandbox or the worker), start stops the others, names the part and exits 1:
restarting the whole stack, e.g. by a supervisor, resumes every execution from the data folder.`;

interface StartFlags {
  dataDir: string;
  port: string;
  uiPort: string;
  sandboxPort: string;
  json?: boolean;
}

interface Endpoints {
  temporalAddress: string;
  uiUrl: string;
  githubApiUrl: string;
  metricsUrl: string;
}

/** Who may approve, said plainly: without a policy file any ring key authorizes anything alone. */
const approvalsLine = (policyFile: string | undefined): string =>
  policyFile === undefined
    ? 'no policy file (MARKETOPS_POLICY_FILE): one approval by any key of the receipt key ring authorizes any operation alone'
    : `${policyFile} (MARKETOPS_POLICY_FILE; docs/policy.md)`;

function walkthrough(endpoints: Endpoints, sandbox: boolean, keysDir: string, policyFile?: string): string {
  return `
MarketOps Publisher is running.
  Temporal Web UI   ${endpoints.uiUrl}
  Temporal gRPC     ${endpoints.temporalAddress} (TEMPORAL_ADDRESS)
  GitHub target     ${endpoints.githubApiUrl}${sandbox ? ' (the sandbox; its state is at /_sandbox/state)' : ''}
  Metrics           ${endpoints.metricsUrl}
  Approvals         ${approvalsLine(policyFile)}

Try it, in another terminal:
  npx marketops demo
or by hand:
  cat > release.json <<'JSON'
${requestExample(examples.publish_release, '  ')}
  JSON
  npx marketops receipt issue --key ${keysDir}/receipt-signing-key.jwk.json --request release.json --ttl 1h > receipt.jws
  npx marketops submit --receipt receipt.jws --request release.json --wait
  npx marketops execution list --run-id ${examples.publish_release.run_id}
  npx marketops audit verify
Then filter the Web UI by MarketOpsRunId="${examples.publish_release.run_id}". Ctrl-C stops everything.
`;
}

/** The worker's configuration: the stack's Temporal and keys, and the sandbox unless GitHub is real. */
function stackConfig(flags: StartFlags, stack: LocalStack) {
  return configFromEnv({
    ...process.env,
    MARKETOPS_DATA_DIR: flags.dataDir,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    MARKETOPS_RECEIPT_KEYS: stack.keys.receipt.publicKeysFile,
    MARKETOPS_AUDIT_KEY: stack.keys.audit.privateKeyFile,
    MARKETOPS_AUDIT_KEYS: stack.keys.audit.publicKeysFile,
    ...(stack.sandbox && {
      GITHUB_API_URL: stack.sandbox.url,
      GITHUB_TOKEN: stack.sandbox.token,
      MARKETOPS_MODE: process.env.MARKETOPS_MODE ?? 'prod',
    }),
  });
}

/** The endpoints line (`--json`) or the walkthrough. */
function announcement(flags: StartFlags, stack: LocalStack, config: Config): string {
  const endpoints: Endpoints = {
    temporalAddress: stack.temporalAddress,
    uiUrl: stack.uiUrl,
    githubApiUrl: config.github.apiUrl,
    metricsUrl: `http://localhost:${config.metricsPort}/metrics`,
  };
  return flags.json
    ? `${JSON.stringify(endpoints)}\n`
    : walkthrough(endpoints, stack.sandbox !== undefined, `${flags.dataDir}/keys`, config.policy.policyFile);
}

/** Runs the worker on the started stack until a part fails or Ctrl-C; then stops the stack. */
async function serve(
  flags: StartFlags,
  stack: LocalStack,
  supervisor: Supervisor,
  runtime: InstalledRuntime,
): Promise<PartFailure | undefined> {
  try {
    const [{ ExecutorClient }, { ownWorkerPolling }, { runWorkerProcess }] = await Promise.all([
      import('../../client/executor-client.js'),
      import('../../stack/worker-ready.js'),
      import('../../worker/bootstrap.js'),
    ]);
    const config = await stackConfig(flags, stack);
    const worker = supervisor.runWorker(() => runWorkerProcess(config, runtime));
    // "Running" is said only once the worker polls: a submission then runs at once.
    if (await ownWorkerPolling(new ExecutorClient(stack.env.client), worker)) {
      process.stdout.write(announcement(flags, stack, config));
    }
    return await worker;
  } finally {
    await stack.stop();
    process.stdout.write('MarketOps Publisher stopped.\n');
  }
}

async function start(flags: StartFlags): Promise<void> {
  // Loaded only when the command runs, so the CLI starts fast for every other command.
  const [{ startLocalStack }, { Supervisor }, { installRuntime }] = await Promise.all([
    import('../../stack/local-stack.js'),
    import('../../stack/supervisor.js'),
    import('../../worker/bootstrap.js'),
  ]);
  const realGitHub = Boolean(process.env.GITHUB_API_URL && process.env.GITHUB_TOKEN);
  const runtime = await installRuntime(
    await configFromEnv({ ...process.env, MARKETOPS_DATA_DIR: flags.dataDir }),
  );
  const { logger } = runtime;
  const supervisor = new Supervisor(logger);
  process.stderr.write(`Starting the Temporal dev server (data in ${flags.dataDir})…\n`);
  const stack = await asUserError(
    startLocalStack({
      dataDir: flags.dataDir,
      temporalPort: Number(flags.port),
      uiPort: Number(flags.uiPort),
      sandboxPort: realGitHub ? undefined : Number(flags.sandboxPort),
      logger: logger.child({ component: 'sandbox' }),
      supervisor,
    }),
  );
  const failure = await serve(flags, stack, supervisor, runtime);
  if (failure) {
    throw new UserError(`${failure.part} ${failure.reason}; stopped every part.`, ExitCode.failure);
  }
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description(
      'Start the whole stack: Temporal dev server with its Web UI, the GitHub sandbox and the worker.',
    )
    .option('--data-dir <dir>', 'where Temporal, the audit log, the ledger and the keys persist', '.data')
    .option('--port <port>', 'Temporal gRPC port', '7233')
    .option('--ui-port <port>', 'Temporal Web UI port', '8233')
    .option('--sandbox-port <port>', 'GitHub sandbox port', '8787')
    .option('--json', 'print the endpoints as one JSON line instead of the walkthrough')
    .addHelpText('after', EXAMPLES)
    .action(start);
}
