import type { AuditRecord } from './record.js';

const UNVERIFIED = ' (unverified)';

/** A record's run id as a reader must take it: marked when it was read from a submission that did not verify. */
export const runIdLabel = ({ run_id, run_id_verified }: AuditRecord): string =>
  run_id === null ? '-' : `${run_id}${run_id_verified ? '' : UNVERIFIED}`;

/**
 * A record's receipt id as a reader must take it: marked when the receipt's signature did not verify
 * (a refused authorization of a run's step), so the id is only what a forged receipt claims.
 */
export const receiptIdLabel = ({ receipt_id, authorization }: AuditRecord): string =>
  receipt_id === null ? '-' : `${receipt_id}${authorization?.receipt_verified === false ? UNVERIFIED : ''}`;
