import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Sinks } from '@temporalio/workflow';
import { AuditConflictError, type AuditRecord, type AuditStore } from '../audit/index.js';
import type { RecordDraft } from '../audit/record.js';
import type { RejectionDraft } from '../audit/refusal-draft.js';
import { Code } from '../codes.js';
import type { ExecutorMetrics } from '../metrics/executor-metrics.js';
import { claimedReceiptId } from '../receipts/index.js';
import type { RunRefusal } from '../runs/refusals.js';
import type { AuditAnchor } from '../shared.js';
import { currentWorkflowExecution } from './workflow-execution.js';

export interface RecordSettings {
  store: AuditStore;
  executorVersion: string;
  metrics: ExecutorMetrics;
}

/** A refusal whose receipt was read: its id is the receipt's when the signature verified, else only claimed. */
export type CheckedRunRefusal = RunRefusal & { receiptId: string | null; receiptVerified: boolean };

/**
 * A refusal decided without reading the receipt, handed to the worker by the run workflow's sink: the
 * workflow passes the receipt as it came (never into any history), and the worker reads only the id it claims.
 */
export type UncheckedRunRefusal = RunRefusal & { receipt: unknown };

/**
 * The run workflow's sink (`proxySinks`): the worker registers it with `callDuringReplay: false`.
 * Not the activity `recordRunRefusal`, which records a refusal whose receipt was read.
 */
export interface RunSinks extends Sinks {
  audit: { recordUnreadRefusal(refusal: UncheckedRunRefusal): void };
}

type Temporal = NonNullable<AuditRecord['temporal']>;
/** A draft with where and by what it ran: a full record but for a run's refusals. */
type Drafted = RecordDraft & Pick<AuditRecord, 'temporal' | 'executor_version' | 'source'>;

/** A refusal's record: only what a refusal can say, no op_digest, no GitHub effect. */
function rejectionRecord(
  draft: RejectionDraft & Partial<Pick<AuditRecord, 'authorization'>>,
  recordedAt: string,
  temporal: Temporal,
  source: AuditRecord['source'],
  executorVersion: string,
): AuditRecord {
  return {
    authorization: null,
    ...draft,
    recorded_at: recordedAt,
    op_digest: null,
    run: null,
    outcome: 'rejected',
    github: null,
    temporal,
    executor_version: executorVersion,
    source,
  };
}

/** The identity of a refusal's record: a retried task or activity finds it taken, a different refusal under the same Update id does not. */
function refusalIdentity(temporal: Temporal, refusal: CheckedRunRefusal): string {
  const what = JSON.stringify([refusal.step, refusal.receiptId, refusal.reasons.map((r) => r.code)]);
  const digest = createHash('sha256').update(what).digest('hex').slice(0, 16);
  return `${temporal.workflow_id}/${temporal.run_id}/refusal-${refusal.updateId}-${digest}`;
}

function runRefusalRecord(refusal: CheckedRunRefusal, temporal: Temporal, executorVersion: string) {
  const draft = {
    run_id: refusal.runId,
    // The plan names the run, as in the run record; no receipt vouched for it.
    run_id_verified: false,
    receipt_id: refusal.receiptId,
    operation_kind: refusal.operationKind,
    repository: refusal.repository,
    key_id: null,
    reasons: refusal.reasons,
    run: null,
    authorization: { step: refusal.step, mode: refusal.mode, receipt_verified: refusal.receiptVerified },
  };
  return rejectionRecord(draft, refusal.recordedAt, temporal, 'workflow', executorVersion);
}

/**
 * A sink holds the run's workflow task, whose timeout is 10 s: it tries SINK_ATTEMPTS times, each
 * given SINK_ATTEMPT_MS, with short pauses between, so it gives up within about 5 s however the store hangs.
 */
