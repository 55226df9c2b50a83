import {
  type AuditRecord,
  type CheckpointSigner,
  checkpointSignerFromJwk,
  generateAuditKeys,
} from '../../src/audit/index.js';

export const TEST_ORIGIN = 'test.marketops/audit';

export async function testKeys(): Promise<
  Awaited<ReturnType<typeof generateAuditKeys>> & { signer: CheckpointSigner }
> {
  const keys = await generateAuditKeys();
  return { ...keys, signer: await checkpointSignerFromJwk(keys.privateJwk, TEST_ORIGIN) };
}

/** A plausible record; `n` varies every field that an auditor reads. */
export function sampleRecord(n: number, runId = 'run-1'): AuditRecord {
  const succeeded = n % 3 === 0;
  return {
    recorded_at: new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString(),
    run_id: runId,
    run_id_verified: true,
    receipt_id: `rcpt-${n}`,
    operation_kind: 'release.create',
    repository: 'acme/widgets',
    op_digest: `sha256:${n.toString(16).padStart(64, '0')}`,
    key_id: 'receipt-key-1',
    outcome: succeeded ? 'succeeded' : 'rejected',
    reasons: succeeded ? [] : [{ code: 'receipt_expired', message: `Receipt ${n} expired.` }],
    github: succeeded
      ? {
          release_id: 1000 + n,
          url: `https://github.com/acme/widgets/releases/${n}`,
          tag_sha: 'a'.repeat(40),
          adopted: false,
        }
      : null,
    temporal: { workflow_id: `receipt-rcpt-${n}`, run_id: `wf-run-${n}` },
    executor_version: '0.1.0',
    source: 'workflow',
    run: null,
    authorization: null,
  };
}
