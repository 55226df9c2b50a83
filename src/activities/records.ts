import { ApplicationFailure } from '@temporalio/common';
import { AuditConflictError, type AuditRecord, type AuditStore } from '../audit/index.js';
import type { ExecutorMetrics } from '../metrics/executor-metrics.js';
import type { AuditAnchor } from '../shared.js';
import { currentWorkflowExecution } from './workflow-execution.js';

/** The record as the workflow knows it; the activity adds where and by what it ran. */
export type RecordDraft = Omit<AuditRecord, 'temporal' | 'executor_version' | 'source'>;

export interface RecordSettings {
  store: AuditStore;
  executorVersion: string;
  metrics: ExecutorMetrics;
}

/** Client-side refusals carry only what a refusal can say: no outcome but rejected, no GitHub effect. */
export type RejectionDraft = Pick<
  RecordDraft,
  'run_id' | 'run_id_verified' | 'receipt_id' | 'operation_kind' | 'repository' | 'key_id' | 'reasons'
>;

export function createRecordActivities({ store, executorVersion, metrics }: RecordSettings) {
  /**
   * The record's identity is the workflow run plus the step, so a retried activity cannot
   * append twice, while a second run of a receipt's workflow id (allowed after a failed
   * one, such as a forged start) keeps its own record. A different record under that identity is refused, and retrying cannot
   * change that: it ends the attempt for good, with the reason.
   */
  async function append(step: string, record: AuditRecord): Promise<AuditAnchor> {
    const identity = `${record.temporal?.workflow_id}/${record.temporal?.run_id}/${step}`;
    try {
      const { index, leafHash, checkpoint } = await store.append(identity, record);
      return { index, leafHash, checkpoint };
    } catch (error) {
      if (error instanceof AuditConflictError)
        throw ApplicationFailure.nonRetryable(error.message, 'AUDIT_CONFLICT');
      throw error;
    }
  }

  const temporal = () => {
    const { workflowId, runId } = currentWorkflowExecution();
    return { workflow_id: workflowId, run_id: runId };
  };

  return {
    /**
     * `startedAt` is the workflow's start (epoch ms), absent from runs started before it was passed.
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
      const anchor = await append(step, {
        ...draft,
        temporal: temporal(),
        executor_version: executorVersion,
        source: 'workflow',
      });
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
      const anchor = await append('client-rejection', {
        ...draft,
        recorded_at: recordedAt,
        op_digest: null,
        outcome: 'rejected',
        github: null,
        temporal: temporal(),
        executor_version: executorVersion,
        source: 'client',
      });
      metrics.outcome(draft.operation_kind, 'rejected', draft.reasons[0]?.code);
      return anchor;
    },
  };
}
