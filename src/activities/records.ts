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
    async recordOutcome({ step, draft }: { step: string; draft: RecordDraft }): Promise<AuditAnchor> {
      return append(step, {
        ...draft,
        temporal: temporal(),
        executor_version: executorVersion,
        source: 'workflow',
      });
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
      return append('client-rejection', {
        ...draft,
        recorded_at: recordedAt,
        op_digest: null,
        outcome: 'rejected',
        github: null,
        temporal: temporal(),
        executor_version: executorVersion,
        source: 'client',
      });
    },
  };
}
