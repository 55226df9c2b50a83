import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditBundle,
  exportBundle,
  openAuditStore,
  openDecisionVersions,
  verifyBundle,
} from '../../src/audit/index.js';
import { fetchRunHistories } from '../../src/audit/temporal-histories.js';
import { createLocalEnv, registerSearchAttributes } from '../../src/temporal/servers.js';
import { tempDir } from '../support/temp-dirs.js';
import { anchorSignal, returnAuditAnchor } from './anchor-workflow.js';
import { sampleRecord, testKeys } from './fixtures.js';

const run = promisify(execFile);
const RUN_ID = 'run-bundle';
let env: TestWorkflowEnvironment;
let bundle: AuditBundle;
let storeDir: string;
let keysFile: string;

/** Runs workflows that each append their record and return the append result, like the executor does. */
beforeAll(async () => {
  env = await createLocalEnv();
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  const { signer, publicJwks } = await testKeys();
  storeDir = await tempDir('audit-bundle');
  const store = await openAuditStore(storeDir, signer);
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: 'audit-bundle',
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: fileURLToPath(new URL('./anchor-workflow.ts', import.meta.url)),
    }),
  });
  await worker.runUntil(async () => {
    await store.append('other-run', sampleRecord(99, 'run-other'));
    for (let n = 0; n < 3; n++) {
      const workflowId = `receipt-bundle-${n}-${Date.now()}`;
      const handle = await env.client.workflow.start(returnAuditAnchor, {
        taskQueue: 'audit-bundle',
        workflowId,
      });
      const record = {
        ...sampleRecord(n, RUN_ID),
        temporal: { workflow_id: workflowId, run_id: handle.firstExecutionRunId },
      };
      const appended = await store.append(`${workflowId}/final`, record);
      await handle.signal(anchorSignal, { leafHash: appended.leafHash, checkpoint: appended.checkpoint });
      await handle.result();
    }
  });
  const entries = await store.byRunId(RUN_ID);
  const histories = await fetchRunHistories(RUN_ID, entries, {
    connectionOptions: { address: env.address },
    namespace: env.namespace ?? 'default',
  });
  const versions = await openDecisionVersions(storeDir);
  bundle = await exportBundle(store, RUN_ID, { publicJwks, histories, versions });
  await store.close();
  keysFile = join(storeDir, 'keys.jwks.json');
  await import('node:fs/promises').then((fs) => fs.writeFile(keysFile, JSON.stringify(publicJwks)));
}, 120_000);

afterAll(() => env?.teardown());

const edited = (edit: (b: AuditBundle) => void): AuditBundle => {
  const copy = structuredClone(bundle);
  edit(copy);
  return copy;
};

const flipHex = (hex: string, at: number) =>
  `${hex.slice(0, at)}${((Number.parseInt(hex[at] as string, 16) + 1) % 16).toString(16)}${hex.slice(at + 1)}`;

