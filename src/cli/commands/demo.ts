import { join } from 'node:path';
import type { Command } from 'commander';
import type { JWK } from 'jose';
import { receiptKeyFileNames } from '../../config/key-file-names.js';
import { ExitCode } from '../exit-codes.js';
import { asUserError, configFromEnv } from '../inputs.js';

const EXAMPLES = `
Examples:
  $ npm start            # in one terminal
  $ npx marketops demo   # in another

Issues receipts with the local Federation Core key (.data/keys), runs a tag, a release and a pull
request, then shows a replayed receipt, an expired receipt and a tampered request being refused,
and finally prints and verifies the run's audit trail. Exit 0 when every step behaved as expected.`;

interface DemoFlags {
  key?: string;
  runId?: string;
  json?: boolean;
}

async function verifyStore(location: string, keysFile: string) {
  const { openAuditStore, readPublicJwks, verifyAuditLog } = await import('../../audit/index.js');
  const store = await openAuditStore(location);
  try {
    return await verifyAuditLog(store, await readPublicJwks(keysFile));
  } finally {
    await store.close();
  }
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Run a scripted tour against the running stack (start it first with `npm start`).')
    .option(
      '--key <file>',
      'receipt signing key (default: <MARKETOPS_DATA_DIR>/keys/receipt-signing-key.jwk.json)',
    )
    .option('--run-id <id>', 'the run id to use (default: demo-<timestamp>)')
    .option('--json', 'print JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: DemoFlags) => {
      const config = await configFromEnv();
      const [{ connectExecutor }, { readJsonFile }, { formatStep, runTour, stepPassed }] = await Promise.all([
        import('../../client/connect.js'),
        import('../../common/files.js'),
        import('../../demo/tour.js'),
      ]);
      const keyFile = flags.key ?? join(config.dataDir, 'keys', receiptKeyFileNames.privateKey);
      const signingKey = (await asUserError(readJsonFile(keyFile, 'the receipt signing key'))) as JWK;
      const runId =
        flags.runId ??
        `demo-${new Date()
          .toISOString()
          .replace(/[^0-9]/g, '')
          .slice(0, 14)}`;
      const { executor, close } = await asUserError(connectExecutor(config));
      try {
        const log = (line: string) => !flags.json && process.stdout.write(`${line}\n`);
        log(`MarketOps demo, run ${runId}\n`);
        const steps = await runTour(executor, signingKey, runId, (step) => log(formatStep(step)));
        const trail = await executor.getAuditTrail({ runId });
        const verification = await verifyStore(config.audit.store, config.audit.keysFile);
        log(`\nAudit trail of ${runId} (${trail.length} records):`);
        for (const entry of trail) {
          log(
            `  #${entry.index} ${entry.record.outcome.padEnd(15)} ${entry.record.operation_kind ?? '-'}  ${entry.record.reasons.map((r) => r.code).join(',') || '-'}  leaf ${entry.leafHash.slice(0, 16)}…`,
          );
        }
        log(
          verification.ok
            ? `Audit log verified: ${verification.size} records, every checkpoint signed and consistent.`
            : `Audit log BROKEN at index ${verification.firstBadIndex}: ${verification.message}`,
        );
        log(
          `\nSee it in the Web UI: filter by MarketOpsRunId="${runId}"; or run: npx marketops runs list --run-id ${runId}`,
        );
        if (flags.json)
          process.stdout.write(`${JSON.stringify({ runId, steps, trail, verification }, null, 2)}\n`);
        const passed = steps.every(stepPassed);
        process.exitCode = !verification.ok ? ExitCode.auditBroken : passed ? ExitCode.ok : ExitCode.failure;
      } finally {
        await close();
      }
    });
}
