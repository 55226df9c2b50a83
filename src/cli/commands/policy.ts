import { type Command, Option } from 'commander';
import { ExitCode, UserError } from '../exit-codes.js';
import { asUserError, configFromEnv, parseInstant, readReceipt } from '../inputs.js';

const CHECK_EXAMPLES = `
Examples:
  $ marketops policy check --request release.json --policy policy.yaml
  $ marketops policy check --request release.json --approval alice.jws --approval bob.jws --requester carol
  $ marketops policy check --request tag.json --approval r.jws --keys keys/receipt-keys.jwks.json --json

Names every rule that matches the request and, for each, who approved and who may still approve.
Each --approval is a receipt file; its signatures count as approvals once they verify with the
key ring (--keys). It does not check that a receipt binds this request: \`receipt verify\` does.
--policy, --keys and --revocations default to MARKETOPS_POLICY_FILE, MARKETOPS_RECEIPT_KEYS and
MARKETOPS_REVOCATIONS_FILE; without a policy file, one approval by any ring key suffices.
Exit codes: 0 satisfied, 3 not satisfied, 2 usage error (unreadable or invalid file).`;

interface CheckFlags {
  request: string;
  approval: string[];
  policy?: string;
  revocations?: string;
  keys?: string;
  mode: 'prod' | 'dry-run';
  requester?: string;
  at?: Date;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerPolicyCommand(program: Command): void {
  const policy = program
    .command('policy')
    .description('Explain the approval policy: which rules an operation meets, and what is missing.');
  policy
    .command('check')
    .description('Name the rules that match a request, and what each has and still needs.')
    .requiredOption('--request <file>', 'operation request JSON file')
    .addOption(
      new Option('--approval <receipt>', 'a receipt file whose signatures approve (repeatable)')
        .argParser(collect)
        .default([], 'none'),
    )
    .option('--policy <file>', 'the policy file (default: MARKETOPS_POLICY_FILE)')
    .option('--revocations <file>', 'the revoked keys (default: MARKETOPS_REVOCATIONS_FILE)')
    .option('--keys <file>', 'JWKS of the trusted receipt keys (default: MARKETOPS_RECEIPT_KEYS)')
    .addOption(
      new Option('--mode <mode>', 'the executor mode the rules match')
        .choices(['prod', 'dry-run'])
        .default('prod'),
    )
    .option(
      '--requester <name>',
      "the approver who asked for the operation (default: the request's requester)",
    )
    .option('--at <time>', 'decide at this RFC 3339 time instead of now', parseInstant)
    .option('--json', 'print the decision as JSON')
    .addHelpText('after', CHECK_EXAMPLES)
    .action(checkPolicy);
}

async function checkPolicy(flags: CheckFlags): Promise<void> {
  const [{ readJsonFile }, { parseOperationRequest, readKeyRingFile }, policyModule] = await Promise.all([
    import('../../common/files.js'),
    import('../../receipts/index.js'),
    import('../../policy/index.js'),
  ]);
  const { approvalsOf, explainDecision, operationFacts, policySource } = policyModule;
  const now = flags.at ?? new Date();
  const config = await configFromEnv();
  const parsed = parseOperationRequest(
    await asUserError(readJsonFile(flags.request, 'an operation request')),
  );
  if (!parsed.ok) throw new UserError(`${flags.request}: ${parsed.message}`);
  const ring = await asUserError(readKeyRingFile(flags.keys ?? config.receipts.keysFile));
  const approvals = [];
  for (const file of flags.approval) {
    approvals.push(...(await approvalsOf((await asUserError(readReceipt(file))).trim(), ring)));
  }
  const policyFile = flags.policy ?? config.policy.policyFile;
  const source = policySource({
    ...(policyFile === undefined ? {} : { policyFile }),
    revocationsFile: flags.revocations ?? config.policy.revocationsFile,
  });
  const facts = operationFacts(parsed.request, flags.mode, flags.requester);
  const decision = await asUserError(source.decide(facts, approvals, now));
  process.stdout.write(
    flags.json ? `${JSON.stringify(decision, null, 2)}\n` : `${explainDecision(decision).join('\n')}\n`,
  );
  process.exitCode = decision.satisfied ? ExitCode.ok : ExitCode.rejected;
}
