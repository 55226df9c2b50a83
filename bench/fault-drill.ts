/**
 * The full drills: 300 operations through a `marketops worker` process that is SIGKILLed at
 * random moments and restarted, with one dev-server restart; releases with assets whose uploads
 * the worker is SIGKILLed in the middle of; then 100 parallel submissions of one receipt across
 * three worker sets. CI runs smaller variants (test/e2e).
 * Run: npx tsx bench/fault-drill.ts [--ops 300] [--kills 10] [--max-kill-delay-ms 30000]
 *   [--asset-releases 3] [--assets 5] [--asset-mb 32] [--asset-kills 5] [--only crash,assets,concurrency]
 */
import { parseArgs } from 'node:util';
import { runConcurrencyDrill } from '../test/support/concurrency-drill.js';
import { runCrashDrill } from '../test/support/crash-drill.js';
import { saveResult } from './lib/results.js';

const { values } = parseArgs({
  options: {
    ops: { type: 'string', default: '300' },
    kills: { type: 'string', default: '10' },
    'max-kill-delay-ms': { type: 'string', default: '30000' },
    'asset-releases': { type: 'string', default: '3' },
    assets: { type: 'string', default: '5' },
    'asset-mb': { type: 'string', default: '32' },
    'asset-kills': { type: 'string', default: '5' },
    only: { type: 'string', default: 'crash,assets,concurrency' },
  },
});
const only = new Set(values.only.split(','));
const kills = Number(values.kills);
if (only.has('crash')) {
  const crash = await runCrashDrill({
    ops: Number(values.ops),
    kills,
    restartServerAfterKill: Math.ceil(kills / 2),
    maxKillDelayMs: Number(values['max-kill-delay-ms']),
    log: (line) => console.log(line),
  });
  const v = crash.verdict;
  await saveResult({
    name: 'fault-drill',
    title: `Crash drill (${v.submissions} operations, ${crash.kills} SIGKILLs, ${crash.serverRestarts} dev-server restart)`,
    summary: [
      ['Outcomes', JSON.stringify(v.outcomes)],
      ['Submissions without exactly one outcome (lost or doubled)', String(v.withoutOneOutcome), '0'],
      [
        'Succeeded without exactly one effect (duplicates or missing)',
        String(v.succeededWithoutOneEffect),
        '0',
      ],
      ['Not succeeded but with an effect', String(v.unsucceededWithEffect), '0'],
      ['Audit log verifies', `${v.audit.verified} (${v.audit.size} records)`, 'true'],
      ['Submissions without exactly one final audit record', String(v.withoutOneRecord), '0'],
      ['Worker processes started', String(crash.workerStarts)],
      ['Worker peak RSS per process (VmHWM, MiB)', crash.workerPeakRssMiB.join(', ')],
      ['Wall time', `${(crash.wallMs / 1000).toFixed(1)} s`],
    ],
    charts: [],
    notes: [
      'The worker runs as `node bin/marketops.js worker` (MARKETOPS_MODE=prod, file audit store and ledger) at the highest pace the CLI accepts, 80/60 writes per second.',
      'Every operation is submitted before the first kill; the dev server restarts on the same port and SQLite file.',
    ],
    data: crash,
  });
  console.log(JSON.stringify(crash, null, 1));
}

if (only.has('assets')) {
  const releases = Number(values['asset-releases']);
  const perRelease = Number(values.assets);
  const drill = await runCrashDrill({
    ops: releases,
    kills: Number(values['asset-kills']),
    restartServerAfterKill: 0,
    maxKillDelayMs: 60_000,
    releasesWithAssets: { assets: perRelease, bytes: Number(values['asset-mb']) * 1e6 },
    log: (line) => console.log(line),
  });
  const v = drill.verdict;
  const a = drill.assets;
  await saveResult({
    name: 'asset-crash-drill',
    title: `Asset crash drill (${releases} releases × ${perRelease} assets of ${values['asset-mb']} MB, ${drill.kills} SIGKILLs mid-upload)`,
    summary: [
      ['Outcomes', JSON.stringify(v.outcomes), JSON.stringify({ succeeded: releases })],
      ['Kills that landed while an upload was in flight', `${drill.killsMidUpload} of ${drill.kills}`],
      ['Releases published', `${a?.published} of ${a?.releases}`, String(releases)],
      ['Duplicate assets / duplicate releases', `${a?.duplicateAssets} / ${a?.duplicateReleases}`, '0 / 0'],
      ['Published with a missing or wrong asset', String(a?.publishedWithMissingOrWrongAsset), '0'],
      [
        'Published assets whose download does not hash to the authorized sha256',
        `${a?.downloadsNotMatching} (${((a?.downloadedBytes ?? 0) / 1e6).toFixed(0)} MB downloaded)`,
        '0',
      ],
      ['Audit log verifies', `${v.audit.verified} (${v.audit.size} records)`, 'true'],
      ['Worker processes started', String(drill.workerStarts)],
      ['Worker peak RSS per process (VmHWM, MiB)', drill.workerPeakRssMiB.join(', ')],
      ['Wall time', `${(drill.wallMs / 1000).toFixed(1)} s`],
    ],
    charts: [],
    notes: [
      'Each kill waits for an asset in the `starter` state in the sandbox (bytes streaming in) and SIGKILLs the worker then; a new one starts at once.',
      'A killed upload is retried once its heartbeat times out (at most 30 s): the retry deletes the starter and uploads the bytes again.',
    ],
    data: drill,
  });
  console.log(JSON.stringify(drill, null, 1));
}

if (only.has('concurrency')) {
  const concurrency = await runConcurrencyDrill(100, 3);
  await saveResult({
    name: 'concurrency-drill',
    title: 'Concurrency drill (one receipt, 100 parallel submissions, 3 worker processes)',
    summary: [
      [
        'Submissions started / rejected ALREADY_CONSUMED',
        `${concurrency.started} / ${concurrency.rejectedAlreadyConsumed}`,
        '1 / 99',
      ],
      [
        'Effects in the sandbox / writes applied',
        `${concurrency.effects} / ${concurrency.appliedWrites}`,
        '1 / 1',
      ],
      [
        'Audit records: succeeded / ALREADY_CONSUMED',
        `${concurrency.audit.succeeded} / ${concurrency.audit.alreadyConsumed}`,
        '1 / 99',
      ],
      ['Audit log verifies', String(concurrency.audit.verified), 'true'],
      ['Wall time', `${(concurrency.wallMs / 1000).toFixed(1)} s`],
    ],
    charts: [],
    notes: ['Three `marketops worker` processes sharing the audit-store and ledger files.'],
    data: concurrency,
  });
  console.log(JSON.stringify(concurrency, null, 1));
}
process.exit(0);