describe('exported audit bundle', () => {
  it("holds the run's records, the checkpoint, the public key and the workflows' histories, and verifies offline", async () => {
    expect(bundle.entries).toHaveLength(3);
    expect(Object.keys(bundle.histories)).toHaveLength(3);
    expect(JSON.stringify(bundle.publicKeys)).not.toMatch(/"d"/);
    expect(Object.keys(bundle.consistencyProofs)).toEqual(['2', '3', '4']);
    await expect(verifyBundle(JSON.parse(JSON.stringify(bundle)))).resolves.toEqual({ ok: true, records: 3 });
  });

  it('fails after an edit to any record field, proof node, or checkpoint character', async () => {
    const edits = fc.oneof(
      fc
        .tuple(fc.nat(2), fc.constantFrom('receipt_id', 'outcome', 'recorded_at', 'repository'))
        .map(([i, field]) => (b: AuditBundle) => {
          const record = b.entries[i]?.record as Record<string, unknown>;
          record[field] =
            field === 'outcome'
              ? record.outcome === 'succeeded'
                ? 'failed'
                : 'succeeded'
              : `${record[field]}x`;
        }),
      fc.tuple(fc.nat(2), fc.nat(), fc.nat(63)).map(([i, p, at]) => (b: AuditBundle) => {
        const proof = b.entries[i]?.inclusionProof as string[];
        proof[p % proof.length] = flipHex(proof[p % proof.length] as string, at);
      }),
      fc.nat(200).map((at) => (b: AuditBundle) => {
        const text = b.checkpoint.text;
        const pos = at % text.length;
        b.checkpoint.text = `${text.slice(0, pos)}${text[pos] === 'A' ? 'B' : 'A'}${text.slice(pos + 1)}`;
      }),
      fc.constantFrom<(b: AuditBundle) => void>(
        (b) => {
          b.checkpoint.size += 1;
        },
        (b) => {
          b.checkpoint.rootHash = Buffer.alloc(32).toString('base64');
        },
        (b) => {
          b.entries[1] = { ...(b.entries[1] as AuditBundle['entries'][number]), index: 0 };
        },
      ),
    );
    await fc.assert(
      fc.asyncProperty(edits, async (edit) => {
        expect((await verifyBundle(edited(edit))).ok).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('fails when a record is dropped, or its history no longer names its leaf hash', async () => {
    await expect(verifyBundle(edited((b) => b.entries.splice(1, 1)))).resolves.toMatchObject({ ok: false });
    const otherHistory = Object.values(bundle.histories)[0];
    const swapped = edited((b) => {
      const ids = Object.keys(b.histories);
      b.histories[ids[1] as string] = otherHistory;
    });
    await expect(verifyBundle(swapped)).resolves.toMatchObject({
      ok: false,
      message: expect.stringMatching(/leaf hash/),
    });
  });

  it("pins the bundle's key when the auditor supplies the published key set", async () => {
    const stranger = await testKeys();
    await expect(verifyBundle(bundle, { trustedKeys: stranger.publicJwks.keys })).resolves.toMatchObject({
      ok: false,
      message: expect.stringMatching(/not among the trusted keys/),
    });
    await expect(verifyBundle(bundle, { trustedKeys: bundle.publicKeys.keys })).resolves.toEqual({
      ok: true,
      records: 3,
    });
  });

  it('the CLI verifies the bundle file (exit 0) and a corrupted copy (exit 5)', async () => {
    const dir = await tempDir('audit-bundle-cli');
    const good = join(dir, 'good.json');
    const bad = join(dir, 'bad.json');
    const fs = await import('node:fs/promises');
    await fs.writeFile(good, JSON.stringify(bundle));
    await fs.writeFile(bad, JSON.stringify(edited((b) => b.entries.pop())).replace('rcpt-0', 'rcpt-9'));
    const ok = await run('./bin/marketops.js', ['audit', 'verify-bundle', good, '--json']);
    expect(JSON.parse(ok.stdout)).toEqual({ ok: true, records: 3 });
    await expect(run('./bin/marketops.js', ['audit', 'verify-bundle', bad])).rejects.toMatchObject({
      code: 5,
      stdout: expect.stringMatching(/Bundle broken/),
    });
  });

  it('the CLI exports a bundle with the histories fetched from Temporal', async () => {
    const out = join(storeDir, 'exported.json');
    const cli = await run(
      './bin/marketops.js',
      [
        'audit',
        'export',
        '--run-id',
        RUN_ID,
        '--out',
        out,
        '--store',
        `file:${storeDir}`,
        '--keys',
        keysFile,
      ],
      {
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: env.address,
          TEMPORAL_NAMESPACE: env.namespace ?? 'default',
        },
      },
    );
    expect(cli.stdout).toMatch(/Wrote 3 records/);
    const exported = JSON.parse(await readFile(out, 'utf8'));
    expect(Object.keys(exported.histories).sort()).toEqual(Object.keys(bundle.histories).sort());
    await expect(verifyBundle(exported)).resolves.toEqual({ ok: true, records: 3 });
  });
});
