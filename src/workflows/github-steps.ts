import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type * as activities from '../activities/index.js';
import type { OperationRequest, TagRepoRequest } from '../receipts/index.js';
import { GITHUB_WRITES_TASK_QUEUE, type Progress } from '../shared.js';
import { withRateLimitWaits } from './rate-limit-waits.js';

type GitHub = activities.GitHubWriteActivities;

/**
 * GitHub writes may retry only while the receipt is valid: the schedule-to-close timeout
 * ends at exp, so the proxy is made per call, after any rate-limit wait. A cancelled
 * workflow waits for a write in flight, so its record says what happened.
 */
function githubActivities(notAfter: number): GitHub {
  return proxyActivities<GitHub>({
    taskQueue: GITHUB_WRITES_TASK_QUEUE,
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: Math.max(1, notAfter - Date.now()),
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
}

/** One GitHub activity call, after whatever durable rate-limit waits GitHub asks for. */
function callGitHub<T>(
  notAfter: number,
  progress: Progress,
  call: (github: GitHub) => Promise<T>,
): Promise<T> {
  return withRateLimitWaits(() => call(githubActivities(notAfter)), notAfter, progress);
}

/** An annotated tag is two writes, a tag object then its ref; a lightweight tag is the ref alone. */
async function tagRepository(request: TagRepoRequest, notAfter: number, progress: Progress) {
  const { message } = request;
  if (message === undefined) {
    return callGitHub(notAfter, progress, (github) =>
      github.createTagRef({ request, notAfter, targetSha: request.sha }),
    );
  }
  const created = await callGitHub(notAfter, progress, (github) =>
    github.createTagObject({ request: { ...request, message }, notAfter }),
  );
  if ('adopted' in created) return created.adopted;
  progress.writesDone += 1;
  return callGitHub(notAfter, progress, (github) =>
    github.createTagRef({ request, notAfter, targetSha: created.tagObjectSha }),
  );
}

/** The GitHub writes of one operation, in order; each activity reads before it writes. */
export function performOperation(
  request: OperationRequest,
  notAfter: number,
  progress: Progress,
): Promise<activities.GitHubEffect> {
  switch (request.operation_kind) {
    case 'publish_release':
      return callGitHub(notAfter, progress, (github) => github.publishRelease({ request, notAfter }));
    case 'open_pr':
      return callGitHub(notAfter, progress, (github) => github.openPullRequest({ request, notAfter }));
    case 'tag_repo':
      return tagRepository(request, notAfter, progress);
  }
}
