import type { ReceiptLedger } from '../ledger/index.js';
import type { ExecutorMetrics } from '../metrics/executor-metrics.js';
import { nonRetryableBugs } from './bug-class.js';
import { createGitHubActivities, type GitHubAccess } from './github/index.js';
import { createRecordActivities, type RecordSettings } from './records.js';
import { createRunActivities } from './runs.js';
import { createValidationActivities, type ValidationSettings } from './validation.js';

export interface ActivityDependencies {
  validation: ValidationSettings;
  ledger: ReceiptLedger;
  records: RecordSettings;
  github: GitHubAccess;
  metrics: ExecutorMetrics;
}

/** Activities that run on the main task queue: authorization (with the ledger) and records. */
export const createCoreActivities = (deps: ActivityDependencies) =>
  nonRetryableBugs({
    ...createValidationActivities(deps.validation, deps.metrics, deps.ledger),
    ...createRecordActivities(deps.records),
    ...createRunActivities({
      ...deps.validation,
      identities: deps.github.identities,
      artifacts: deps.github.artifacts,
      metrics: deps.metrics,
    }),
  });

/** GitHub writes, each within its identity's budget. */
export const createGitHubWriteActivities = (deps: ActivityDependencies) =>
  nonRetryableBugs(createGitHubActivities(deps.github, deps.metrics));

export type CoreActivities = ReturnType<typeof createCoreActivities>;
export type GitHubWriteActivities = ReturnType<typeof createGitHubWriteActivities>;
export type { IdentityDetails } from './github/index.js';
export type { OperationWrites } from './github/write-views.js';
export type { RunSinks } from './records.js';
export { createRefusalSink } from './records.js';
export type { SubmissionFacts, Validation } from './validation.js';
