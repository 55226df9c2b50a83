import { ActivityCancellationType, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import type { GitHubEffect } from '../github/calls.js';
import type { OperationRequest } from '../operations/registry.js';
import { GITHUB_ACTIVITY_TIMEOUT_MS, type Progress, UPLOAD_HEARTBEAT_TIMEOUT_MS } from '../shared.js';
import { withRateLimitWaits } from './rate-limit-waits.js';

/**
 * GitHub writes may retry only while the receipt is valid: the schedule-to-close timeout
 * ends at exp, so the proxy is made per call, after any wait. A cancelled workflow waits
 * for a write in flight, so its record says what happened. A longer write (an upload, its
 * timeout announced by the write before it) heartbeats, so a dead worker is noticed early.
 */
function githubActivities(notAfter: number, timeoutMs = GITHUB_ACTIVITY_TIMEOUT_MS) {
  return proxyActivities<activities.GitHubWriteActivities>({
    startToCloseTimeout: timeoutMs,
    ...(timeoutMs > GITHUB_ACTIVITY_TIMEOUT_MS ? { heartbeatTimeout: UPLOAD_HEARTBEAT_TIMEOUT_MS } : {}),
    scheduleToCloseTimeout: Math.max(1, notAfter - Date.now()),
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
}

/**
 * The GitHub writes of one operation, in order, whatever its kind: each activity runs one
 * write from its view of the request (reading first, so it may adopt instead) and answers with
 * the effect, or with what the next write needs. Each write reserves its identity's budget;
 * budget and rate-limit waits are durable timers.
 */
export async function performOperation(
  request: OperationRequest,
  { kind, opDigest, writes }: activities.OperationWrites,
  notAfter: number,
  progress: Progress,
): Promise<GitHubEffect> {
  const { workflowId, runId } = workflowInfo();
  let reservations = 0;
  const nextReservation = () => `${workflowId}/${runId}/${++reservations}`;
  let carry: string | undefined;
  for (const [write, each] of writes.entries()) {
    const view = 'whole' in each ? request : each.view;
    const answer = await withRateLimitWaits(
      (reservation) =>
        githubActivities(notAfter, each.timeoutMs).githubWrite({
          kind,
          opDigest,
          view,
          write,
          carry,
          notAfter,
          reservation,
        }),
      nextReservation,
      notAfter,
      progress,
    );
    if ('effect' in answer) return answer.effect;
    carry = answer.carry;
    progress.writesDone += 1;
  }
  throw new TypeError(`${kind}'s last write answered no effect`);
}
