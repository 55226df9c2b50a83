import { Command, CommanderError } from 'commander';
import { redactSecrets } from '../logging/redaction.js';
import { registerArtifactCommand } from './commands/artifact.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerExecutionCommand } from './commands/execution.js';
import { registerKeygenCommand } from './commands/keygen.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerPolicyCommand } from './commands/policy.js';
import { registerReceiptCommand } from './commands/receipt.js';
import { registerRunCommand } from './commands/run.js';
import { registerSandboxCommand } from './commands/sandbox.js';
import { registerStartCommand } from './commands/start.js';
import { registerSubmitCommand } from './commands/submit.js';
import { registerWorkerCommand } from './commands/worker.js';
import { ExitCode, serverReason, UserError } from './exit-codes.js';

const program = new Command('marketops')
  .description('Durable, fail-closed executor of authorized GitHub operations on Temporal.')
  .showHelpAfterError('(run with --help for usage and examples)')
  .exitOverride();

// Each command module adds itself here.
registerStartCommand(program);
registerDemoCommand(program);
registerAuditCommand(program);
registerSandboxCommand(program);
registerKeygenCommand(program);
registerKeysCommand(program);
registerReceiptCommand(program);
registerWorkerCommand(program);
registerSubmitCommand(program);
registerExecutionCommand(program);
registerPlanCommand(program);
registerRunCommand(program);
registerArtifactCommand(program);
registerPolicyCommand(program);
registerDoctorCommand(program);

function exitFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  if (error instanceof UserError) {
    process.stderr.write(`marketops: ${redactSecrets(error.message)}\n`);
    return error.exitCode;
  }
  const message = serverReason(error) ?? (error instanceof Error ? error.message : String(error));
  process.stderr.write(`marketops: unexpected failure: ${redactSecrets(message)}\n`);
  return ExitCode.failure;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitFor(error);
}
