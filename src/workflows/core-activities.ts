import { proxyLocalActivities } from '@temporalio/workflow';
import type * as activities from '../activities/index.js';

/**
 * Validation, the ledger and audit records run as local activities: in the worker
 * that runs the workflow, without a round trip through the server per step. Each is
 * idempotent (the ledger and the log key by workflow id), so a re-run after a crash
 * is safe. A record must never be lost, so they retry until they succeed.
 */
export const core = proxyLocalActivities<activities.CoreActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
