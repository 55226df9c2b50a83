import { describe, expect, it } from 'vitest';
import {
  type AuditRecord,
  exportBundle,
  leafHash,
  openAuditStore,
  openDecisionVersions,
  verifyBundle,
} from '../../src/audit/index.js';
import { sampleRecord, testKeys } from '../audit/fixtures.js';
import { tempDir } from '../support/temp-dirs.js';

const RUN_ID = 'run-record';

/** The record a run appends at its end, naming its steps' records. */
function runRecord(stepLeaves: (string | null)[]): AuditRecord {
  return {
    ...sampleRecord(0, RUN_ID),
    receipt_id: null,
    operation_kind: 'publication_run',
    repository: null,
    op_digest: null,
    key_id: null,
    outcome: 'failed',
    github: null,
    temporal: { workflow_id: `run-${RUN_ID}`, run_id: 'wf-run' },
    run: {
      plan_digest: 'b'.repeat(64),
      mode: 'prod',
      steps: stepLeaves.map((leaf, n) => ({
        id: `step-${n}`,
        status: leaf === null ? 'not_shipped' : 'shipped',
        reason_code: leaf === null ? 'NEVER_AUTHORIZED' : null,
        receipt_id: leaf === null ? null : `rcpt-${n + 1}`,
        url: null,
        leaf_hash: leaf,
      })),
      refusals: 0,
    },
  };
}

describe('the run record in an audit bundle', () => {
  it('verifies with every step record it names, and fails naming a step whose record is missing', async () => {
    const { signer, publicJwks } = await testKeys();
    const dir = await tempDir('run-record');
    const store = await openAuditStore(dir, signer);
    try {
      const steps = [sampleRecord(1, RUN_ID), sampleRecord(2, RUN_ID)];
      for (const [n, record] of steps.entries()) await store.append(`receipt-${n}/final`, record);
      const named = [...steps.map(leafHash), null];
      await store.append(`run-${RUN_ID}/run`, runRecord(named));
      const versions = await openDecisionVersions(dir);
      const bundle = await exportBundle(store, RUN_ID, { publicJwks, histories: {}, versions });
      expect(bundle.entries.map((entry) => entry.record.operation_kind)).toContain('publication_run');
      expect(await verifyBundle(bundle)).toEqual({ ok: true, records: 3 });

      const cut = { ...bundle, entries: bundle.entries.filter((entry) => entry.leafHash !== named[1]) };
      expect(await verifyBundle(cut)).toEqual({
        ok: false,
        message: `the run record 2 names step "step-1", whose record is not in the bundle`,
      });
    } finally {
      await store.close();
    }
  });
});
