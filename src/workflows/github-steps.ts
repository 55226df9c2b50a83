import { ActivityCancellationType, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import type { OperationRequest, TagRepoRequest } from '../receipts/index.js';
import { GITHUB_WRITES_TASK_QUEUE, type Progress } from '../shared.js';
import { withRateLimitWaits } from './rate-limit-waits.js';

type GitHub = activities.GitHubWriteActivities;

/**
 * GitHub writes once ran on their own task queue, paced by its rate limit; now each reserves
 * its identity's budget and runs on the workflow's queue, dispatched with the workflow task.
 * Executions that reached a write before this change replay it as it was.
 */
const BUDGETS_PATCH = 'github-budgets';

/**
 * GitHub writes may retry only while the receipt is valid: the schedule-to-close timeout
 * ends at exp, so the proxy is made per call, after any wait. A cancelled workflow waits
 * for a write in flight, so its record says what happened.
 */
function githubActivities(notAfter: number, budgeted: boolean): GitHub {
  return proxyActivities<GitHub>({
    ...(budgeted ? {} : { taskQueue: GITHUB_WRITES_TASK_QUEUE }),
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: Math.max(1, notAfter - Date.now()),
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
}

interface Steps {
  notAfter: number;
  progress: Progress;
  /** A fresh budget reservation key, unique to this run. */
  reservation(): string;
}

/** One GitHub activity call, after whatever durable budget and rate-limit waits it needs. */
function callGitHub<T>(
  steps: Steps,
  call: (github: GitHub, reservation: string | undefined) => Promise<T>,
): Promise<T> {
  const budgeted = patched(BUDGETS_PATCH);
  return withRateLimitWaits(
    (reservation) => call(githubActivities(steps.notAfter, budgeted), reservation),
    () => (budgeted ? steps.reservation() : undefined),
    steps.notAfter,
    steps.progress,
  );
}

/** An annotated tag is two writes, a tag object then its ref; a lightweight tag is the ref alone. */
async function tagRepository(request: TagRepoRequest, steps: Steps) {
  const { notAfter, progress } = steps;
  const { message } = request;
  if (message === undefined) {
    return callGitHub(steps, (github, reservation) =>
      github.createTagRef({ request, notAfter, reservation, targetSha: request.sha }),
    );
  }
  const created = await callGitHub(steps, (github, reservation) =>
    github.createTagObject({ request: { ...request, message }, notAfter, reservation }),
  );
  if ('adopted' in created) return created.adopted;
  progress.writesDone += 1;
  return callGitHub(steps, (github, reservation) =>
    github.createTagRef({ request, notAfter, reservation, targetSha: created.tagObjectSha }),
  );
}

/** The GitHub writes of one operation, in order; each activity reads before it writes. */
export function performOperation(
  request: OperationRequest,
  notAfter: number,
  progress: Progress,
): Promise<activities.GitHubEffect> {
  const { workflowId, runId } = workflowInfo();
  let reservations = 0;
  const steps: Steps = { notAfter, progress, reservation: () => `${workflowId}/${runId}/${++reservations}` };
  switch (request.operation_kind) {
    case 'publish_release':
      return callGitHub(steps, (github, reservation) =>
        github.publishRelease({ request, notAfter, reservation }),
      );
    case 'open_pr':
      return callGitHub(steps, (github, reservation) =>
        github.openPullRequest({ request, notAfter, reservation }),
      );
    case 'tag_repo':
      return tagRepository(request, steps);
  }
}
