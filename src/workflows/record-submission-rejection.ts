import { upsertSearchAttributes } from '@temporalio/workflow';
import type { RejectionDraft } from '../audit/refusal-draft.js';
import { type AuditAnchor, searchAttributes } from '../shared.js';
import { coreActivities } from './core-activities.js';

/**
 * Records a submission the client refused before any execution workflow started
 * (a duplicate, malformed or forged receipt). It runs as a workflow so that the
 * audit log's signing key stays with the workers, never with submitters.
 */
export async function recordSubmissionRejection(draft: RejectionDraft): Promise<AuditAnchor> {
  const anchor = await coreActivities.recordClientRejection({
    draft,
    recordedAt: new Date(Date.now()).toISOString(),
  });
  upsertSearchAttributes([{ key: searchAttributes.outcome, value: 'rejected' }]);
  return anchor;
}
