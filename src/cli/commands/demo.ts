import { join } from 'node:path';
import type { Command } from 'commander';
import type { JWK } from 'jose';
import { receiptIdLabel } from '../../audit/claims.js';
import type { AuditEntry } from '../../audit/index.js';
import { receiptKeyFileNames } from '../../config/key-file-names.js';
import type { DemoStory } from '../../demo/tour.js';
import { ExitCode } from '../exit-codes.js';
import { asUserError, configFromEnv, timeoutOption } from '../inputs.js';

const EXAMPLES = `
Examples:
  $ npm start            # in one terminal
  $ npx marketops demo   # in another

Drives one publication run as Federation Core would, with the local key (.data/keys): previews its
plan, starts it, delivers a tampered receipt (refused at once) and a receipt per step; the tag, its
release and a pull request ship, moving the tag to another commit is refused by GitHub (CONFLICT),
and the release that needs that move does not ship, naming it. Then prints the run's timeline and
verifies its audit trail. Exit 0 when the run went as scripted.`;

interface DemoFlags {
  key?: string;
  runId?: string;
  timeout?: number;
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

/** A refused authorization names its step and the receipt it claimed, marked when the signature did not verify. */
function refusedAuthorization(record: AuditEntry['record']): string {
  if (!record.authorization) return '';
  const receipt = record.receipt_id ? `, receipt ${receiptIdLabel(record)}` : '';
  return `  refused authorization of step ${record.authorization.step ?? '-'}${receipt}`;
}

const trailLine = ({ index, record, leafHash }: AuditEntry) =>
  `  #${index} ${record.outcome.padEnd(15)} ${(record.operation_kind ?? '-').padEnd(16)} ${record.reasons.map((r) => r.code).join(',') || '-'}  leaf ${leafHash.slice(0, 16)}…${refusedAuthorization(record)}`;

/** Prints the run's audit trail, the log's verification and whether the run went as scripted; the exit code. */
async function report(
  { story, trail }: { story: DemoStory; trail: AuditEntry[] },
  runId: string,
  audit: { store: string; keysFile: string },
  json: boolean,
  log: (line: string) => void,
): Promise<number> {
  const tour = await import('../../demo/tour.js');
  const verification = await verifyStore(audit.store, audit.keysFile);
  log(`\nAudit trail of ${runId} (${trail.length} records):`);
  for (const entry of trail) log(trailLine(entry));
  log(
    verification.ok
      ? `Audit log verified: ${verification.size} records, every checkpoint signed and consistent.`
      : `Audit log BROKEN at index ${verification.firstBadIndex}: ${verification.message}`,
  );
  const problems = [...tour.storyProblems(story), ...tour.trailProblems(story.timeline, trail)];
  log(
    problems.length === 0
      ? `\nAs scripted: ${tour.SCRIPT[story.timeline.mode].told}`
      : `\nNOT as scripted:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`,
  );
  log(
    `\nSee it in the Web UI: open workflow ${story.workflowId} (its details show the timeline); or run: npx marketops run show ${runId}`,
  );
  if (json) process.stdout.write(`${JSON.stringify({ ...story, trail, verification, problems }, null, 2)}\n`);
  if (!verification.ok) return ExitCode.auditBroken;
  return problems.length === 0 ? ExitCode.ok : ExitCode.failure;
}

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'Drive a scripted publication run against the running stack (start it first with `npm start`).',
    )
    .option(
      '--key <file>',
      'receipt signing key (default: <MARKETOPS_DATA_DIR>/keys/receipt-signing-key.jwk.json)',
    )
    .option('--run-id <id>', 'the run id to use (default: demo-<timestamp>)')
    .addOption(timeoutOption('the run to close'))
    .option('--json', 'print JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: DemoFlags) => {
      const config = await configFromEnv();
      const [{ RunClient }, { readJsonFile }, tour, { withTemporal }, { TASK_QUEUE }] = await Promise.all([
        import('../../client/run-client.js'),
        import('../../common/files.js'),
        import('../../demo/tour.js'),
        import('../waiting.js'),
        import('../../shared.js'),
      ]);
      const keyFile = flags.key ?? join(config.dataDir, 'keys', receiptKeyFileNames.privateKey);
      const signingKey = (await asUserError(readJsonFile(keyFile, 'the receipt signing key'))) as JWK;
      const runId =
        flags.runId ??
        `demo-${new Date()
          .toISOString()
          .replace(/[^0-9]/g, '')
          .slice(0, 14)}`;
      const log = (line: string) => {
        if (!flags.json) process.stdout.write(`${line}\n`);
      };
      const told = await withTemporal(
        undefined,
        async ({ executor, client }) => {
          log(`MarketOps demo, run ${runId}\n`);
          const story = await asUserError(tour.runDemoStory(new RunClient(client), signingKey, runId, log));
          return { story, trail: await executor.getAuditTrail({ runId }) };
        },
        {
          seconds: flags.timeout,
          timedOut: `The demo did not finish within ${flags.timeout} s: what it started, if anything, goes on when a worker polls ${TASK_QUEUE}; see marketops run show ${runId}.`,
        },
      );
      process.exitCode = await report(told, runId, config.audit, Boolean(flags.json), log);
    });
}
