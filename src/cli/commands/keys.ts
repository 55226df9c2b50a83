import type { Command } from 'commander';
import { asUserError, configFromEnv, parseInstant } from '../inputs.js';

const REVOKE_EXAMPLES = `
Examples:
  $ marketops keys revoke --kid alice-2026 --reason "laptop lost"
  $ marketops keys revoke --kid bob-1 --reason "left the team" --at 2026-03-01T00:00:00Z --file revoked.json

Appends {kid, revoked_at, reason} to the revocation list (default: MARKETOPS_REVOCATIONS_FILE),
replacing the file whole so a worker reads the old list or the new one. Workers re-read it before
each decision, without a restart: an approval by the key no longer counts from revoked_at on,
including one given before. A kid is revoked once; --at defaults to now.`;

interface RevokeFlags {
  kid: string;
  reason: string;
  at?: Date;
  file?: string;
  json?: boolean;
}

export function registerKeysCommand(program: Command): void {
  const keys = program
    .command('keys')
    .description('Manage approver keys: revoke a key the policy must no longer count.');
  keys
    .command('revoke')
    .description('Revoke an approver key by kid, from now (or --at) on.')
    .requiredOption('--kid <kid>', 'the key id to revoke')
    .requiredOption('--reason <text>', 'why, for the audit trail')
    .option('--at <time>', 'when the revocation takes effect, RFC 3339 (default: now)', parseInstant)
    .option('--file <file>', 'the revocation list (default: MARKETOPS_REVOCATIONS_FILE)')
    .option('--json', 'print {kid, revoked_at, reason, file, digest}')
    .addHelpText('after', REVOKE_EXAMPLES)
    .action(async (flags: RevokeFlags) => {
      const { revokeKey } = await import('../../policy/index.js');
      const at = flags.at ?? new Date();
      const file = flags.file ?? (await configFromEnv()).policy.revocationsFile;
      const revocation = { kid: flags.kid, revoked_at: at.toISOString(), reason: flags.reason };
      const list = await asUserError(revokeKey(file, revocation));
      process.stdout.write(
        flags.json
          ? `${JSON.stringify({ ...revocation, file, digest: list.digest })}\n`
          : `Key ${flags.kid} revoked from ${revocation.revoked_at} in ${file} (revocations ${list.digest}).\n`,
      );
    });
}
