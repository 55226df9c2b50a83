import { proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities/index.js';

/**
 * Validation, the ledger and audit records. A record must never be lost, so they retry
 * until they succeed; each is idempotent (the ledger and the log key by workflow id).
 * Not local activities: the time-skipping test server cannot see those, skips past the
 * workflow task timeout while one runs, and so makes tests of these paths meaningless.
 */
export const coreActivities = proxyActivities<activities.CoreActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});
