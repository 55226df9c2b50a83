import { readFile } from 'node:fs/promises';
import type { JWK } from 'jose';
import { type AuditEntry, openAuditStore, verifyAuditLog } from '../../src/audit/index.js';
import type { OperationRequest } from '../../src/operations/registry.js';
import type { SandboxState } from '../../src/sandbox/index.js';
import { tally } from './stats.js';
import { effectCount } from './workload.js';

/** One submission of a drill, after the fact: what its caller was told. */
export interface Settled {
  receiptId: string;
  request: OperationRequest;
  /** Final outcomes reported for it; exactly one is right. */
  outcomes: string[];
}

export interface DrillVerdict {
  submissions: number;
  outcomes: Record<string, number>;
  /** Submissions without exactly one final outcome. */
  withoutOneOutcome: number;
  /** Succeeded submissions whose effect is not in the sandbox exactly once. */
  succeededWithoutOneEffect: number;
  /** Other submissions whose effect is in the sandbox anyway. */
  unsucceededWithEffect: number;
  audit: { verified: boolean; message?: string; size: number };
  /** Submissions without exactly one final workflow record in the audit log. */
  withoutOneRecord: number;
  /** Records whose outcome differs from what the caller was told. */
  recordsContradictingOutcome: number;
}

/** The audit log at `location` (file:DIR or postgres://…), verified against the public keys. */
export async function readAuditEntries(location: string, publicKeysFile: string) {
  const store = await openAuditStore(location);
  try {
    const keys = JSON.parse(await readFile(publicKeysFile, 'utf8')) as { keys: JWK[] };
    const verification = await verifyAuditLog(store, keys);
    return { verification, entries: await store.entries() };
  } finally {
    await store.close();
  }
}

/** The drill's claims, counted: never twice, never lost, every outcome on the record. */
export function judgeDrill(
  settled: readonly Settled[],
  state: SandboxState,
  audit: Awaited<ReturnType<typeof readAuditEntries>>,
): DrillVerdict {
  const records = new Map<string, AuditEntry[]>();
  for (const entry of audit.entries) {
    if (entry.record.source !== 'workflow' || !entry.record.receipt_id) continue;
    records.set(entry.record.receipt_id, [...(records.get(entry.record.receipt_id) ?? []), entry]);
  }
  const succeeded = (s: Settled) => s.outcomes.length === 1 && s.outcomes[0] === 'succeeded';
  return {
    submissions: settled.length,
    outcomes: tally(settled.flatMap((s) => s.outcomes)),
    withoutOneOutcome: settled.filter((s) => s.outcomes.length !== 1).length,
    succeededWithoutOneEffect: settled.filter((s) => succeeded(s) && effectCount(state, s.request) !== 1)
      .length,
    unsucceededWithEffect: settled.filter((s) => !succeeded(s) && effectCount(state, s.request) !== 0).length,
    audit: {
      verified: audit.verification.ok,
      ...(audit.verification.ok ? {} : { message: audit.verification.message }),
      size: audit.entries.length,
    },
    withoutOneRecord: settled.filter((s) => records.get(s.receiptId)?.length !== 1).length,
    recordsContradictingOutcome: settled.filter(
      (s) => records.get(s.receiptId)?.[0]?.record.outcome !== s.outcomes[0],
    ).length,
  };
}
