import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { JWK } from 'jose';
import { receiptIdLabel, runIdLabel } from '../../audit/claims.js';
import type { AuditEntry, AuditStore, KeptAnchor } from '../../audit/index.js';
import { ExitCode, UserError } from '../exit-codes.js';
import { configFromEnv } from '../inputs.js';

/** Loaded when a subcommand runs, so `marketops --help` does not load the audit log's libraries. */
const auditLibrary = () => import('../../audit/index.js');

const STORE_HELP =
  'audit store: file:DIR or postgres://… (default: $MARKETOPS_AUDIT_STORE or file:.data/audit)';

async function withStore<T>(
  location: string | undefined,
  work: (store: AuditStore) => Promise<T>,
): Promise<T> {
  const { openAuditStore } = await auditLibrary();
  const store = await openAuditStore(location ?? (await configFromEnv()).audit.store);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** A missing or malformed key file is the user's to fix: exit 2 with the path. */
async function readKeys(path?: string) {
  const { readPublicJwks } = await auditLibrary();
  return readPublicJwks(path ?? (await configFromEnv()).audit.keysFile).catch((e: Error) => {
    throw new UserError(e.message);
  });
}

const print = (text: string) => process.stdout.write(`${text}\n`);

/** Run and receipt ids that did not verify are claims, and shown as such. */
function describeEntry({ index, record }: AuditEntry): string {
  const reasons = record.reasons.map((r) => r.code).join(',') || '-';
  const subject = [record.operation_kind, record.repository].filter(Boolean).join(' ') || '(no operation)';
  return `#${index} ${record.recorded_at} ${record.outcome} ${subject} run=${runIdLabel(record)} receipt=${receiptIdLabel(record)} reasons=${reasons}`;
}

const DEFAULT_SHOW_LIMIT = 20;

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UserError(`--limit ${value} must be a positive whole number.`);
  return n;
}

/** The run's records, or the newest `limit` records of the whole log, in log order. */
async function recordsToShow(store: AuditStore, runId: string | undefined, limit: number) {
  if (runId !== undefined) return store.byRunId(runId);
  const size = await store.size();
  return store.entries(Math.max(0, size - limit), size);
}

function registerShow(audit: Command): void {
  audit
    .command('show')
    .description("Print a run's audit records, or the latest records of the log.")
    .option('--run-id <id>', 'the run whose records to show (default: the latest records of any run)')
    .option(
      '--limit <n>',
      `without --run-id: how many of the latest records (default ${DEFAULT_SHOW_LIMIT})`,
      positiveInteger,
    )
    .option('--store <location>', STORE_HELP)
    .option('--json', 'print the records as JSON')
    .addHelpText(
      'after',
      '\nA run or receipt id marked "(unverified)" was read from a request or receipt that did not verify.\n\nExamples:\n' +
        '  marketops audit show\n  marketops audit show --limit 100\n  marketops audit show --run-id run-42\n' +
        '  marketops audit show --run-id run-42 --json',
    )
    .action(async (opts: { runId?: string; limit?: number; store?: string; json?: boolean }) => {
      const entries = await withStore(opts.store, (store) =>
        recordsToShow(store, opts.runId, opts.limit ?? DEFAULT_SHOW_LIMIT),
      );
      if (opts.json) print(JSON.stringify(entries, null, 2));
      else if (entries.length === 0)
        print(
          opts.runId === undefined ? 'The audit log is empty.' : `No audit records for run ${opts.runId}.`,
        );
      else for (const entry of entries) print(describeEntry(entry));
    });
}

interface VerifyFlags {
  store?: string;
  keys?: string;
  checkpoints?: string;
  temporal?: boolean;
  json?: boolean;
}

/** The checkpoints kept outside the store that the log must be consistent with. */
async function keptAnchors(flags: VerifyFlags, keys: { keys: JWK[] }) {
  const anchors: KeptAnchor[] = [];
  const notes: string[] = [];
  if (flags.checkpoints) {
    const { readKeptCheckpoints } = await import('../../audit/kept-checkpoints.js');
    anchors.push(
      ...(await readKeptCheckpoints(flags.checkpoints, keys.keys).catch((e: Error) => {
        throw new UserError(e.message);
      })),
    );
  }
  if (flags.temporal) {
    const { fetchTemporalAnchors } = await import('../../audit/temporal-histories.js');
    const kept = await fetchTemporalAnchors((await configFromEnv()).temporal);
    anchors.push(...kept.anchors);
    notes.push(`${kept.executions} closed executions in Temporal`);
    if (kept.silent.length > 0)
      notes.push(`${kept.silent.length} of them ended before recording (${kept.silent.join(', ')})`);
  }
  return { anchors, notes };
}

