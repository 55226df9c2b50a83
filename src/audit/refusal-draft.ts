import type { Reason } from '../shared.js';
import type { AuditRecord } from './record.js';

/**
 * A refusal the client records (the input of the refusal workflow): only what a refusal can say,
 * no outcome but rejected and no GitHub effect.
 */
export type RejectionDraft = Pick<
  AuditRecord,
  'run_id' | 'run_id_verified' | 'receipt_id' | 'operation_kind' | 'repository' | 'key_id'
> & { reasons: Reason[] };