const SINK_ATTEMPTS = 3;
const SINK_ATTEMPT_MS = 1500;
const SINK_PAUSE_MS = 250;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The store's answer, or a failure once `ms` pass without one (the append may still land: it is idempotent). */
async function appendWithin(store: AuditStore, identity: string, record: AuditRecord, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the audit store did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([store.append(identity, record), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Records a refusal decided without reading the receipt, from the worker process: the run workflow
 * rejects such an Update in its validator, so nothing enters its history. The workflow task waits for
 * this, so the refusal is on record before its answer leaves. A record already there (a retried task)
 * counts as done; a store that keeps failing or does not answer fails loudly, and the SDK logs it as an
 * error while the refusal is answered unrecorded.
 */
export function createRefusalSink({
  store,
  executorVersion,
}: Pick<RecordSettings, 'store' | 'executorVersion'>) {
  return async (execution: { workflowId: string; runId: string }, refusal: UncheckedRunRefusal) => {
    const { receipt, ...rest } = refusal;
    const checked = { ...rest, receiptId: claimedReceiptId(receipt), receiptVerified: false };
    const temporal = { workflow_id: execution.workflowId, run_id: execution.runId };
    const record = runRefusalRecord(checked, temporal, executorVersion);
    for (let attempt = 1; ; attempt++) {
      try {
        await appendWithin(store, refusalIdentity(temporal, checked), record, SINK_ATTEMPT_MS);
        return;
      } catch (error) {
        if (error instanceof AuditConflictError) return;
        if (attempt === SINK_ATTEMPTS) {
          const codes = refusal.reasons.map((r) => r.code).join(', ');
          throw new Error(
            `The refused authorization of run ${refusal.runId} (${codes}) could not be recorded; check the audit store: ${(error as Error).message}`,
          );
        }
        await pause(SINK_PAUSE_MS * attempt);
      }
    }
  };
}

export function createRecordActivities({ store, executorVersion, metrics }: RecordSettings) {
  /**
   * The record's identity is the workflow run plus the step, so a retried activity cannot
   * append twice, while a second run of a receipt's workflow id (allowed after a failed
   * one, such as a forged start) keeps its own record. A different record under that identity is refused, and retrying cannot
   * change that: it ends the attempt for good, with the reason.
   */
  const append = (step: string, record: AuditRecord): Promise<AuditAnchor> =>
    appendAt(`${record.temporal?.workflow_id}/${record.temporal?.run_id}/${step}`, record);

  async function appendAt(identity: string, record: AuditRecord): Promise<AuditAnchor> {
    try {
      const { index, leafHash, checkpoint } = await store.append(identity, record);
      return { index, leafHash, checkpoint };
    } catch (error) {
      if (error instanceof AuditConflictError)
        throw ApplicationFailure.nonRetryable(error.message, Code.AUDIT_CONFLICT);
      throw error;
    }
  }

  const temporal = () => {
    const { workflowId, runId } = currentWorkflowExecution();
    return { workflow_id: workflowId, run_id: runId };
  };

  /**
   * A run's record counts the refusals on record for its workflow run. A retry finds its own record
   * first and offers it again, so a refusal recorded meanwhile cannot make it a different one.
   */
  async function withRefusals(step: string, record: Drafted): Promise<AuditRecord> {
    if (!record.run || !record.run_id || !record.temporal) return { ...record, run: null };
    const { workflow_id, run_id } = record.temporal;
    const entries = await store.byRunId(record.run_id);
    const own = entries.find((entry) => entry.identity === `${workflow_id}/${run_id}/${step}`);
    if (own) return own.record;
    const refusals = entries.filter(
      (entry) => entry.record.authorization !== null && entry.record.temporal?.run_id === run_id,
    ).length;
    return { ...record, run: { ...record.run, refusals } };
  }

  return {
    /**
     * `startedAt` is the workflow's start (epoch ms); a run's record has none.
     * The duration runs to `recorded_at`: both are Temporal's clock, which neither a time-skipping
     * server nor a worker's clock skew can bend. Counted once appended: only outcomes on record count.
     */
    async recordOutcome({
      step,
      draft,
      startedAt,
    }: {
      step: string;
      draft: RecordDraft;
      startedAt?: number;
    }): Promise<AuditAnchor> {
      const record = await withRefusals(step, {
        ...draft,
        temporal: temporal(),
        executor_version: executorVersion,
        source: 'workflow',
      });
      const anchor = await append(step, record);
      metrics.outcome(draft.operation_kind, draft.outcome, draft.reasons[0]?.code);
      if (startedAt !== undefined) {
        const seconds = (Date.parse(draft.recorded_at) - startedAt) / 1000;
        metrics.operationDuration(draft.operation_kind, Math.max(0, seconds));
      }
      return anchor;
    },

    /** Records a submission the client refused; the fields a refusal cannot vouch for are fixed here. */
    async recordClientRejection({
      draft,
      recordedAt,
    }: {
      draft: RejectionDraft;
      recordedAt: string;
    }): Promise<AuditAnchor> {
      // Counted here, so the worker's metrics show the refusals of every client.
      for (const reason of draft.reasons) metrics.receipt('rejected', reason.code);
      const record = rejectionRecord(draft, recordedAt, temporal(), 'client', executorVersion);
      const anchor = await append('client-rejection', record);
      metrics.outcome(draft.operation_kind, 'rejected', draft.reasons[0]?.code);
      return anchor;
    },

    /** Records a refused authorization whose receipt the run read (so it is in the run's history). */
    async recordRunRefusal(refusal: CheckedRunRefusal): Promise<AuditAnchor> {
      const execution = temporal();
      const record = runRefusalRecord(refusal, execution, executorVersion);
      return appendAt(refusalIdentity(execution, refusal), record);
    },
  };
}