function registerVerify(audit: Command): void {
  audit
    .command('verify')
    .description('Recompute every leaf and the tree; check every checkpoint signature and consistency.')
    .option('--store <location>', STORE_HELP)
    .option(
      '--keys <file>',
      'trusted public JWKS (default: $MARKETOPS_AUDIT_KEYS or .data/keys/audit-keys.jwks.json)',
    )
    .option(
      '--checkpoints <file>',
      'also check the log against checkpoints kept elsewhere: signed notes and/or JSON results (docs/audit.md)',
    )
    .option('--temporal', "also check the log against every checkpoint in Temporal's workflow results")
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExits 0 when the log is intact, 5 when not (naming the first bad index). A log cut back at its end\n' +
        'together with its checkpoints is consistent with itself; only a checkpoint kept elsewhere shows the cut.\n' +
        'With --temporal, connects to $TEMPORAL_ADDRESS (default localhost:7233), $TEMPORAL_NAMESPACE.\n\nExamples:\n' +
        '  marketops audit verify\n  marketops audit verify --temporal\n  marketops audit verify --checkpoints kept-checkpoints.txt\n' +
        '  marketops audit verify --store postgres://marketops@127.0.0.1:54329/marketops --json',
    )
    .action(async (flags: VerifyFlags) => {
      const keys = await readKeys(flags.keys);
      const { verifyAuditLog } = await auditLibrary();
      const { anchors, notes } = await keptAnchors(flags, keys);
      const result = await withStore(flags.store, (store) => verifyAuditLog(store, keys, { anchors }));
      const against = anchors.length > 0 ? `; consistent with ${anchors.length} kept checkpoints` : '';
      const context = notes.length > 0 ? ` (${notes.join('; ')})` : '';
      if (flags.json) print(JSON.stringify({ ...result, keptCheckpoints: anchors.length }));
      else if (result.ok) print(`Audit log intact: ${result.size} records${against}${context}.`);
      else print(`Audit log broken at index ${result.firstBadIndex}: ${result.message}.`);
      if (!result.ok) process.exitCode = ExitCode.auditBroken;
    });
}

/** No records at all: a wrong run id, unless Temporal knows the run's workflows, when the log lost them. */
function noRecords(runId: string, workflowIds: readonly string[]): UserError {
  if (workflowIds.length === 0) return new UserError(`No audit records for run ${runId}; check the run id.`);
  return new UserError(
    `The audit log has no records for run ${runId}, but Temporal knows its workflows ${workflowIds.join(', ')}: the log is missing their records.`,
    ExitCode.auditBroken,
  );
}

function registerExport(audit: Command): void {
  audit
    .command('export')
    .description("Write a self-contained, offline-verifiable bundle of a run's records.")
    .requiredOption('--run-id <id>', 'the run to export')
    .requiredOption('--out <file>', 'where to write the bundle JSON')
    .option('--store <location>', STORE_HELP)
    .option(
      '--keys <file>',
      'public JWKS to embed (default: $MARKETOPS_AUDIT_KEYS or .data/keys/audit-keys.jwks.json)',
    )
    .addHelpText(
      'after',
      "\nFinds the run's workflows in Temporal (search attribute MarketOpsRunId) as well as in the log, and\n" +
        'embeds their histories: a workflow whose record the log lacks makes the bundle fail verification.\n' +
        'Temporal connection ($TEMPORAL_ADDRESS, default localhost:7233;\n' +
        '$TEMPORAL_NAMESPACE, default "default").\n\nExample:\n  marketops audit export --run-id run-42 --out run-42.audit.json',
    )
    .action(async (opts: { runId: string; out: string; store?: string; keys?: string }) => {
      const publicJwks = await readKeys(opts.keys);
      const [{ exportBundle, openDecisionVersions }, { fetchRunHistories }, { temporal }] = await Promise.all(
        [auditLibrary(), import('../../audit/temporal-histories.js'), configFromEnv()],
      );
      const location = opts.store ?? (await configFromEnv()).audit.store;
      const bundle = await withStore(location, async (store) => {
        const entries = await store.byRunId(opts.runId);
        const histories = await fetchRunHistories(opts.runId, entries, temporal);
        if (entries.length === 0) throw noRecords(opts.runId, Object.keys(histories));
        // The policy and revocation-list versions the workers kept beside the log (docs/audit.md).
        const versions = await openDecisionVersions(location);
        try {
          return await exportBundle(store, opts.runId, { publicJwks, histories, versions });
        } finally {
          await versions.close();
        }
      });
      await writeFile(opts.out, `${JSON.stringify(bundle, null, 2)}\n`);
      print(`Wrote ${bundle.entries.length} records of run ${opts.runId} to ${opts.out}.`);
    });
}

