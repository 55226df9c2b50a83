import { superviseWorker } from './child-worker.js';
import { readAuditEntries } from './drill-checks.js';
import { startBenchStack } from './stack.js';
import { benchRequest, benchSandboxConfig, effectCount } from './workload.js';

export interface ConcurrencyDrillReport {
  submissions: number;
  workerSets: number;
  started: number;
  rejectedAlreadyConsumed: number;
  finalOutcome: string;
  effects: number;
  appliedWrites: number;
  audit: { verified: boolean; records: number; succeeded: number; alreadyConsumed: number };
  wallMs: number;
}

/**
 * The concurrency drill: one receipt submitted `submissions` times at once, with `workerSets`
 * `marketops worker` processes on the task queues (the SDK allows one worker per task queue
 * per process), sharing the audit-store and ledger files.
 */
export async function runConcurrencyDrill(
  submissions: number,
  workerSets: number,
): Promise<ConcurrencyDrillReport> {
  const stack = await startBenchStack(benchSandboxConfig(1));
  const sets = Array.from({ length: workerSets }, () => superviseWorker(stack));
  try {
    await Promise.all(sets.map((set) => set.running()));
    const request = benchRequest(`concurrency-${Date.now()}`, 0);
    const receipt = await stack.issue(request);
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: submissions }, () => stack.client().submit({ receipt, request })),
    );
    const winner = results.find((result) => result.status === 'started');
    const finalOutcome = winner ? (await stack.client().result(winner.receiptId)).status : 'none';
    const wallMs = performance.now() - started;
    const receiptId = winner?.receiptId;
    const { verification, entries } = await readAuditEntries(
      `file:${stack.files.audit}`,
      stack.files.auditKeys,
    );
    const mine = entries.filter((entry) => entry.record.receipt_id === receiptId);
    const alreadyConsumed = (codes: { code: string }[]) =>
      codes.some((reason) => reason.code === 'ALREADY_CONSUMED');
    const log = await stack.sandbox.admin.requests();
    return {
      submissions,
      workerSets,
      started: results.filter((result) => result.status === 'started').length,
      rejectedAlreadyConsumed: results.filter(
        (result) => result.status === 'rejected' && alreadyConsumed(result.reasons),
      ).length,
      finalOutcome,
      effects: effectCount(await stack.sandbox.admin.state(), request),
      appliedWrites: log.filter((entry) => entry.contentCreating && entry.applied).length,
      audit: {
        verified: verification.ok,
        records: mine.length,
        succeeded: mine.filter((entry) => entry.record.outcome === 'succeeded').length,
        alreadyConsumed: mine.filter(
          (entry) => entry.record.outcome === 'rejected' && alreadyConsumed(entry.record.reasons),
        ).length,
      },
      wallMs,
    };
  } finally {
    await Promise.allSettled(sets.map((set) => set.stop()));
    await stack.stop();
  }
}
