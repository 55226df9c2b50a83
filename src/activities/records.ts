import type { AuditRecord, AuditStore } from '../audit/index.js';
import type { AuditAnchor } from '../shared.js';
import { currentWorkflowExecution } from './workflow-execution.js';

/** The record as the workflow knows it; the activity adds where and by what it ran. */
export type RecordDraft = Omit<AuditRecord, 'temporal' | 'executor_version' | 'source'>;

export interface RecordSettings {
  store: AuditStore;
  executorVersion: string;
}

export function createRecordActivities({ store, executorVersion }: RecordSettings) {
  return {
    /**
     * The record's identity is the workflow id plus the step, so a retried activity
     * cannot append twice, and a different record under that identity is refused.
     */
    async recordOutcome({ step, draft }: { step: string; draft: RecordDraft }): Promise<AuditAnchor> {
      const { workflowId, runId } = currentWorkflowExecution();
      const record: AuditRecord = {
        ...draft,
        temporal: { workflow_id: workflowId, run_id: runId },
        executor_version: executorVersion,
        source: 'workflow',
      };
      const { index, leafHash, checkpoint } = await store.append(`${workflowId}/${step}`, record);
      return { index, leafHash, checkpoint };
    },
  };
}