function registerVerifyBundle(audit: Command): void {
  audit
    .command('verify-bundle')
    .description('Verify an exported bundle offline, with nothing but the bundle.')
    .argument('<file>', 'bundle JSON written by "marketops audit export"')
    .option('--keys <file>', "also require the bundle's key to be in this trusted public JWKS")
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExits 0 when the bundle verifies, 5 when not.\n\nExamples:\n  marketops audit verify-bundle run-42.audit.json\n' +
        '  marketops audit verify-bundle run-42.audit.json --keys marketops-audit-keys.jwks.json',
    )
    .action(async (file: string, opts: { keys?: string; json?: boolean }) => {
      const trustedKeys = opts.keys ? (await readKeys(opts.keys)).keys : undefined;
      const [{ verifyBundle }, { readTextFile }] = await Promise.all([
        auditLibrary(),
        import('../../common/files.js'),
      ]);
      const text = await readTextFile(file, 'the bundle').catch((error: Error) => {
        throw new UserError(error.message);
      });
      let content: unknown;
      try {
        content = JSON.parse(text);
      } catch {
        content = undefined;
      }
      const result = await verifyBundle(content, { trustedKeys });
      if (opts.json) print(JSON.stringify(result));
      else
        print(result.ok ? `Bundle verified: ${result.records} records.` : `Bundle broken: ${result.message}`);
      if (!result.ok) process.exitCode = ExitCode.auditBroken;
    });
}

function registerKeygen(audit: Command): void {
  audit
    .command('keygen')
    .description('Create the Ed25519 checkpoint signing key and the public JWKS to publish.')
    .option('--json', 'print the new key id as JSON')
    .addHelpText(
      'after',
      '\nWrites $MARKETOPS_AUDIT_KEY (default .data/keys/audit-signing-key.jwk.json, mode 600)\n' +
        'and $MARKETOPS_AUDIT_KEYS (default .data/keys/audit-keys.jwks.json); never overwrites either.\n\nExample:\n  marketops audit keygen',
    )
    .action(async (opts: { json?: boolean }) => {
      const { keyFile, keysFile } = (await configFromEnv()).audit;
      const [{ generateAuditKeys }, { KeyExistsError, writeKeyPair }] = await Promise.all([
        auditLibrary(),
        import('../../keys/key-files.js'),
      ]);
      const pair = await generateAuditKeys();
      await writeKeyPair({ privateKeyFile: keyFile, publicKeysFile: keysFile }, pair).catch((e: Error) => {
        throw e instanceof KeyExistsError ? new UserError(e.message) : e;
      });
      const { kid } = pair.privateJwk;
      print(
        opts.json
          ? JSON.stringify({ kid, publicKeys: keysFile })
          : `Created audit key ${kid}; publish ${keysFile}.`,
      );
    });
}

export function registerAuditCommand(program: Command): void {
  const audit = program
    .command('audit')
    .description('Inspect, verify and export the tamper-evident audit log.')
    .addHelpText(
      'after',
      '\nExamples:\n  marketops audit show --run-id run-42\n  marketops audit verify\n' +
        '  marketops audit export --run-id run-42 --out run-42.audit.json\n  marketops audit verify-bundle run-42.audit.json',
    );
  registerShow(audit);
  registerVerify(audit);
  registerExport(audit);
  registerVerifyBundle(audit);
  registerKeygen(audit);
}
