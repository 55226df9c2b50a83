import type { Command } from 'commander';
import type { OperationRequest } from '../../operations/registry.js';
import type { Mode } from '../../shared.js';
import { UserError } from '../exit-codes.js';
import { asUserError, configFromEnv, timeoutOption } from '../inputs.js';
import { print } from '../outcome.js';
import { readPlan, withRunClient } from './run.js';

interface PlanFlags {
  offline?: boolean;
  timeout?: number;
  json?: boolean;
  policy?: string;
  mode: string;
}

/**
 * Under an approval policy, each step's needs: the evaluator's explanation with no approval yet, with
 * the revocations in force now. Without a policy file, nothing (one approval by any ring key).
 */
async function approvalsNeeded(
  flags: PlanFlags,
): Promise<((request: OperationRequest) => string[]) | undefined> {
  const config = await configFromEnv();
  const policyFile = flags.policy ?? config.policy.policyFile;
  if (policyFile === undefined) return undefined;
  if (flags.mode !== 'prod' && flags.mode !== 'dry-run') {
    throw new UserError(`--mode is "${flags.mode}"; use prod or dry-run.`);
  }
  const mode: Mode = flags.mode;
  const { evaluatePolicy, explainDecision, operationFacts, policySource } = await import(
    '../../policy/index.js'
  );
  const source = policySource({ policyFile, revocationsFile: config.policy.revocationsFile });
  const snapshot = await asUserError(source.current());
  const now = new Date();
  return (request) =>
    explainDecision(
      evaluatePolicy({ ...snapshot, facts: operationFacts(request, mode), approvals: [], now }),
    );
}

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description(
      'Preview a publication plan: steps in execution order, their GitHub requests and op_digest, each release asset (name, size, short digest), and what each would do on GitHub now.',
    )
    .argument('<plan>', 'plan file (YAML or JSON)')
    .option('--offline', "do not ask GitHub (through the executor's workers) what each step would do now")
    .addOption(timeoutOption("the workers' reading of GitHub"))
    .option(
      '--policy <file>',
      "approval policy to show each step's needed approvals by (default MARKETOPS_POLICY_FILE)",
    )
    .option('--mode <mode>', 'the mode the policy is evaluated for: prod or dry-run', 'prod')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      '\nNo receipt is needed or consumed, and nothing is written: GitHub is only read, by the\n' +
        "executor's workers, which hold its credentials.\n\nExamples:\n  $ marketops plan plan.yaml\n  $ marketops plan plan.yaml --json | jq '.steps[].opDigest'",
    )
    .action(async (file: string, flags: PlanFlags) => {
      const plan = await readPlan(file);
      const { previewOf, previewText } = await import('../../runs/report.js');
      const { TASK_QUEUE } = await import('../../shared.js');
      const now = flags.offline
        ? []
        : await withRunClient((runs) => asUserError(runs.preview(plan)), {
            seconds: flags.timeout,
            timedOut: `No preview within ${flags.timeout} s: the executor's workers read GitHub for it, and none polling ${TASK_QUEUE} answered; nothing was written or consumed; start one (npm start, or marketops worker), or preview with --offline.`,
          });
      const steps = previewOf(plan, now, await approvalsNeeded(flags));
      print(flags.json, { runId: plan.run_id, steps }, previewText(plan.run_id, steps));
    });
}
