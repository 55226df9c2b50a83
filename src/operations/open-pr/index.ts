import type { OperationModule } from '../operation.js';
import { openStep, pullRequestWrite } from './github.js';
import { openPrRecordFields } from './record.js';
import { type OpenPrRequest, openPrRequestSchema } from './request.js';

/** A pull request from `head` (a branch, or `owner:branch` of a fork) into `base`. */
export const openPr: OperationModule<OpenPrRequest> = {
  kind: 'open_pr',
  schema: openPrRequestSchema,
  // A pull request is its own permission, not repository contents.
  permission: 'pull_requests',
  summary: (request) => `${request.operation_kind} ${request.repository} ${request.head} → ${request.base}`,
  ref: (request) => request.base,
  plan: (request) => [pullRequestWrite(request)],
  writes: () => [openStep],
  record: openPrRecordFields,
  example: {
    operation_kind: 'open_pr',
    run_id: 'run-7',
    repository: 'acme/widgets',
    head: 'feature/notes',
    base: 'main',
    title: 'Launch notes',
    body: 'For review',
    draft: false,
  },
};
